import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitOpenError, getCallInfo } from '../../src/index.js';
import { CircuitBreakers, DEFAULT_BREAKER } from '../../src/router/breaker.js';
import { MemoryStore } from '../../src/router/store/memory.js';
import { FAST, entries, hi, makeRouter } from './helpers/router.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('CircuitBreakers (controlled clock)', () => {
  it('opens on consecutive failures, half-opens after the cooldown with one probe, closes on success', async () => {
    const c = clock();
    const b = new CircuitBreakers({ ...DEFAULT_BREAKER, consecutiveFailures: 3, cooldownMs: 1000, halfOpenProbes: 1 }, new MemoryStore({ clock: c }), c);
    for (let i = 0; i < 2; i++) expect(await b.record('d', 'failure', false)).toBeUndefined();
    expect(await b.record('d', 'failure', false)).toBe('open');
    expect(await b.check('d')).toEqual({ allowed: false, state: 'open', retryAt: c.t + 1000 });
    expect((await b.acquire('d')).ok).toBe(false);
    c.t += 999;
    expect((await b.check('d')).allowed).toBe(false);
    c.t += 1;
    const probe = await b.acquire('d');
    expect(probe).toEqual({ ok: true, probe: true, transition: 'half_open' });
    // Only one probe in flight.
    expect((await b.acquire('d')).ok).toBe(false);
    expect((await b.snapshot('d')).state).toBe('half_open');
    expect(await b.record('d', 'success', true)).toBe('close');
    expect((await b.snapshot('d')).state).toBe('closed');
    expect((await b.acquire('d')).probe).toBe(false);
  });

  it('opened by rate limiting: marked rateLimited, open only until the provider\'s shorter retry-after', async () => {
    const c = clock();
    const b = new CircuitBreakers({ ...DEFAULT_BREAKER, consecutiveFailures: 2, cooldownMs: 30_000 }, new MemoryStore({ clock: c }), c);
    await b.record('d', 'failure', false, 'rate_limit', 2000);
    expect(await b.record('d', 'failure', false, 'rate_limit', 2000)).toBe('open');
    expect(await b.check('d')).toEqual({ allowed: false, state: 'open', retryAt: c.t + 2000, rateLimited: true });
    expect(await b.snapshot('d')).toMatchObject({ state: 'open', rateLimited: true, reason: '2 consecutive failures (rate limited)' });
    c.t += 2000;
    expect((await b.acquire('d')).transition).toBe('half_open');
    // The probe fails with a 5xx: reopened for the full cooldown, no longer a rate limit.
    expect(await b.record('d', 'failure', true, 'upstream_unavailable')).toBe('reopen');
    expect(await b.check('d')).toEqual({ allowed: false, state: 'open', retryAt: c.t + 30_000 });
  });

  it('a failed probe reopens with a new cooldown', async () => {
    const c = clock();
    const b = new CircuitBreakers({ ...DEFAULT_BREAKER, consecutiveFailures: 1, cooldownMs: 500 }, new MemoryStore({ clock: c }), c);
    expect(await b.record('d', 'failure', false)).toBe('open');
    c.t += 500;
    expect((await b.acquire('d')).probe).toBe(true);
    expect(await b.record('d', 'failure', true)).toBe('reopen');
    const snap = await b.snapshot('d');
    expect(snap.state).toBe('open');
    expect(snap.retryAt).toBe(c.t + 500);
  });

  it('opens on the failure rate over the window once the minimum request count is reached', async () => {
    const c = clock();
    const b = new CircuitBreakers({ ...DEFAULT_BREAKER, consecutiveFailures: 100, failureRate: 0.5, minRequests: 6, windowMs: 10_000 }, new MemoryStore({ clock: c }), c);
    // s f s f s -> 5 requests, below the minimum
    for (const v of ['success', 'failure', 'success', 'failure', 'success'] as const) expect(await b.record('d', v, false)).toBeUndefined();
    expect(await b.record('d', 'failure', false)).toBe('open'); // 3/6 = 0.5
  });

  it('old failures leave the window', async () => {
    const c = clock();
    const b = new CircuitBreakers({ ...DEFAULT_BREAKER, consecutiveFailures: 100, failureRate: 0.5, minRequests: 4, windowMs: 1000 }, new MemoryStore({ clock: c }), c);
    await b.record('d', 'success', false);
    for (let i = 0; i < 3; i++) await b.record('d', 'failure', false);
    expect((await b.snapshot('d')).state).toBe('open'); // 3 of 4
    await b.reset('d');
    for (let i = 0; i < 3; i++) await b.record('d', 'failure', false);
    c.t += 2000;
    expect(await b.record('d', 'failure', false)).toBeUndefined(); // only 1 request in the window now
  });

  it('client errors are neutral, listed classes are failures', () => {
    const b = new CircuitBreakers(DEFAULT_BREAKER, new MemoryStore(), clock());
    expect(b.verdictOf('bad_request')).toBe('neutral');
    expect(b.verdictOf('upstream_unavailable')).toBe('failure');
    expect(b.verdictOf(undefined)).toBe('success');
  });
});

describe('breaker in the router', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream();
  });
  afterAll(async () => {
    await up.close();
  });

  it('opens after failures, then fails fast with CircuitOpenError naming the retry time, then probes and closes', async () => {
    const c = clock(Date.now());
    const r = makeRouter({
      models: entries(up, 'a', ['b1', 'b2']),
      ...FAST,
      clock: c,
      retry: { ...FAST.retry, perClass: { upstream_unavailable: 1 } },
      breaker: { consecutiveFailures: 1, cooldownMs: 10_000 },
    });
    up.script('b1', { kind: 'status', status: 503 });
    up.script('b2', { kind: 'status', status: 503 });
    await expect(r.chat.completions.create(hi)).rejects.toMatchObject({ errorClass: 'upstream_unavailable' });
    const states = await r.breakerStates();
    expect(states.map((s) => s.state)).toEqual(['open', 'open']);
    const before = up.calls();
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err.retryAfterMs).toBe(10_000);
    expect(up.calls()).toBe(before); // no upstream call
    c.t += 10_000;
    const res = await r.chat.completions.create(hi);
    expect(getCallInfo(res)!.attempts).toHaveLength(1);
    const after = await r.breakerStates();
    expect(after.filter((s) => s.state === 'closed')).toHaveLength(1);
    // The other one's cooldown has passed: it half-opens when next picked.
    expect(after.filter((s) => s.state === 'open')).toHaveLength(1);
    await r.close();
  });
});
