/**
 * The fault matrix: the Router against `tracegate mock` over HTTP. Each case scripts one fault
 * on the first deployment of a two-deployment group (the strategy's random source is pinned so
 * the first deployment is tried first) and asserts the attempts made (deployment, error class,
 * wait), the final result or typed error, and which other deployments and fallbacks were called.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ContentPolicyError,
  ContextWindowExceededError,
  Router,
  StreamInterruptedError,
  getCallInfo,
  type CallInfo,
} from '../../src/index.js';
import { startMockServer, type MockServer, type MockStep } from '../../src/mock/index.js';

let mock: MockServer;
let seq = 0;
const routers: Router[] = [];
const messages = [{ role: 'user' as const, content: 'Tell me something.' }];

beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(async () => {
  for (const r of routers) await r.close();
  await mock.close();
});

interface Setup {
  router: Router;
  /** Upstream model names: first and second deployment of `a`, the fallback alias `fb`. */
  d0: string;
  d1: string;
  fb: string;
}

function setup(extra: Record<string, unknown> = {}, groupSize = 2): Setup {
  seq++;
  const d0 = `fm${seq}-d0`;
  const d1 = `fm${seq}-d1`;
  const fb = `fm${seq}-fb`;
  const entry = (name: string, model: string) => ({ name, id: model, provider: 'openai', model, apiKey: 'sk-mock-key-0000000000', baseURL: mock.baseURL('openai') });
  const models = [entry('a', d0), ...(groupSize > 1 ? [entry('a', d1)] : []), entry('fb', fb)];
  const router = new Router({
    models,
    random: () => 0,
    retry: { initialBackoffMs: 20, maxBackoffMs: 40 },
    timeouts: { connectMs: 500, firstTokenMs: 300, idleMs: 300, totalMs: 4000, unconsumedMs: 4000 },
    breaker: { enabled: false },
    ...extra,
  });
  routers.push(router);
  return { router, d0, d1, fb };
}

function attempts(info: CallInfo): string[] {
  return info.attempts.map((a) => `${a.deployment.id.replace(/^fm\d+-/, '')}:${a.errorClass ?? 'ok'}`);
}

async function plain(s: Setup) {
  const started = Date.now();
  try {
    const res = await s.router.chat.completions.create({ model: 'a', messages });
    return { res, info: getCallInfo(res)!, ms: Date.now() - started };
  } catch (error) {
    return { error: error as Error & { errorClass?: string; retryAfterMs?: number }, ms: Date.now() - started };
  }
}

async function streamed(s: Setup) {
  let text = '';
  let stream;
  try {
    stream = await s.router.chat.completions.create({ model: 'a', messages, stream: true });
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    return { text, info: getCallInfo(stream)! };
  } catch (error) {
    return { error: error as Error & { errorClass?: string; delivered?: { chunks: number } }, text, info: stream ? getCallInfo(stream) : undefined };
  }
}

/** Faults after which the router switches at once to the group's other deployment. */
const SWITCHING: Array<[string, MockStep, string]> = [
  ['429 retry-after-ms', { kind: 'rate_limit', retryAfterMs: 100 }, 'rate_limit'],
  ['429 retry-after seconds', { kind: 'rate_limit', retryAfterSeconds: 1 }, 'rate_limit'],
  ['429 retry-after HTTP-date', { kind: 'rate_limit', retryAfterDate: 2 }, 'rate_limit'],
  ['500', { kind: 'status', status: 500 }, 'upstream_unavailable'],
  ['502', { kind: 'server_error', status: 502 }, 'upstream_unavailable'],
  ['503', { kind: 'server_error', status: 503 }, 'upstream_unavailable'],
  ['529 overloaded', { kind: 'overloaded' }, 'upstream_unavailable'],
  ['connection reset', { kind: 'cut', afterChunks: 0 }, 'connection'],
  ['hang before headers', { kind: 'hang' }, 'timeout'],
  ['first-token timeout', { kind: 'slow_first_token', ms: 2000 }, 'timeout'],
  ['malformed body', { kind: 'malformed' }, 'invalid_response'],
];

describe('fault matrix: plain calls', () => {
  for (const [name, step, cls] of SWITCHING) {
    it(`${name}: switches at once to the other deployment`, async () => {
      const s = setup();
      mock.enqueue({ model: s.d0 }, step);
      const r = await plain(s);
      expect(r.error).toBeUndefined();
      expect(attempts(r.info!)).toEqual([`d0:${cls}`, 'd1:ok']);
      expect(r.info!.attempts[1]!.waitMs).toBe(0);
      expect(r.info!.attempts[1]!.retryReason).toBe(cls);
      expect(r.info!.outcome).toBe('success');
      expect(mock.count({ model: s.fb })).toBe(0);
    });
  }

  it('429 on the only deployment: waits retry-after-ms, then the same deployment answers', async () => {
    const s = setup({}, 1);
    mock.enqueue({ model: s.d0 }, { kind: 'rate_limit', retryAfterMs: 150 });
    const r = await plain(s);
    expect(attempts(r.info!)).toEqual(['d0:rate_limit', 'd0:ok']);
    expect(r.info!.attempts[1]!.waitMs).toBe(150);
    expect(r.ms).toBeGreaterThanOrEqual(140);
  });

  it('429 with retry-after seconds on the only deployment: waits the hint', async () => {
    const s = setup({}, 1);
    mock.enqueue({ model: s.d0 }, { kind: 'rate_limit', retryAfterSeconds: 1 });
    const r = await plain(s);
    expect(attempts(r.info!)).toEqual(['d0:rate_limit', 'd0:ok']);
    expect(r.info!.attempts[1]!.waitMs).toBe(1000);
  });

  it('429 with an HTTP-date on the only deployment: waits until about that date', async () => {
    const s = setup({}, 1);
    mock.enqueue({ model: s.d0 }, { kind: 'rate_limit', retryAfterDate: 1 });
    const r = await plain(s);
    expect(attempts(r.info!)).toEqual(['d0:rate_limit', 'd0:ok']);
    expect(r.info!.attempts[1]!.waitMs).toBeLessThanOrEqual(1000); // one-second resolution
  });

  it('429 with a retry-after past the cap: no wait, falls back; with no fallback the typed error carries the hint', async () => {
    const s = setup({ fallbacks: { a: ['fb'] } }, 1);
    mock.enqueue({ model: s.d0 }, { kind: 'rate_limit', retryAfterSeconds: 120 });
    const r = await plain(s);
    expect(attempts(r.info!)).toEqual(['d0:rate_limit', 'fb:ok']);
    expect(r.info!.fallbackUsed).toBe(true);
    const t = setup({}, 1);
    mock.enqueue({ model: t.d0 }, { kind: 'rate_limit', retryAfterSeconds: 120 });
    const e = await plain(t);
    expect(e.error!.errorClass).toBe('rate_limit');
    expect(e.error!.retryAfterMs).toBe(120_000);
    expect(e.ms).toBeLessThan(1000);
  });

  it('5xx on every deployment: backoff between rounds, then the last error', async () => {
    const s = setup({ retry: { initialBackoffMs: 20, maxBackoffMs: 40, perClass: { upstream_unavailable: 3 } } });
    mock.enqueue({ model: s.d0 }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
    mock.enqueue({ model: s.d1 }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
    const r = await plain(s);
    expect(r.error!.errorClass).toBe('upstream_unavailable');
    expect(mock.count({ model: s.d0 }) + mock.count({ model: s.d1 })).toBe(4);
  });

  it('400: one attempt, never resent to the other deployment or a fallback', async () => {
    const s = setup({ fallbacks: { a: ['fb'] } });
    mock.enqueue({ model: s.d0 }, { kind: 'bad_request', param: 'temperature' });
    const r = await plain(s);
    expect(r.error).toBeInstanceOf(BadRequestError);
    expect(mock.count({ model: s.d0 })).toBe(1);
    expect(mock.count({ model: s.d1 }) + mock.count({ model: s.fb })).toBe(0);
  });

  it('context window: no retry; only contextWindowFallbacks take it', async () => {
    const s = setup({ fallbacks: { a: ['fb'] } });
    mock.enqueue({ model: s.d0 }, { kind: 'context_window' });
    expect((await plain(s)).error).toBeInstanceOf(ContextWindowExceededError);
    expect(mock.count({ model: s.d1 }) + mock.count({ model: s.fb })).toBe(0);
    const t = setup({ contextWindowFallbacks: { a: ['fb'] } });
    mock.enqueue({ model: t.d0 }, { kind: 'context_window' });
    const r = await plain(t);
    expect(attempts(r.info!)).toEqual(['d0:context_window', 'fb:ok']);
  });

  it('content policy: no retry; only contentPolicyFallbacks take it', async () => {
    const s = setup({ fallbacks: { a: ['fb'] } });
    mock.enqueue({ model: s.d0 }, { kind: 'content_policy' });
    expect((await plain(s)).error).toBeInstanceOf(ContentPolicyError);
    expect(mock.count({ model: s.d1 }) + mock.count({ model: s.fb })).toBe(0);
    const t = setup({ contentPolicyFallbacks: { a: ['fb'] } });
    mock.enqueue({ model: t.d0 }, { kind: 'content_policy' });
    expect(attempts((await plain(t)).info!)).toEqual(['d0:content_policy', 'fb:ok']);
  });

  it('hang on every deployment: bounded by the total deadline, nothing hangs', async () => {
    const s = setup({ timeouts: { connectMs: 500, firstTokenMs: 5000, idleMs: 300, totalMs: 600, unconsumedMs: 1000 } });
    mock.enqueue({ model: s.d0 }, { kind: 'hang' });
    mock.enqueue({ model: s.d1 }, { kind: 'hang' });
    const r = await plain(s);
    expect(r.error!.errorClass).toBe('timeout');
    expect(r.ms).toBeLessThan(1500);
  });
});

describe('fault matrix: streaming calls', () => {
  for (const [name, step, cls] of SWITCHING.filter(([n]) => !n.includes('HTTP-date') && !n.includes('seconds'))) {
    it(`${name} before the first chunk: switches to the other deployment`, async () => {
      const s = setup();
      mock.enqueue({ model: s.d0 }, step);
      const r = await streamed(s);
      expect(r.error).toBeUndefined();
      expect(r.text.length).toBeGreaterThan(0);
      expect(attempts(r.info!)).toEqual([`d0:${cls}`, 'd1:ok']);
    });
  }

  it('a cut after the first event (before content) is still retried', async () => {
    const s = setup();
    mock.enqueue({ model: s.d0 }, { kind: 'cut', afterChunks: 1 });
    const r = await streamed(s);
    expect(attempts(r.info!)).toEqual(['d0:connection', 'd1:ok']);
  });

  for (const [name, step, cause] of [
    ['stall mid-stream', { kind: 'stall', afterChunks: 3 }, 'timeout'],
    ['cut mid-stream', { kind: 'cut', afterChunks: 3 }, 'connection'],
    ['malformed event mid-stream', { kind: 'malformed', afterChunks: 3 }, 'invalid_response'],
  ] as Array<[string, MockStep, string]>) {
    it(`${name}: StreamInterruptedError with what was delivered, no retry, no splice`, async () => {
      const s = setup({ fallbacks: { a: ['fb'] } });
      mock.enqueue({ model: s.d0 }, step);
      const r = await streamed(s);
      expect(r.error).toBeInstanceOf(StreamInterruptedError);
      expect((r.error!.cause as { errorClass: string }).errorClass).toBe(cause);
      expect(r.error!.delivered!.chunks).toBeGreaterThan(0);
      expect(r.text.length).toBeGreaterThan(0);
      expect(mock.count({ model: s.d1 }) + mock.count({ model: s.fb })).toBe(0);
      expect(r.info!.outcome).toBe('stream_interrupted');
    });
  }

  it('400, context window and content policy on a stream: typed error from create(), one attempt', async () => {
    for (const [step, cls] of [
      [{ kind: 'bad_request' }, BadRequestError],
      [{ kind: 'context_window' }, ContextWindowExceededError],
      [{ kind: 'content_policy' }, ContentPolicyError],
    ] as const) {
      const s = setup({ fallbacks: { a: ['fb'] } });
      mock.enqueue({ model: s.d0 }, step as MockStep);
      const r = await streamed(s);
      expect(r.error).toBeInstanceOf(cls);
      expect(r.info).toBeUndefined();
      expect(mock.count({ model: s.d1 }) + mock.count({ model: s.fb })).toBe(0);
    }
  });
});
