/** Every fault kind over raw HTTP: status, headers and body per dialect; hangs and stalls by short client timeouts. */
import http2 from 'node:http2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockDialect, type MockServer } from '../../src/mock/index.js';
import { decodeEventStream, EventStreamError } from '../helpers/eventstream.js';
import { ALL_DIALECTS, AUTH, chat, chatBody, chatPath, readBody } from '../helpers/mock-client.js';
import { parseSse } from '../helpers/sse.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

const fault = (value: string | object) => ({ 'x-mock-fault': typeof value === 'string' ? value : JSON.stringify(value) });

describe('error faults, per dialect', () => {
  const expected: Record<string, Record<MockDialect, [number, string]>> = {
    rate_limit: { openai: [429, 'rate_limit_exceeded'], azure: [429, '"code":"429"'], anthropic: [429, 'rate_limit_error'], gemini: [429, 'RESOURCE_EXHAUSTED'], bedrock: [429, 'ThrottlingException'] },
    server_error: { openai: [500, 'server_error'], azure: [500, 'server_error'], anthropic: [500, 'api_error'], gemini: [500, 'INTERNAL'], bedrock: [500, 'InternalServerException'] },
    'server_error:status=503': { openai: [503, 'server_error'], azure: [503, 'server_error'], anthropic: [503, 'api_error'], gemini: [503, 'UNAVAILABLE'], bedrock: [503, 'ServiceUnavailableException'] },
    'server_error:status=502': { openai: [502, 'server_error'], azure: [502, 'server_error'], anthropic: [502, 'api_error'], gemini: [502, 'INTERNAL'], bedrock: [502, 'InternalServerException'] },
    overloaded: { openai: [503, 'overloaded'], azure: [503, 'overloaded'], anthropic: [529, 'overloaded_error'], gemini: [503, 'The model is overloaded'], bedrock: [503, 'ServiceUnavailableException'] },
    bad_request: { openai: [400, 'invalid_request_error'], azure: [400, 'invalid_request_error'], anthropic: [400, 'invalid_request_error'], gemini: [400, 'INVALID_ARGUMENT'], bedrock: [400, 'ValidationException'] },
    context_window: {
      openai: [400, 'context_length_exceeded'],
      azure: [400, 'context_length_exceeded'],
      anthropic: [400, 'prompt is too long: 201000 tokens > 200000 maximum'],
      gemini: [400, 'The input token count (1049576) exceeds the maximum number of tokens allowed (1048576).'],
      bedrock: [400, 'Input is too long for requested model.'],
    },
    auth: { openai: [401, 'invalid_api_key'], azure: [401, '"code":"401"'], anthropic: [401, 'authentication_error'], gemini: [401, 'UNAUTHENTICATED'], bedrock: [403, 'UnrecognizedClientException'] },
    'content_policy:mode=error': {
      openai: [400, 'content_policy_violation'],
      azure: [400, 'content_filter'],
      anthropic: [400, 'invalid_request_error'],
      gemini: [400, 'INVALID_ARGUMENT'],
      bedrock: [400, 'ValidationException'],
    },
    'status:status=418': { openai: [418, 'invalid_request_error'], azure: [418, 'invalid_request_error'], anthropic: [418, 'invalid_request_error'], gemini: [418, 'FAILED_PRECONDITION'], bedrock: [418, 'ValidationException'] },
  };
  for (const [header, byDialect] of Object.entries(expected)) {
    it(`${header}`, async () => {
      for (const dialect of ALL_DIALECTS) {
        const res = await chat(mock, dialect, 'model-a', { headers: fault(header) });
        const [status, marker] = byDialect[dialect];
        const text = (await res.text()) + (res.headers.get('x-amzn-errortype') ?? '');
        expect([dialect, res.status]).toEqual([dialect, status]);
        expect(text, dialect).toContain(marker);
        expect(res.headers.get('content-type')).toBe('application/json');
      }
      expect(mock.count({ fault: header.split(':')[0] })).toBe(5);
    });
  }

  it('error bodies have each provider shape', async () => {
    const bodies = await Promise.all(ALL_DIALECTS.map(async (dialect) => (await chat(mock, dialect, 'm', { headers: fault('bad_request') })).json()));
    const [openai, azure, anthropic, gemini, bedrock] = bodies;
    expect(Object.keys(openai.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(Object.keys(azure.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(anthropic).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } });
    expect(gemini).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.any(String) } });
    expect(bedrock).toEqual({ message: expect.any(String) });
  });
});

describe('rate limit headers', () => {
  it('retry-after seconds, HTTP-date and retry-after-ms', async () => {
    const seconds = await chat(mock, 'openai', 'm', { headers: fault('rate_limit:retryAfterSeconds=3') });
    expect(seconds.headers.get('retry-after')).toBe('3');
    expect(seconds.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const date = await chat(mock, 'openai', 'm', { headers: fault({ kind: 'rate_limit', retryAfterDate: 'Wed, 21 Oct 2037 07:28:00 GMT' }) });
    expect(date.headers.get('retry-after')).toBe('Wed, 21 Oct 2037 07:28:00 GMT');
    const relative = await chat(mock, 'anthropic', 'm', { headers: fault({ kind: 'rate_limit', retryAfterDate: 30 }) });
    const at = Date.parse(relative.headers.get('retry-after')!);
    expect(at - Date.now()).toBeGreaterThan(20_000);
    expect(at - Date.now()).toBeLessThan(40_000);
    const ms = await chat(mock, 'openai', 'm', { headers: fault('rate_limit:retryAfterMs=50') });
    expect(ms.headers.get('retry-after-ms')).toBe('50');
    expect(ms.headers.get('retry-after')).toBeNull();
  });

  it('Gemini adds a RetryInfo detail with the delay', async () => {
    const body = await (await chat(mock, 'gemini', 'g', { headers: fault('rate_limit:retryAfterMs=1500') })).json();
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' });
  });

  it('status with a custom body and headers is sent verbatim', async () => {
    const res = await chat(mock, 'anthropic', 'm', { headers: fault({ kind: 'status', status: 409, body: { custom: true }, headers: { 'x-extra': 'yes' } }) });
    expect(res.status).toBe(409);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await res.json()).toEqual({ custom: true });
  });
});

/** Tests that wait run concurrently, each on its own server. */
async function own(): Promise<MockServer> {
  const server = await startMockServer();
  own.servers.push(server);
  return server;
}
own.servers = [] as MockServer[];
afterAll(() => Promise.all(own.servers.map((server) => server.close())));

describe.concurrent('timing faults', () => {
  it('latency delays the headers, then answers normally', async () => {
    const mock = await own();
    const started = Date.now();
    const res = await chat(mock, 'openai', 'm', { headers: fault('latency:ms=150') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await res.json()).choices[0].message.content).toBe('Mock reply from m.');
    expect(mock.calls[0]).toMatchObject({ fault: 'latency', status: 200 });
  });

  it('hang never answers: a 300 ms client timeout fires and the call is recorded without status', async () => {
    const mock = await own();
    const error = await chat(mock, 'openai', 'm', { headers: fault('hang'), timeoutMs: 300 }).catch((err: unknown) => err);
    expect((error as Error).name).toBe('TimeoutError');
    expect(mock.calls[0]).toMatchObject({ fault: 'hang', status: 0 });
  });

  it('slow_first_token sends stream headers at once and the first event after ms', async () => {
    const mock = await own();
    const started = Date.now();
    const res = await chat(mock, 'anthropic', 'm', { stream: true, headers: fault('slow_first_token:ms=400') });
    expect(res.status).toBe(200);
    // The headers are here, yet the body stays silent for a while: the delay sits between them.
    const early = await readBody(res, 150);
    expect(early.outcome).toBe('idle');
    expect(early.text).toBe('');
    const second = await chat(mock, 'anthropic', 'm', { stream: true, headers: fault('slow_first_token:ms=100') });
    const full = await readBody(second, 1_000);
    expect(full.outcome).toBe('end');
    expect(full.text).toContain('event: message_stop');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('stream pacing: delayMs between events', async () => {
    const mock = await own();
    const started = Date.now();
    const res = await chat(mock, 'openai', 'm', { stream: true, headers: fault({ kind: 'ok', stream: { chunks: 4, delayMs: 40 } }) });
    await res.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 40 - 10);
  });

  it('stall in a stream: N events, then silence on an open connection', async () => {
    const mock = await own();
    const res = await chat(mock, 'openai', 'm', { stream: true, headers: fault('stall:afterChunks=2') });
    const read = await readBody(res, 300);
    expect(read.outcome).toBe('idle');
    expect(parseSse(read.text)).toHaveLength(2);
  });

  it('stall in a plain answer: headers and part of the body, then silence', async () => {
    const mock = await own();
    const res = await chat(mock, 'gemini', 'm', { headers: fault('stall') });
    expect(res.status).toBe(200);
    const length = Number(res.headers.get('content-length'));
    const read = await readBody(res, 300);
    expect(read.outcome).toBe('idle');
    expect(read.bytes.length).toBe(Math.floor(length / 2));
  });
});

describe('cut', () => {
  it('cut in a stream: N events, then the socket is destroyed', async () => {
    const res = await chat(mock, 'anthropic', 'm', { stream: true, headers: fault('cut:afterChunks=3') });
    const read = await readBody(res, 2_000);
    expect(read.outcome).toBe('error');
    expect(parseSse(read.text).map((event) => event.event)).toEqual(['message_start', 'content_block_start', 'ping']);
  });

  it('cut in a plain answer: a truncated body and a transport error', async () => {
    const res = await chat(mock, 'openai', 'm', { headers: fault('cut') });
    const length = Number(res.headers.get('content-length'));
    const read = await readBody(res, 2_000);
    expect(read.outcome).toBe('error');
    expect(read.bytes.length).toBeLessThan(length);
  });

  it('cut over HTTP/2 resets the stream', async () => {
    const session = http2.connect(mock.url);
    try {
      const req = session.request({ ':method': 'POST', ':path': chatPath('bedrock', 'm', true), 'content-type': 'application/json', ...AUTH.bedrock, ...fault('cut:afterChunks=1') });
      req.end(JSON.stringify(chatBody('bedrock', 'm', true)));
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      const errors: Error[] = [];
      req.on('error', (err) => errors.push(err));
      const code = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no stream reset within 2 s')), 2_000);
        req.on('close', () => {
          clearTimeout(timer);
          resolve(req.rstCode);
        });
      });
      expect(errors[0]?.message).toContain('NGHTTP2_INTERNAL_ERROR');
      expect(code).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
      expect(decodeEventStream(Buffer.concat(chunks)).map((m) => m.headers[':event-type'])).toEqual(['messageStart']);
    } finally {
      session.destroy();
    }
  });
});

describe('malformed, content_type, oversized', () => {
  it('malformed plain body is 200 application/json that does not parse', async () => {
    for (const dialect of ALL_DIALECTS) {
      const res = await chat(mock, dialect, 'm', { headers: fault('malformed') });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const text = await res.text();
      expect(() => JSON.parse(text), dialect).toThrow();
    }
  });

  it('malformed SSE: exactly one data line is not JSON, the rest of the stream follows', async () => {
    const res = await chat(mock, 'openai', 'm', { stream: true, headers: fault('malformed:afterChunks=1') });
    const events = parseSse(await res.text());
    const bad = events.filter((event) => {
      if (event.data === '[DONE]') return false;
      try {
        JSON.parse(event.data);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
    expect(events.indexOf(bad[0]!)).toBe(1);
    expect(events[events.length - 1]?.data).toBe('[DONE]');
  });

  it('malformed event-stream: a message whose CRC does not check out', async () => {
    const res = await chat(mock, 'bedrock', 'm', { stream: true, headers: fault('malformed:afterChunks=2') });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(() => decodeEventStream(bytes)).toThrow(EventStreamError);
    expect(() => decodeEventStream(bytes)).toThrow(/message CRC mismatch/);
  });

  it('content_type: a 200 HTML page', async () => {
    const res = await chat(mock, 'openai', 'm', { headers: fault('content_type') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('oversized plain answer: exactly `bytes` of valid JSON with a huge text (default 8 MiB)', async () => {
    const res = await chat(mock, 'openai', 'm', { headers: fault('oversized') });
    expect(res.headers.get('content-length')).toBe(String(8 * 1024 * 1024));
    const text = await res.text();
    expect(text.length).toBe(8 * 1024 * 1024);
    const body = JSON.parse(text);
    expect(body.choices[0].message.content.length).toBeGreaterThan(8_000_000);
    const small = await (await chat(mock, 'anthropic', 'm', { headers: fault('oversized:bytes=5000') })).text();
    expect(small.length).toBe(5000);
    expect(JSON.parse(small).content[0].text).toMatch(/^a+$/);
  });

  it('oversized stream: many valid events adding up to at least `bytes`', async () => {
    const res = await chat(mock, 'gemini', 'm', { stream: true, headers: fault('oversized:bytes=200000') });
    const text = await res.text();
    expect(text.length).toBeGreaterThanOrEqual(200_000);
    const events = parseSse(text).map((event) => JSON.parse(event.data));
    expect(events.length).toBeGreaterThan(10);
    expect(events[events.length - 1].candidates[0].finishReason).toBe('STOP');
  });
});

describe('stream_error', () => {
  it('each dialect reports an error inside a 200 stream after N events', async () => {
    const openai = parseSse(await (await chat(mock, 'openai', 'm', { stream: true, headers: fault('stream_error:afterChunks=2') })).text());
    expect(openai).toHaveLength(3);
    expect(JSON.parse(openai[2]!.data)).toMatchObject({ error: { type: 'server_error' } });

    const anthropic = parseSse(await (await chat(mock, 'anthropic', 'm', { stream: true, headers: fault('stream_error:afterChunks=1') })).text());
    expect(anthropic.map((event) => event.event)).toEqual(['message_start', 'error']);
    expect(JSON.parse(anthropic[1]!.data)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

    const gemini = parseSse(await (await chat(mock, 'gemini', 'm', { stream: true, headers: fault('stream_error:afterChunks=1') })).text());
    expect(JSON.parse(gemini[1]!.data)).toMatchObject({ error: { code: 500, status: 'INTERNAL' } });

    const bedrockRes = await chat(mock, 'bedrock', 'm', { stream: true, headers: fault('stream_error:afterChunks=1') });
    expect(bedrockRes.status).toBe(200);
    const messages = decodeEventStream(Buffer.from(await bedrockRes.arrayBuffer()));
    expect(messages[1]?.headers).toMatchObject({ ':message-type': 'exception', ':exception-type': 'modelStreamErrorException', ':content-type': 'application/json' });
    expect(JSON.parse(messages[1]!.payload.toString())).toMatchObject({ originalStatusCode: 500 });
  });

  it('on a plain request it is a 500 in the dialect shape', async () => {
    const res = await chat(mock, 'anthropic', 'm', { headers: fault('stream_error') });
    expect(res.status).toBe(500);
    expect((await res.json()).error.type).toBe('api_error');
  });
});
