import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, getCallInfo, RateLimitError, UpstreamUnavailableError, type Router } from '../../src/index.js';
import { FAST, entries, hi, makeRouter } from './helpers/router.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let up: Upstream;
let routers: Router[] = [];
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});
afterEach(async () => {
  for (const r of routers) await r.close();
  routers = [];
});

function router(opts: Parameters<typeof makeRouter>[0]): Router {
  const r = makeRouter(opts);
  routers.push(r);
  return r;
}

let seq = 0;
function names(n: number): string[] {
  seq++;
  return Array.from({ length: n }, (_, i) => `r${seq}d${i}`);
}

describe('retries within a group', () => {
  it('switches at once to another deployment after a 503, without waiting', async () => {
    const [d0, d1] = names(2);
    up.script(d0!, { kind: 'status', status: 503 });
    up.script(d1!, { kind: 'ok', text: 'one' });
    const r = router({ models: entries(up, 'a', [d0!, d1!]), ...FAST, random: () => 0 });
    const res = await r.chat.completions.create(hi);
    const info = getCallInfo(res)!;
    expect(info.attempts).toHaveLength(2);
    expect(info.attempts[0]!.errorClass).toBe('upstream_unavailable');
    expect(info.attempts[1]!.deployment.id).not.toBe(info.attempts[0]!.deployment.id);
    expect(info.attempts[1]!.waitMs).toBe(0);
    expect(info.attempts[1]!.retryReason).toBe('upstream_unavailable');
    expect(info.outcome).toBe('success');
    expect(info.retries).toBe(1);
  });

  it('backs off only when no deployment is left, then retries the same one', async () => {
    const [d0] = names(1);
    up.script(d0!, { kind: 'status', status: 500 }, { kind: 'ok', text: 'second time' });
    const r = router({ models: entries(up, 'a', [d0!]), ...FAST, random: () => 0.5 });
    const res = await r.chat.completions.create(hi);
    const info = getCallInfo(res)!;
    expect(info.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['upstream_unavailable', 'ok']);
    expect(info.attempts[1]!.waitMs).toBe(10); // full jitter: 0.5 * 20 ms
    expect(res.choices[0]!.message.content).toBe('second time');
  });

  it('honours retry-after-ms under the cap', async () => {
    const [d0] = names(1);
    up.script(d0!, { kind: 'status', status: 429, headers: { 'retry-after-ms': '120' } }, { kind: 'ok' });
    const r = router({ models: entries(up, 'a', [d0!]), ...FAST });
    const info = getCallInfo(await r.chat.completions.create(hi))!;
    expect(info.attempts[0]!.errorClass).toBe('rate_limit');
    expect(info.attempts[1]!.waitMs).toBe(120);
  });

  it('does not wait for a retry-after past the cap and longer than the backoff: falls back instead', async () => {
    const [d0, f0] = names(2);
    up.script(d0!, { kind: 'status', status: 429, headers: { 'retry-after': '120' } });
    up.script(f0!, { kind: 'ok', text: 'from fallback' });
    const r = router({ models: [...entries(up, 'a', [d0!]), ...entries(up, 'b', [f0!])], ...FAST, fallbacks: { a: ['b'] } });
    const res = await r.chat.completions.create(hi);
    const info = getCallInfo(res)!;
    expect(info.attempts.map((a) => a.deployment.id)).toEqual([d0, f0]);
    expect(info.attempts[1]!.waitMs).toBe(0);
    expect(info.fallbackUsed).toBe(true);
    expect(info.fallbackAlias).toBe('b');
    expect(info.outcome).toBe('fallback_success');
  });

  it('stops at the per-class count and reports the last error', async () => {
    const [d0] = names(1);
    up.script(d0!, ...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 502 })));
    const r = router({ models: entries(up, 'a', [d0!]), ...FAST, retry: { ...FAST.retry, perClass: { upstream_unavailable: 2 } } });
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(up.calls(d0)).toBe(3);
  });

  it('never retries or falls back a 400 by default', async () => {
    const [d0, d1, f0] = names(3);
    up.script(d0!, { kind: 'status', status: 400, body: { error: { message: 'bad param', type: 'invalid_request_error' } } });
    up.script(d1!, { kind: 'status', status: 400, body: { error: { message: 'bad param', type: 'invalid_request_error' } } });
    const r = router({ models: [...entries(up, 'a', [d0!, d1!]), ...entries(up, 'b', [f0!])], ...FAST, fallbacks: { a: ['b'] } });
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(up.calls(d0) + up.calls(d1)).toBe(1);
    expect(up.calls(f0)).toBe(0);
  });

  it('sends a 400 to a fallback only through badRequestFallbacks', async () => {
    const [d0, f0] = names(2);
    up.script(d0!, { kind: 'status', status: 400, body: { error: { message: 'unsupported parameter', type: 'invalid_request_error' } } });
    const r = router({ models: [...entries(up, 'a', [d0!]), ...entries(up, 'b', [f0!])], ...FAST, badRequestFallbacks: { a: ['b'] } });
    const info = getCallInfo(await r.chat.completions.create(hi))!;
    expect(info.attempts.map((a) => a.deployment.id)).toEqual([d0, f0]);
  });

  it('maxAttempts bounds retries and fallbacks together', async () => {
    const [d0, f0, g0] = names(3);
    up.fallback = { kind: 'status', status: 503 };
    try {
      const r = router({
        models: [...entries(up, 'a', [d0!]), ...entries(up, 'b', [f0!]), ...entries(up, 'c', [g0!])],
        ...FAST,
        retry: { ...FAST.retry, maxAttempts: 3 },
        fallbacks: { a: ['b'], b: ['c'] },
      });
      const err = await r.chat.completions.create(hi).catch((e) => e);
      expect(err).toBeInstanceOf(UpstreamUnavailableError);
      expect(up.calls(d0) + up.calls(f0) + up.calls(g0)).toBe(3);
    } finally {
      up.fallback = { kind: 'ok' };
    }
  });

  it('the fallback loop guard stops cycles', async () => {
    const [d0, f0] = names(2);
    up.script(d0!, { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    up.script(f0!, { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const r = router({
      models: [...entries(up, 'a', [d0!]), ...entries(up, 'b', [f0!])],
      ...FAST,
      retry: { ...FAST.retry, perClass: { upstream_unavailable: 1 }, maxAttempts: 20 },
      fallbacks: { a: ['b'], b: ['a'] },
    });
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    // a: first try + 1 retry; b: one hop (its retries are already used up); back to a is a loop: stop.
    expect(up.calls(d0)).toBe(2);
    expect(up.calls(f0)).toBe(1);
  });

  it('a 401 on one deployment switches to another, never retried on the same', async () => {
    const [d0, d1] = names(2);
    up.script(d0!, { kind: 'status', status: 401 }, { kind: 'status', status: 401 });
    up.script(d1!, { kind: 'status', status: 401 }, { kind: 'status', status: 401 });
    const r = router({ models: entries(up, 'a', [d0!, d1!]), ...FAST });
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err.errorClass).toBe('authentication');
    expect(up.calls(d0)).toBe(1);
    expect(up.calls(d1)).toBe(1);
  });

  it('abort during a backoff wait cancels at once', async () => {
    const [d0] = names(1);
    up.script(d0!, { kind: 'status', status: 429, headers: { 'retry-after-ms': '5000' } });
    const r = router({ models: entries(up, 'a', [d0!]), ...FAST, retry: { retryAfterMaxMs: 10_000 }, timeouts: { totalMs: 20_000 } });
    const ac = new AbortController();
    const started = Date.now();
    const p = r.chat.completions.create(hi, { signal: ac.signal }).catch((e) => e);
    setTimeout(() => ac.abort(), 100);
    const err = await p;
    expect(err.errorClass).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(up.calls(d0)).toBe(1);
  });

  it('a wait that would pass the deadline is not taken', async () => {
    const [d0] = names(1);
    up.script(d0!, { kind: 'status', status: 429, headers: { 'retry-after-ms': '3000' } });
    const r = router({ models: entries(up, 'a', [d0!]), ...FAST, timeouts: { totalMs: 500 } });
    const started = Date.now();
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(3000);
    expect(Date.now() - started).toBeLessThan(400);
  });
});
