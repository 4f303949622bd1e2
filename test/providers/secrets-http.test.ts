/**
 * Over real HTTP through the Router: provider error bodies that echo the credentials they received
 * (as some providers do) must reach the caller as typed errors with no secret in them, whether the
 * error comes as an HTTP error response or inside a 200 stream. The fake upstream is a loopback
 * HTTP server speaking each dialect's error format.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, isTracegateError } from '../../src/index.js';
import { encodeEventStreamMessage } from '../helpers/eventstream.js';

const FAKE_KEY = 'sk-FAKE-tracegate-key-0123456789';
const AWS_ID = 'AKIAFAKETRACEGATE123';
const AWS_SECRET = 'fake/aws/secret/tracegate/0123456789';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
}
const seen: Seen[] = [];

function echoed(req: IncomingMessage): string {
  const h = req.headers;
  return [h.authorization, h['x-api-key'], h['api-key'], h['x-goog-api-key']].filter(Boolean).join(' | ');
}

function errorBody(dialect: string, secret: string): { status: number; headers: Record<string, string>; body: unknown } {
  switch (dialect) {
    case 'anthropic':
      return { status: 401, headers: {}, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${secret}` } } };
    case 'gemini':
      return {
        status: 400,
        headers: {},
        body: { error: { code: 400, message: `API key not valid: ${secret}`, status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }] } },
      };
    case 'bedrock':
      return {
        status: 403,
        headers: { 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
        body: { message: `The security token included in the request is invalid: ${secret}` },
      };
    default:
      return { status: 401, headers: {}, body: { error: { message: `Incorrect API key provided: ${secret}`, type: 'invalid_request_error', code: 'invalid_api_key' } } };
  }
}

function streamError(dialect: string, secret: string, res: ServerResponse): void {
  if (dialect === 'bedrock') {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    res.write(encodeEventStreamMessage({ ':event-type': 'messageStart', ':message-type': 'event' }, '{"role":"assistant"}'));
    res.end(encodeEventStreamMessage({ ':message-type': 'exception', ':exception-type': 'throttlingException' }, JSON.stringify({ message: `Rate exceeded for ${secret}` })));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (dialect === 'anthropic') {
    res.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 1, output_tokens: 0 } } })}\n\n`);
    res.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: `too fast for ${secret}` } })}\n\n`);
  } else if (dialect === 'gemini') {
    res.end(`data: ${JSON.stringify({ error: { code: 429, message: `Quota exceeded for ${secret}`, status: 'RESOURCE_EXHAUSTED' } })}\r\n\r\n`);
  } else {
    res.end(`data: ${JSON.stringify({ error: { code: 429, message: `Rate limit for ${secret}`, type: 'rate_limit_error' } })}\n\n`);
  }
}

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      const dialect = String(req.headers['x-test-dialect'] ?? 'openai');
      const secret = echoed(req);
      if (req.headers['x-test-mode'] === 'stream') return streamError(dialect, secret, res);
      const e = errorBody(dialect, secret);
      res.writeHead(e.status, { 'content-type': 'application/json', ...e.headers });
      res.end(JSON.stringify(e.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const entries = (mode: string) => [
  { name: 'openai', provider: 'openai', model: 'gpt-4o', apiKey: FAKE_KEY, baseURL: `${base}/v1`, headers: { 'x-test-mode': mode, 'x-test-dialect': 'openai' } },
  { name: 'azure', provider: 'azure', model: 'gpt-4o', apiKey: FAKE_KEY, baseURL: base, headers: { 'x-test-mode': mode, 'x-test-dialect': 'azure' } },
  { name: 'mistral', provider: 'mistral', model: 'mistral-small-latest', apiKey: FAKE_KEY, baseURL: `${base}/v1`, headers: { 'x-test-mode': mode, 'x-test-dialect': 'mistral' } },
  { name: 'anthropic', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: FAKE_KEY, baseURL: base, headers: { 'x-test-mode': mode, 'x-test-dialect': 'anthropic' } },
  { name: 'gemini', provider: 'gemini', model: 'gemini-2.5-flash', apiKey: FAKE_KEY, baseURL: base, headers: { 'x-test-mode': mode, 'x-test-dialect': 'gemini' } },
  {
    name: 'bedrock',
    provider: 'bedrock',
    model: 'anthropic.claude-3-haiku-20240307-v1:0',
    region: 'us-east-1',
    accessKeyId: AWS_ID,
    secretAccessKey: AWS_SECRET,
    baseURL: base,
    headers: { 'x-test-mode': mode, 'x-test-dialect': 'bedrock' },
  },
];

function expectClean(err: unknown): void {
  expect(isTracegateError(err)).toBe(true);
  const e = err as Error & { toJSON(): unknown };
  for (const text of [e.message, e.stack ?? '', JSON.stringify(e.toJSON()), String(e)]) {
    for (const secret of [FAKE_KEY, AWS_ID, AWS_SECRET]) expect(text).not.toContain(secret);
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    const r = await p;
    if (r && typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') for await (const _ of r as AsyncIterable<unknown>) void _;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('no credentials in errors (over HTTP, through the Router)', () => {
  const expectedClass: Record<string, string> = { openai: 'authentication', azure: 'authentication', mistral: 'authentication', anthropic: 'authentication', gemini: 'authentication', bedrock: 'authentication' };

  it('HTTP error responses echoing the key', async () => {
    const router = new Router({ models: entries('error'), timeouts: { totalMs: 5000, firstTokenMs: 5000 }, retry: { maxAttempts: 1 } });
    try {
      for (const name of Object.keys(expectedClass)) {
        const err = await failure(router.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }] }));
        expect(err).toMatchObject({ errorClass: expectedClass[name], provider: name });
        expect(JSON.stringify((err as { providerError: unknown }).providerError)).toContain('[REDACTED]');
        expectClean(err);
      }
    } finally {
      await router.close();
    }
  });

  it('errors inside a 200 stream echoing the key', async () => {
    const router = new Router({ models: entries('stream'), timeouts: { totalMs: 5000, firstTokenMs: 5000 }, retry: { maxAttempts: 1 } });
    try {
      for (const name of Object.keys(expectedClass)) {
        const err = await failure(router.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }], stream: true }));
        expect(err).toMatchObject({ errorClass: 'rate_limit', provider: name });
        expectClean(err);
      }
    } finally {
      await router.close();
    }
  });

  it('keys travel in headers only (never in the URL), Bedrock requests are SigV4-signed', () => {
    for (const s of seen) {
      expect(s.url).not.toContain(FAKE_KEY);
      expect(s.url).not.toContain('key=');
    }
    const gemini = seen.find((s) => s.headers['x-test-dialect'] === 'gemini')!;
    expect(gemini.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(gemini.headers['x-goog-api-key']).toBe(FAKE_KEY);
    const bedrock = seen.find((s) => s.headers['x-test-dialect'] === 'bedrock')!;
    expect(bedrock.url).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(bedrock.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKETRACEGATE123\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*x-test-dialect;x-test-mode, Signature=/);
    const azure = seen.find((s) => s.headers['x-test-dialect'] === 'azure')!;
    expect(azure.url).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(azure.headers['api-key']).toBe(FAKE_KEY);
  });
});
