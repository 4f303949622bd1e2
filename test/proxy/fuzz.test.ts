/**
 * Bounded fuzzing of the proxy (issue 11): a few thousand malformed requests generated from a
 * fixed seed — broken JSON, wrong types, deep nesting, bad headers, truncated bodies, broken
 * chunked framing and header syntax over raw sockets — against the proxy in front of
 * `tracegate mock`. Bad input must never get a 5xx, never hang, never log an error, never
 * count against a breaker; a valid request succeeds afterwards. Same seed, same requests (the
 * mock's mulberry32 PRNG).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrng } from '../../src/mock/answer/prng.js';
import { KEY_ALL, PROVIDER_KEY, raw, startStack, type Stack } from './helpers.js';
import { rawExchange, statusOf } from './raw-socket.js';

const SEED = 0x11c0ffee;
const HTTP_CASES = 1600;
const RAW_CASES = 400;
const CONCURRENCY = 16;

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, list: readonly T[]): T => list[int(r, list.length)]!;

const VALID = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };
const PATHS = ['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/v1/messages'];
const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, '', 'x', 'chat', 'a'.repeat(3000), [], {}, [null], { a: 1 }, [[[]]], ['user'], { role: 'user' }];
const JSON_NOISE = ['{', '}', '[', ']', '"', '\\', ',', ':', 'null', '\u0000', '\ud800', 'NaN', '-', '1e999', '\n', ' '];

function nested(r: Rand): string {
  const depth = 65 + int(r, 20_000);
  const [open, close] = pick(r, [['[', ']'], ['{"a":', '}']] as const);
  const inner = r() < 0.5 ? '1' : '';
  return open.repeat(depth) + (open === '[' ? inner : inner || '1') + close.repeat(r() < 0.8 ? depth : int(r, depth));
}

/** Replaces a random field of a valid request (or adds one) with an odd value. */
function wrongTypes(r: Rand): string {
  const body: Record<string, unknown> = structuredClone(VALID);
  const targets: [Record<string, unknown>, string][] = [
    [body, 'model'],
    [body, 'messages'],
    [body.messages as never, '0'],
    [(body.messages as Record<string, unknown>[])[0]!, 'role'],
    [(body.messages as Record<string, unknown>[])[0]!, 'content'],
    [body, pick(r, ['temperature', 'max_tokens', 'n', 'stream', 'tools', 'tool_choice', 'response_format', 'stop', 'input', 'stream_options', 'logit_bias', 'seed', 'top_p', 'user', 'metadata'])],
  ];
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const [obj, key] = pick(r, targets);
    obj[key] = pick(r, ODD_VALUES);
  }
  return JSON.stringify(body);
}

/** A valid body broken at the byte level: truncated, with noise inserted, or characters removed. */
function brokenJson(r: Rand): string {
  let text = JSON.stringify(VALID);
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const at = int(r, text.length + 1);
    const op = int(r, 3);
    if (op === 0) text = text.slice(0, at);
    else if (op === 1) text = text.slice(0, at) + pick(r, JSON_NOISE) + text.slice(at);
    else text = text.slice(0, at) + text.slice(at + 1 + int(r, 4));
  }
  return text;
}

function deepBody(r: Rand): string {
  const where = int(r, 4);
  const deep = nested(r);
  if (where === 0) return deep;
  if (where === 1) return `{"model":"chat","messages":[{"role":"user","content":"hi","extra":${deep}}]}`;
  if (where === 2) return `{"model":"chat","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`;
  return `{"model":"chat","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":${deep}}}}`;
}

interface HttpCase {
  path: string;
  headers: Record<string, string>;
  body: string;
}

function httpCase(r: Rand): HttpCase {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${KEY_ALL}` };
  const kind = int(r, 4);
  const body = kind === 0 ? brokenJson(r) : kind === 1 ? wrongTypes(r) : kind === 2 ? deepBody(r) : JSON.stringify(VALID);
  if (kind === 3 || r() < 0.15) {
    const h = int(r, 7);
    if (h === 0) headers['content-type'] = pick(r, ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx', '*/*', 'application/json; charset=latin1']);
    else if (h === 1) headers['content-encoding'] = pick(r, ['gzip', 'br', 'deflate', 'x-unknown']);
    else if (h === 2) headers.authorization = pick(r, ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${KEY_ALL}x`, `bearer  ${KEY_ALL.slice(0, 10)}`, `Token ${KEY_ALL}`]);
    else if (h === 3) delete headers.authorization;
    else if (h === 4) headers['x-api-key'] = 'not-a-key';
    else if (h === 5) headers.traceparent = pick(r, ['00-zz-yy-01', '00-' + '0'.repeat(32) + '-' + '0'.repeat(16) + '-01', 'garbage', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']);
    else headers['x-tracegate-metadata'] = pick(r, ['{', '[]', '{"a":' + '['.repeat(100), 'x'.repeat(2000)]);
  }
  return { path: pick(r, PATHS), headers, body };
}

/** Raw requests: broken chunked framing, broken header syntax, truncated bodies, smuggling shapes. */
function rawCase(r: Rand): string {
  const head = (extra: string) => `POST ${pick(r, PATHS)} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\n${extra}\r\n`;
  const body = JSON.stringify(VALID);
  const kind = int(r, 6);
  if (kind === 0) {
    const size = pick(r, ['zz', '-1', 'ffffffffffffffff', '1;ext="', ' 5', '5 ', '', '0x10', String(body.length)]);
    const tail = pick(r, ['\r\n0\r\n\r\n', '0\r\n\r\n', '\r\n', 'XX', '\r\n0\r\nbad-trailer\r\n\r\n']);
    return head('transfer-encoding: chunked\r\n') + `${size}\r\n${body}${tail}`;
  }
  if (kind === 1) {
    const bad = pick(r, ['no-colon-header', ' leading-space: x', 'x: a\rb', 'content-length: abc', 'content-length: 5\r\ncontent-length: 6', 'transfer-encoding: chunked\r\ncontent-length: 5', 'transfer-encoding: gzip, chunked', 'x:\u0000']);
    return head(`${bad}\r\n`) + body;
  }
  if (kind === 2) {
    // Truncated: fewer bytes than declared, then the client stops sending.
    const cut = int(r, body.length);
    return head(`content-length: ${body.length}\r\n`) + body.slice(0, cut);
  }
  if (kind === 3) return `${pick(r, ['GET', 'POST', 'BREW', 'get', ''])} ${pick(r, ['/v1/chat/completions', '*', '//', '/%zz', '/v1/models/%', 'http://x/v1/models'])} ${pick(r, ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', ''])}\r\nhost: x\r\n\r\n`;
  if (kind === 4) return head(`content-length: ${body.length}\r\n`) + body + pick(r, ['\u0000\u0001GARBAGE', 'GET / HTTP/1.1\r\n\r\n', '\r\n\r\n\r\n', 'POST']);
  const bytes = Buffer.alloc(1 + int(r, 300));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
  return bytes.toString('latin1');
}

let s: Stack;
const logged: string[] = [];

beforeAll(async () => {
  s = await startStack(
    { server: { bodyLimit: '1mb', requestTimeoutMs: 1500, headersTimeoutMs: 1000 }, retry: { maxAttempts: 3 }, breaker: { consecutiveFailures: 1, cooldownMs: 60_000 } },
    { logger: { info: () => {}, warn: (l) => logged.push(l), error: (l) => logged.push(l) } },
  );
});
afterAll(() => s.close());

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
}

describe('fuzzing the proxy with malformed requests', () => {
  it(`${HTTP_CASES} HTTP requests and ${RAW_CASES} raw ones: no 5xx, no hang, no error logged, breakers untouched`, { timeout: 60_000 }, async () => {
    const r = createPrng(SEED);
    const cases = Array.from({ length: HTTP_CASES }, () => httpCase(r));
    const raws = Array.from({ length: RAW_CASES }, () => rawCase(r));
    const statuses = new Map<number, number>();
    const fivexx: string[] = [];
    const leaks: string[] = [];
    const count = (status: number): void => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    };

    await inBatches(cases, async (c) => {
      let res: Awaited<ReturnType<typeof raw>>;
      try {
        res = await raw(`${s.proxy.url}${c.path}`, { headers: c.headers, body: c.body });
      } catch (err) {
        // fetch itself refuses some header values: nothing was sent.
        if (err instanceof TypeError && !String(err.cause ?? '').includes('ECONN')) {
          count(-1);
          return;
        }
        throw err;
      }
      count(res.status);
      if (res.status >= 500) fivexx.push(`${res.status} ${c.path} ${res.text.slice(0, 200)} <- ${c.body.slice(0, 120)}`);
      if (res.text.includes(PROVIDER_KEY)) leaks.push(c.path);
    });

    const hung: string[] = [];
    await inBatches(raws, async (payload) => {
      const res = await rawExchange(s.proxy.port, payload, { waitMs: 5000 });
      const status = statusOf(res.text);
      count(status);
      if (status >= 500) fivexx.push(`${status} raw ${JSON.stringify(payload.slice(0, 160))} -> ${res.text.slice(0, 200)}`);
      if (!res.closed) hung.push(JSON.stringify(payload.slice(0, 160)));
    });

    expect(fivexx).toEqual([]);
    expect(hung).toEqual([]);
    expect(leaks).toEqual([]);
    expect(logged.filter((l) => !l.includes('ended with an error after the first chunk'))).toEqual([]);
    // The run covered the ground: many 400s, some auth failures, some answers, some 413/415s.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(415) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    const breakers = await s.proxy.router.breakerStates();
    expect(breakers.filter((b) => b.state !== 'closed' || b.failures > 0)).toEqual([]);
    const ok = await raw(`${s.proxy.url}/v1/chat/completions`, { headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_ALL}` }, body: JSON.stringify(VALID) });
    expect(ok.status).toBe(200);
    expect(ok.body.choices[0].message.content).toBe('Mock reply from gpt-4o-mini.');
  });
});
