/**
 * Malformed input and hostile clients: every bad request gets a 4xx OpenAI error body, none a
 * 5xx, and the server keeps serving. Raw sockets for what fetch cannot send.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALL, PROVIDER_KEY, raw, startStack, type Stack } from './helpers.js';
import { rawExchange } from './raw-socket.js';

let s: Stack;
const errors: string[] = [];
const seen: string[] = [];

beforeAll(async () => {
  s = await startStack(
    { server: { bodyLimit: '64kb', requestTimeoutMs: 400, headersTimeoutMs: 300, maxHeaderBytes: 4096 } },
    { logger: { info: () => {}, warn: (l) => errors.push(l), error: (l) => errors.push(l) } },
  );
});
afterAll(() => s.close());

const auth = { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' };
const chatUrl = () => `${s.proxy.url}/v1/chat/completions`;

async function post(body: string | Buffer, headers: Record<string, string> = auth) {
  const r = await raw(chatUrl(), { headers, body });
  seen.push(r.text, JSON.stringify([...r.headers]));
  return r;
}

function expectOpenAIError(r: { status: number; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.body).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
  expect(r.body.error).toHaveProperty('param');
  expect(r.body.error).toHaveProperty('code');
}

/** Sends raw bytes on a new connection and returns everything the server answered before closing. */
async function rawHttp(payload: string | Buffer, options: { waitMs?: number; keepOpen?: boolean } = {}): Promise<string> {
  return (await rawExchange(s.proxy.port, payload, options)).text;
}

describe('malformed bodies', () => {
  it('truncated JSON → 400 invalid_json', async () => {
    const r = await post('{"model":"chat","messages":[{"role":"user","content":"hi"}');
    expectOpenAIError(r, 400);
    expect(r.body.error.code).toBe('invalid_json');
  });

  it('wrong types → 400 with the param path', async () => {
    const r1 = await post(JSON.stringify({ model: 'chat', messages: 'hi' }));
    expectOpenAIError(r1, 400);
    expect(r1.body.error.param).toBe('messages');
    const r2 = await post(JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }));
    expectOpenAIError(r2, 400);
    expect(r2.body.error.param).toBe('temperature');
    const r3 = await post(JSON.stringify({ model: 42, messages: [{ role: 'user', content: 'x' }] }));
    expectOpenAIError(r3, 400);
    expect(r3.body.error.param).toBe('model');
  });

  it('missing messages → 400 param messages', async () => {
    const r = await post(JSON.stringify({ model: 'chat' }));
    expectOpenAIError(r, 400);
    expect(r.body.error.param).toBe('messages');
  });

  it('unknown model → 404 model_not_found', async () => {
    const r = await post(JSON.stringify({ model: 'gpt-5-ultra', messages: [{ role: 'user', content: 'x' }] }));
    expectOpenAIError(r, 404);
    expect(r.body.error.code).toBe('model_not_found');
  });

  it('a body over the limit → 413 (declared and chunked)', async () => {
    const big = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'a'.repeat(200_000) }] });
    const r1 = await post(big);
    expectOpenAIError(r1, 413);
    expect(r1.body.error.code).toBe('request_too_large');
    // Without content-length (chunked): counted while reading.
    const chunked = await rawHttp(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n` +
        `${(100_000).toString(16)}\r\n${'a'.repeat(100_000)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    expect(chunked).toContain('"code":"request_too_large"');
  });

  it('invalid UTF-8 → 400 invalid_encoding', async () => {
    const body = Buffer.concat([Buffer.from('{"model":"chat","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
    const r = await post(body);
    expectOpenAIError(r, 400);
    expect(r.body.error.code).toBe('invalid_encoding');
  });

  it('empty body, a JSON array, a JSON string → 400', async () => {
    for (const body of ['', '[]', '"hello"', 'null']) {
      const r = await post(body);
      expectOpenAIError(r, 400);
    }
  });

  it('wrong content-type or encoding → 415', async () => {
    const r = await post('model=chat', { ...auth, 'content-type': 'application/x-www-form-urlencoded' });
    expectOpenAIError(r, 415);
    const g = await post('xx', { ...auth, 'content-encoding': 'gzip' });
    expectOpenAIError(g, 415);
  });
});

describe('routes and methods', () => {
  it('unknown route → 404, wrong method → 405 with allow', async () => {
    const r1 = await raw(`${s.proxy.url}/v1/completions`, { headers: auth, body: '{}' });
    expectOpenAIError(r1, 404);
    const r2 = await raw(chatUrl(), { method: 'GET', headers: auth });
    expectOpenAIError(r2, 405);
    expect(r2.headers.get('allow')).toBe('POST');
    const r3 = await raw(`${s.proxy.url}/v1/models`, { method: 'DELETE', headers: auth });
    expectOpenAIError(r3, 405);
  });

  it('paths without /v1 work too', async () => {
    const r = await raw(`${s.proxy.url}/chat/completions`, { headers: auth, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }) });
    expect(r.status).toBe(200);
    expect(r.body.object).toBe('chat.completion');
  });
});

describe('slow and broken clients', () => {
  it('a body that does not arrive in time → 408 JSON, connection closed', async () => {
    const started = Date.now();
    const out = await rawHttp(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":`,
      { keepOpen: true },
    );
    expect(out).toMatch(/^HTTP\/1\.1 408 /);
    expect(out).toContain('"code":"request_timeout"');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('a client that leaves while sending its body: no answer, no error logged', async () => {
    const before = errors.length;
    const socket = net.connect(s.proxy.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"model":`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(errors.slice(before)).toEqual([]);
    expect(s.proxy.inflight).toBe(0);
  });

  it('headers that never finish → 408 from the server', async () => {
    const out = await rawHttp('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-slow: 1\r\n', { keepOpen: true, waitMs: 4000 });
    expect(out).toMatch(/^HTTP\/1\.1 408 /);
    expect(out).toContain('request_timeout');
  });

  it('oversized headers → 431, garbage → 400', async () => {
    const big = await rawHttp(`GET /v1/models HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    const garbage = await rawHttp('\x00\x01\x02 NOT HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('a handler crash is a 500 OpenAI body and a log line; the server keeps serving', async () => {
    const completions = s.proxy.router.chat.completions as { create: unknown };
    const original = completions.create;
    completions.create = () => {
      throw new TypeError(`boom with ${PROVIDER_KEY}`);
    };
    try {
      const r = await post(JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }));
      expectOpenAIError(r, 500);
      expect(r.body.error.message).toBe('internal error in the proxy');
    } finally {
      completions.create = original;
    }
    expect(errors.some((l) => l.includes('TypeError: boom'))).toBe(true);
    expect(errors.join('\n')).not.toContain(PROVIDER_KEY);
  });
});

describe('afterwards', () => {
  it('the server still serves, and nothing it sent holds the provider key', async () => {
    const r = await post(JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'still there?' }] }));
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toBe('Mock reply from gpt-4o-mini.');
    expect(seen.join('\n')).not.toContain(PROVIDER_KEY);
    expect(errors.join('\n')).not.toContain(PROVIDER_KEY);
  });
});
