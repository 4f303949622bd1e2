/** A proxy in front of `tracegate mock`, both in-process on 127.0.0.1 port 0, with two client keys. */
import OpenAI from 'openai';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { proxyConfigFromObject, silentLogger, startProxy, type ProxyServer } from '../../src/proxy/index.js';
import type { ProxyOptions } from '../../src/proxy/server.js';

/** A recognizable provider key: it must never appear in anything the proxy sends. */
export const PROVIDER_KEY = 'sk-provider-SECRET-7f3a9c';
export const KEY_ALL = 'sk-client-all-000000001';
export const KEY_FAST = 'sk-client-fast-00000002';

export interface Stack {
  mock: MockServer;
  proxy: ProxyServer;
  client(key?: string, extra?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  close(): Promise<void>;
}

/** Model entries: `chat` (gpt-4o-mini), `chat-accurate` (gpt-4o), `embed` (text-embedding-3-small), all on the mock. */
export function mockModels(mock: MockServer): Record<string, unknown>[] {
  const baseURL = mock.baseURL('openai');
  return [
    { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: PROVIDER_KEY, baseURL },
    { name: 'chat-accurate', provider: 'openai', model: 'gpt-4o', apiKey: PROVIDER_KEY, baseURL },
    { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: PROVIDER_KEY, baseURL },
  ];
}

export const FAST_POLICY = {
  retry: { maxAttempts: 1 },
  timeouts: { connectMs: 1000, firstTokenMs: 3000, idleMs: 2000, totalMs: 5000 },
};

export async function startStack(
  config: Record<string, unknown> | ((mock: MockServer) => Record<string, unknown>) = {},
  options: Partial<ProxyOptions> = {},
): Promise<Stack> {
  const mock = await startMockServer();
  const extra = typeof config === 'function' ? config(mock) : config;
  const resolved = proxyConfigFromObject(
    {
      models: mockModels(mock),
      keys: [
        { id: 'all', key: KEY_ALL, metadata: { user: 'u1', team: 'support' } },
        { id: 'fast', key: KEY_FAST, models: ['chat'] },
      ],
      ...FAST_POLICY,
      ...extra,
    },
    { env: {} },
  );
  const proxy = await startProxy({ config: resolved, port: 0, logger: silentLogger, ...options });
  return {
    mock,
    proxy,
    client: (key = KEY_ALL, extra = {}) => new OpenAI({ apiKey: key, baseURL: `${proxy.url}/v1`, maxRetries: 0, timeout: 10_000, ...extra }),
    close: async () => {
      await proxy.close();
      await mock.close();
    },
  };
}

/** A raw request to the proxy (for malformed input): status, headers and parsed body. */
export async function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
