/**
 * Every fault kind of `tracegate mock`, through the Router over real HTTP, and the typed error
 * the caller gets (plain and streaming). One deployment, so the error is the attempt's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ContentPolicyError,
  ContextWindowExceededError,
  InvalidResponseError,
  RateLimitError,
  Router,
  StreamInterruptedError,
  TimeoutError,
  TracegateError,
  UpstreamUnavailableError,
  getCallInfo,
} from '../../src/index.js';
import { startMockServer, type MockServer, type MockStep } from '../../src/mock/index.js';
import { FAKE_KEY } from '../helpers/fixtures.js';

let mock: MockServer;
let router: Router;
const messages = [{ role: 'user' as const, content: 'Tell me something.' }];

/** One alias per fault, the fault sent on every request through the entry's headers. */
const FAULTS: Record<string, MockStep> = {
  status418: { kind: 'status', status: 418, body: { error: { message: 'I am a teapot', type: 'invalid_request_error' } } },
  status500: { kind: 'status', status: 500 },
  rateLimitMs: { kind: 'rate_limit', retryAfterMs: 1500 },
  rateLimitSeconds: { kind: 'rate_limit', retryAfterSeconds: 7 },
  rateLimitDate: { kind: 'rate_limit', retryAfterDate: 30 },
  serverError502: { kind: 'server_error', status: 502 },
  overloaded: { kind: 'overloaded' },
  badRequest: { kind: 'bad_request', param: 'temperature' },
  contextWindow: { kind: 'context_window' },
  contentPolicy: { kind: 'content_policy' },
  auth: { kind: 'auth' },
  latencyOk: { kind: 'latency', ms: 50 },
  latencyTooLong: { kind: 'latency', ms: 2000 },
  hang: { kind: 'hang' },
  slowFirstToken: { kind: 'slow_first_token', ms: 2000 },
  stall: { kind: 'stall', afterChunks: 3 },
  cut: { kind: 'cut', afterChunks: 3 },
  malformed: { kind: 'malformed' },
  malformedMidStream: { kind: 'malformed', afterChunks: 3 },
  contentType: { kind: 'content_type', contentType: 'text/html' },
  oversized: { kind: 'oversized', bytes: 3 * 1024 * 1024 },
  streamError: { kind: 'stream_error', afterChunks: 3 },
};

beforeAll(async () => {
  mock = await startMockServer();
  router = new Router({
    timeouts: { connectMs: 1000, firstTokenMs: 300, idleMs: 300, totalMs: 5000, unconsumedMs: 5000 },
    maxResponseBytes: 1024 * 1024,
    // One attempt per call, so each error is the fault's own (retries are covered in test/router).
    retry: { maxAttempts: 1 },
    breaker: { enabled: false },
    models: Object.entries(FAULTS).map(([name, fault]) => ({
      name,
      provider: 'openai',
      model: 'gpt-4o-mini',
      apiKey: FAKE_KEY,
      baseURL: mock.baseURL('openai'),
      headers: { 'x-mock-fault': JSON.stringify(fault), 'x-mock-reply': JSON.stringify({ text: 'one two three four five six seven eight' }) },
    })),
  });
});

afterAll(async () => {
  await router?.close();
  await mock?.close();
});

async function plainError(alias: string): Promise<TracegateError> {
  const before = mock.count();
  try {
    await router.chat.completions.create({ model: alias, messages });
  } catch (err) {
    expect(mock.count()).toBe(before + 1);
    expect(err).toBeInstanceOf(TracegateError);
    const e = err as TracegateError;
    expect(e.provider).toBe('openai');
    expect(e.deployment).toBe(`${alias}#0`);
    expect(JSON.stringify(e.toJSON()) + e.message + (e.stack ?? '')).not.toContain(FAKE_KEY);
    return e;
  }
  throw new Error(`expected ${alias} to fail`);
}

/** Returns the error thrown by create() or by iterating, and how many chunks arrived first. */
async function streamError(alias: string): Promise<{ error: TracegateError; chunks: number; during: 'create' | 'iterate' }> {
  let chunks = 0;
  let during: 'create' | 'iterate' = 'create';
  try {
    const stream = await router.chat.completions.create({ model: alias, messages, stream: true });
    during = 'iterate';
    for await (const _ of stream) chunks++;
  } catch (err) {
    expect(err).toBeInstanceOf(TracegateError);
    expect(JSON.stringify((err as TracegateError).toJSON())).not.toContain(FAKE_KEY);
    return { error: err as TracegateError, chunks, during };
  }
  throw new Error(`expected the ${alias} stream to fail`);
}

describe('faults → typed errors (non-streaming)', () => {
  it('any status with any body keeps the status and the provider body', async () => {
    const e = await plainError('status418');
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.status).toBe(418);
    expect(JSON.stringify(e.providerError)).toContain('teapot');
  });

  it('500 → UpstreamUnavailableError', async () => {
    const e = await plainError('status500');
    expect(e).toBeInstanceOf(UpstreamUnavailableError);
    expect(e.status).toBe(500);
    // The error reports its call like a result does (non-enumerable `tracegate`).
    const info = getCallInfo(e)!;
    expect(info.outcome).toBe('error');
    expect(info.errorClass).toBe('upstream_unavailable');
    expect(info.attempts.map((a) => [a.deployment.id, a.status, a.errorClass])).toEqual([['status500#0', 500, 'upstream_unavailable']]);
    expect(Object.keys(e)).not.toContain('tracegate');
  });

  it('429 with retry-after-ms, retry-after seconds and an HTTP-date → RateLimitError with retryAfterMs', async () => {
    const ms = await plainError('rateLimitMs');
    expect(ms).toBeInstanceOf(RateLimitError);
    expect(ms.retryAfterMs).toBe(1500);
    expect((await plainError('rateLimitSeconds')).retryAfterMs).toBe(7000);
    const date = await plainError('rateLimitDate');
    // An HTTP-date has a one-second resolution.
    expect(date.retryAfterMs).toBeGreaterThanOrEqual(28_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it('502 and overloaded → UpstreamUnavailableError with the upstream status', async () => {
    expect((await plainError('serverError502')).status).toBe(502);
    const o = await plainError('overloaded');
    expect(o).toBeInstanceOf(UpstreamUnavailableError);
    expect(o.status).toBeGreaterThanOrEqual(500);
  });

  it('400 → BadRequestError naming the param', async () => {
    const e = await plainError('badRequest');
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.param).toBe('temperature');
  });

  it('context window and content policy get their own classes', async () => {
    expect(await plainError('contextWindow')).toBeInstanceOf(ContextWindowExceededError);
    expect(await plainError('contentPolicy')).toBeInstanceOf(ContentPolicyError);
  });

  it('401 → AuthenticationError without the key', async () => {
    const e = await plainError('auth');
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e.status).toBe(401);
  });

  it('latency below the first-token timeout succeeds; above it → TimeoutError(first_token)', async () => {
    const ok = await router.chat.completions.create({ model: 'latencyOk', messages });
    expect(ok.choices[0]!.message.content).toContain('one two');
    expect(getCallInfo(ok)!.latencyMs).toBeGreaterThanOrEqual(45);
    const e = await plainError('latencyTooLong');
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).kind).toBe('first_token');
  });

  it('hang → TimeoutError(first_token), and the socket is released', async () => {
    const e = await plainError('hang');
    expect((e as TimeoutError).kind).toBe('first_token');
  });

  it('stall and cut of a non-stream body → timeout and connection error', async () => {
    expect(await plainError('stall')).toBeInstanceOf(TimeoutError);
    expect(await plainError('cut')).toBeInstanceOf(ConnectionError);
  });

  it('malformed JSON, wrong content type and oversized body → InvalidResponseError', async () => {
    const m = await plainError('malformed');
    expect(m).toBeInstanceOf(InvalidResponseError);
    expect(m.message).toContain('not valid JSON');
    const ct = await plainError('contentType');
    expect(ct).toBeInstanceOf(InvalidResponseError);
    expect(ct.message).toContain('text/html');
    const big = await plainError('oversized');
    expect(big).toBeInstanceOf(InvalidResponseError);
    expect(big.message).toContain('limit');
  });
});

describe('faults → typed errors (streaming)', () => {
  it('errors before the first chunk are thrown by create()', async () => {
    for (const [alias, cls] of [
      ['status500', UpstreamUnavailableError],
      ['rateLimitMs', RateLimitError],
      ['contextWindow', ContextWindowExceededError],
      ['hang', TimeoutError],
      ['malformed', InvalidResponseError],
      ['contentType', InvalidResponseError],
    ] as const) {
      const { error, during } = await streamError(alias);
      expect(during, alias).toBe('create');
      expect(error, alias).toBeInstanceOf(cls);
    }
  });

  it('a slow first token → TimeoutError(first_token) from create()', async () => {
    const { error, during } = await streamError('slowFirstToken');
    expect(during).toBe('create');
    expect((error as TimeoutError).kind).toBe('first_token');
  });

  it('stall mid-stream → StreamInterruptedError caused by an idle timeout, after the delivered chunks', async () => {
    const { error, chunks, during } = await streamError('stall');
    expect(during).toBe('iterate');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    const si = error as StreamInterruptedError;
    expect(si.delivered.chunks).toBe(chunks);
    expect(chunks).toBeGreaterThan(0);
    expect((si.cause as TimeoutError).kind).toBe('idle');
  });

  it('cut mid-stream → StreamInterruptedError caused by a connection error', async () => {
    const { error } = await streamError('cut');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(ConnectionError);
  });

  it('a malformed event mid-stream → StreamInterruptedError caused by InvalidResponseError', async () => {
    const { error } = await streamError('malformedMidStream');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(InvalidResponseError);
  });

  it('an error event inside a 200 stream → StreamInterruptedError with the classified cause', async () => {
    const { error, chunks } = await streamError('streamError');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(TracegateError);
    expect(chunks).toBeGreaterThan(0);
  });
});
