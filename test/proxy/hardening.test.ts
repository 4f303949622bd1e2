/**
 * Regression tests of issue 11 (the proxy attacked as a hostile client would), over real HTTP
 * through the proxy in front of `tracegate mock`: nesting depth, classification of failures
 * that are not transport failures, bodies left unread after an early answer, garbage and bad
 * chunked framing on a connection, readiness details, secret redaction, cost notation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALL, mockModels, PROVIDER_KEY, raw, startStack, type Stack } from './helpers.js';
import { endlessBody, rawExchange, statusOf } from './raw-socket.js';

const MASTER = 'sk-master-key-0000000009';
let s: Stack;

beforeAll(async () => {
  s = await startStack((mock) => ({
    models: mockModels(mock).map((m) => ({ ...m, price: { input: 0.001, output: 0.001 } })),
    masterKey: MASTER,
    retry: { maxAttempts: 4 },
    breaker: { consecutiveFailures: 2, cooldownMs: 60_000 },
    server: { bodyLimit: '256kb' },
  }));
});
afterAll(() => s.close());

const auth = { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' };
const chatUrl = () => `${s.proxy.url}/v1/chat/completions`;
const hi = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });

function nestedArrays(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function nestedSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { x: schema } };
  return schema;
}

async function breakersClosed(): Promise<boolean> {
  return (await s.proxy.router.breakerStates()).every((b) => b.state === 'closed' && b.failures === 0);
}

function headerOf(text: string, name: string): string | undefined {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

describe('nesting depth (item 1)', () => {
  it('a body nested 10,000 levels deep is a 400 naming the limit; no upstream call, breakers untouched', async () => {
    const calls = s.mock.calls.length;
    for (let i = 0; i < 3; i++) {
      const body = `{"model":"chat","messages":[{"role":"user","content":"hi","extra":${nestedArrays(10_000)}}]}`;
      const r = await raw(chatUrl(), { headers: auth, body });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'nesting_too_deep' });
      expect(r.body.error.message).toContain('64 levels');
    }
    expect(s.mock.calls.length).toBe(calls);
    expect(await breakersClosed()).toBe(true);
    const ok = await raw(chatUrl(), { headers: auth, body: hi });
    expect(ok.status).toBe(200);
  });

  it('deep tools[].function.parameters and response_format.json_schema.schema are 400s, a normal schema passes', async () => {
    const tools = (schema: unknown) => [{ type: 'function', function: { name: 'f', parameters: schema } }];
    // Built as text: JSON.stringify itself overflows the stack at this depth.
    const deepSchema = '{"type":"object","properties":{"x":'.repeat(5000) + '{"type":"string"}' + '}}'.repeat(5000);
    const deepBody = `{"model":"chat","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deepSchema}}}]}`;
    const deepTool = await raw(chatUrl(), { headers: auth, body: deepBody });
    expect(deepTool.status).toBe(400);
    expect(deepTool.body.error.code).toBe('nesting_too_deep');
    const deepFormat = await raw(chatUrl(), {
      headers: auth,
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'n', schema: nestedSchema(40) } } }),
    });
    expect(deepFormat.status).toBe(400);
    expect(deepFormat.body.error.code).toBe('nesting_too_deep');
    const normal = await raw(chatUrl(), { headers: auth, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }], tools: tools(nestedSchema(10)) }) });
    expect(normal.status).toBe(200);
    expect(await breakersClosed()).toBe(true);
  });

  it('brackets inside strings do not count', async () => {
    const r = await raw(chatUrl(), { headers: auth, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `[{"\\"${'['.repeat(500)}` }] }) });
    expect(r.status).toBe(200);
  });
});

describe('bodies after an early answer (item 5)', () => {
  it('an endless chunked body without a key: 401 at once, connection: close, the connection closed, bounded read', async () => {
    const r = await endlessBody(s.proxy.port, 'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    expect(statusOf(r.text)).toBe(401);
    expect(headerOf(r.text, 'connection')).toBe('close');
    expect(r.closed).toBe(true);
    // What the client got into its socket: the server's reads plus the kernel buffers, far below the 256 MiB it would send.
    expect(r.bytesWritten).toBeLessThan(64 * 1024 * 1024);
  });

  it('a declared 1 GB body on an unknown path, a wrong method, and over bodyLimit: answered, closed, not read', async () => {
    const heads = [
      ['POST /v1/nope HTTP/1.1', 404],
      ['PUT /v1/chat/completions HTTP/1.1', 405],
      ['POST /v1/chat/completions HTTP/1.1', 413],
    ] as const;
    for (const [line, status] of heads) {
      const r = await endlessBody(s.proxy.port, `${line}\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n`, { chunked: false });
      expect(statusOf(r.text)).toBe(status);
      expect(headerOf(r.text, 'connection')).toBe('close');
      expect(r.closed).toBe(true);
      expect(r.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    }
  });

  it('an endless chunked body with a valid key: 413 once past bodyLimit, then closed', async () => {
    const r = await endlessBody(s.proxy.port, `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`);
    expect(statusOf(r.text)).toBe(413);
    expect(r.closed).toBe(true);
    expect(r.bytesWritten).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers to requests without a body keep the connection alive', async () => {
    const r = await rawExchange(s.proxy.port, 'GET /health/liveness HTTP/1.1\r\nhost: x\r\n\r\nGET /health/liveness HTTP/1.1\r\nhost: x\r\n\r\n', { keepOpen: true, waitMs: 300 });
    expect(r.text.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
    expect(headerOf(r.text, 'connection')).toBe('keep-alive');
    expect(r.closed).toBe(false);
  });
});

describe('garbage and bad framing on a connection (item 6)', () => {
  it('a request followed by garbage gets its answer, then the connection closes', async () => {
    const r = await rawExchange(
      s.proxy.port,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ncontent-length: ${hi.length}\r\n\r\n${hi}\x00\x01GARBAGE NOT HTTP\r\n\r\n`,
      { keepOpen: true },
    );
    expect(statusOf(r.text)).toBe(200);
    expect(r.text).toContain('"object":"chat.completion"');
    expect(headerOf(r.text, 'connection')).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('a GET followed by garbage too', async () => {
    const r = await rawExchange(s.proxy.port, `GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\n\r\nBLAH BLAH\x7f\r\n\r\n`, { keepOpen: true });
    expect(statusOf(r.text)).toBe(200);
    expect(r.text).toContain('"object":"list"');
    expect(r.closed).toBe(true);
  });

  it('malformed chunked framing is a 400 JSON answer, then close', async () => {
    for (const body of ['ZZZ\r\nabc\r\n0\r\n\r\n', '5\r\n{"mod\r\nXX\r\n', `${hi.length.toString(16)}\r\n${hi}XX0\r\n\r\n`]) {
      const r = await rawExchange(
        s.proxy.port,
        `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${body}`,
        { keepOpen: true },
      );
      expect(statusOf(r.text)).toBe(400);
      expect(r.text).toContain('"type":"invalid_request_error"');
      expect(r.closed).toBe(true);
    }
  });
});

describe('readiness (item 7)', () => {
  const url = () => `${s.proxy.url}/health/readiness`;

  it('without a key, or with a key that is not the master key: bare status', async () => {
    const anon = await raw(url(), { method: 'GET' });
    expect(anon.status).toBe(200);
    expect(anon.body).toEqual({ status: 'ready' });
    const client = await raw(url(), { method: 'GET', headers: { authorization: `Bearer ${KEY_ALL}` } });
    expect(client.body).toEqual({ status: 'ready' });
    const wrong = await raw(url(), { method: 'GET', headers: { authorization: 'Bearer nope-nope-nope' } });
    expect(wrong.body).toEqual({ status: 'ready' });
  });

  it('with the master key: aliases, deployments, breaker states', async () => {
    const r = await raw(url(), { method: 'GET', headers: { authorization: `Bearer ${MASTER}` } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ready', store: { reachable: true }, aliases: { chat: { available: true, deployments: [{ id: 'chat#0', state: 'closed' }] } } });
  });
});

describe('secret redaction (item 8)', () => {
  it('the provider key upper-cased, split across lines, and unrelated key-shaped strings never reach the client', async () => {
    const split = `${PROVIDER_KEY.slice(0, 10)}\n  ${PROVIDER_KEY.slice(10)}`;
    const others = ['sk-proj-AbCdEfGhIjKlMnOpQrStUv012345', 'sk-ant-api03-abcdefghijklmnopqrstuv', 'AKIAABCDEFGHIJKLMNOP', `AIza${'x'.repeat(35)}`];
    s.mock.enqueue(
      { model: 'gpt-4o-mini' },
      { kind: 'bad_request', message: `bad key ${PROVIDER_KEY.toUpperCase()} or ${split}; also tried ${others.join(', ')}` },
    );
    const r = await raw(chatUrl(), { headers: auth, body: hi });
    expect(r.status).toBe(400);
    const text = r.text.toLowerCase();
    const squashed = text.replace(/\\n|\s/g, '');
    expect(squashed).not.toContain(PROVIDER_KEY.toLowerCase());
    for (const o of others) expect(text).not.toContain(o.toLowerCase());
    expect(r.body.error.message).toContain('[REDACTED]');
    expect(r.body.error.message).toContain('bad key');
  });
});

describe('cost notation (item 13)', () => {
  it('x-tracegate-cost-usd is in fixed notation, never 1e-8', async () => {
    const r = await raw(chatUrl(), { headers: auth, body: hi });
    expect(r.status).toBe(200);
    const cost = r.headers.get('x-tracegate-cost-usd')!;
    expect(cost).toMatch(/^0\.0+[1-9]\d*$/);
    const tokens = r.body.usage.prompt_tokens + r.body.usage.completion_tokens;
    expect(Number(cost)).toBeCloseTo((tokens * 0.001) / 1e6, 15);
  });
});
