/**
 * A minimal OpenAI-compatible server on 127.0.0.1 for instrumentation tests (until the project's
 * `startMockServer` is used): answers chat completions (JSON or SSE) and embeddings, follows a
 * script of per-request behaviours, and records each request's headers and body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Behaviour {
  /** HTTP status to answer with (errors get an OpenAI error body). */
  status?: number;
  /** Text of the answer. */
  content?: string;
  /** Tool calls the model "chooses". */
  toolCalls?: { name: string; arguments: string }[];
  /** Stream: send this many content chunks, then fail (destroy the socket). */
  failAfterChunks?: number;
  /** Stream: wait this long between chunks (ms). */
  chunkDelayMs?: number;
  /** Extra response headers (e.g. retry-after). */
  headers?: Record<string, string>;
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number; reasoning_tokens?: number };
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeOpenAI {
  url: string;
  /** `baseURL` for model entries (`<url>/v1`). */
  baseURL: string;
  requests: RecordedRequest[];
  /** Behaviours for the next requests, in order; when empty, the default answer. */
  script: Behaviour[];
  close(): Promise<void>;
}

const DEFAULT_USAGE = { prompt_tokens: 12, completion_tokens: 5 };

function usageOf(b: Behaviour): Record<string, unknown> {
  const u: NonNullable<Behaviour['usage']> = b.usage ?? DEFAULT_USAGE;
  const out: Record<string, unknown> = {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
  };
  if (u.cached_tokens !== undefined) out.prompt_tokens_details = { cached_tokens: u.cached_tokens };
  if (u.reasoning_tokens !== undefined) out.completion_tokens_details = { reasoning_tokens: u.reasoning_tokens };
  return out;
}

function toolCalls(b: Behaviour): unknown[] | undefined {
  return b.toolCalls?.map((t, i) => ({ id: `call_${i}`, type: 'function', function: { name: t.name, arguments: t.arguments } }));
}

function chatJson(body: Record<string, unknown>, b: Behaviour): unknown {
  const calls = toolCalls(b);
  return {
    id: 'chatcmpl-fake-1',
    object: 'chat.completion',
    created: 1700000000,
    model: `${String(body.model)}-2024-01-01`,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: calls ? null : (b.content ?? 'Hello from the fake.'), ...(calls ? { tool_calls: calls } : {}) },
        finish_reason: calls ? 'tool_calls' : 'stop',
      },
    ],
    usage: usageOf(b),
  };
}

async function streamChat(res: ServerResponse, body: Record<string, unknown>, b: Behaviour): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...b.headers });
  const base = { id: 'chatcmpl-fake-s', object: 'chat.completion.chunk', created: 1700000000, model: `${String(body.model)}-2024-01-01` };
  const send = (o: unknown): void => {
    res.write(`data: ${JSON.stringify(o)}\n\n`);
  };
  const words = (b.content ?? 'Hello from the fake stream.').split(/(?<= )/);
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  let sent = 0;
  for (const w of words) {
    if (b.failAfterChunks !== undefined && sent >= b.failAfterChunks) {
      // Let what was written reach the client, then cut the connection.
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
      return;
    }
    if (b.chunkDelayMs) await new Promise((r) => setTimeout(r, b.chunkDelayMs));
    if (res.destroyed) return;
    send({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
    sent++;
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  const opts = body.stream_options as { include_usage?: boolean } | undefined;
  if (opts?.include_usage) send({ ...base, choices: [], usage: usageOf(b) });
  res.write('data: [DONE]\n\n');
  res.end();
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const script: Behaviour[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    requests.push({ path: req.url ?? '', headers: req.headers, body });
    const b = script.shift() ?? {};
    if (b.status && b.status >= 400) {
      res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers });
      res.end(JSON.stringify({ error: { message: `fake error ${b.status}`, type: 'server_error', code: null, param: null } }));
      return;
    }
    if (req.url?.endsWith('/embeddings')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3, 0.4] }],
          model: String(body.model),
          usage: { prompt_tokens: 3, total_tokens: 3 },
        }),
      );
      return;
    }
    if (body.stream === true) {
      await streamChat(res, body, b);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', ...b.headers });
    res.end(JSON.stringify(chatJson(body, b)));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
