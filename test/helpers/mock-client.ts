/** Raw-HTTP helpers for the mock's tests: credentials per dialect, JSON posting, short timeouts. */
import type { MockDialect, MockServer } from '../../src/mock/index.js';

export const AUTH: Record<MockDialect, Record<string, string>> = {
  openai: { authorization: 'Bearer sk-test-openai' },
  azure: { 'api-key': 'azure-test-key' },
  anthropic: { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
  gemini: { 'x-goog-api-key': 'goog-test-key' },
  bedrock: {
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
    'x-amz-date': '20250101T000000Z',
  },
};

/** Paths of a chat call per dialect (model `m`). */
export function chatPath(dialect: MockDialect, model: string, stream: boolean): string {
  switch (dialect) {
    case 'openai':
      return '/v1/chat/completions';
    case 'azure':
      return `/openai/deployments/${model}/chat/completions?api-version=2024-10-21`;
    case 'anthropic':
      return '/v1/messages';
    case 'gemini':
      return `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
    case 'bedrock':
      return `/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`;
  }
}

/** A minimal valid chat body per dialect. */
export function chatBody(dialect: MockDialect, model: string, stream: boolean, text = 'Hello there'): Record<string, unknown> {
  switch (dialect) {
    case 'openai':
    case 'azure':
      return { model, stream, messages: [{ role: 'user', content: text }], ...(stream ? { stream_options: { include_usage: true } } : {}) };
    case 'anthropic':
      return { model, max_tokens: 100, stream, messages: [{ role: 'user', content: text }] };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text }] }] };
    case 'bedrock':
      return { messages: [{ role: 'user', content: [{ text }] }] };
  }
}

export interface ChatCallOptions {
  stream?: boolean;
  headers?: Record<string, string>;
  text?: string;
  timeoutMs?: number;
  auth?: boolean;
}

/** A fetch Response whose `json()` is untyped, for terse assertions in tests. */
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> };

/** fetch, returning a TestResponse. */
export function request(url: string, init: RequestInit = {}): Promise<TestResponse> {
  return fetch(url, init) as Promise<TestResponse>;
}

/** POSTs a chat request in a dialect's own shape. */
export function chat(mock: MockServer, dialect: MockDialect, model: string, options: ChatCallOptions = {}): Promise<TestResponse> {
  const stream = options.stream ?? false;
  return request(mock.url + chatPath(dialect, model, stream), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.auth === false ? {} : AUTH[dialect]), ...options.headers },
    body: JSON.stringify(chatBody(dialect, model, stream, options.text)),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
}

export const ALL_DIALECTS: MockDialect[] = ['openai', 'azure', 'anthropic', 'gemini', 'bedrock'];

export interface ReadResult {
  bytes: Buffer;
  text: string;
  /** How the body ended: normally, by going quiet for `idleMs`, or with a transport error. */
  outcome: 'end' | 'idle' | 'error';
  error?: unknown;
}

/** Reads a response body until it ends, errors, or sends nothing for `idleMs`. */
export async function readBody(res: TestResponse, idleMs = 300): Promise<ReadResult> {
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  const result = (outcome: ReadResult['outcome'], error?: unknown): ReadResult => {
    const bytes = Buffer.concat(chunks);
    return { bytes, text: bytes.toString('utf8'), outcome, ...(error !== undefined ? { error } : {}) };
  };
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((resolve) => {
      timer = setTimeout(() => resolve('idle'), idleMs);
    });
    try {
      const next = await Promise.race([reader.read(), idle]);
      if (next === 'idle') {
        await reader.cancel().catch(() => undefined);
        return result('idle');
      }
      if (next.done) return result('end');
      chunks.push(Buffer.from(next.value));
    } catch (error) {
      return result('error', error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** POSTs JSON to a path with a dialect's credentials. */
export function post(mock: MockServer, path: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<TestResponse> {
  return request(mock.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}
