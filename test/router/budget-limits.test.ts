import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, ContextWindowExceededError, RateLimitError, getCallInfo } from '../../src/index.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { MemoryStore } from '../../src/router/store/memory.js';
import { FAST, entries, hi, makeRouter } from './helpers/router.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

// 'hi' is estimated at 8 prompt tokens (3 priming + 4 per message + 1); at 1 $/M in and 2 $/M out
// a call with max_tokens 1000 reserves (8 + 2000) / 1e6 USD.
const RESERVATION = (8 * 1 + 1000 * 2) / 1e6;

describe('budgets', () => {
  it('200 concurrent calls overspend a budget by at most one reservation', async () => {
    up.script('bg0', ...Array.from({ length: 200 }, () => ({ kind: 'ok' as const, delayMs: 5, usage: { prompt_tokens: 8, completion_tokens: 1000 } })));
    const limit = 0.05;
    const r = makeRouter({ models: entries(up, 'a', ['bg0']), ...FAST, budgets: [{ scope: 'key', limitUsd: limit, window: 'day' }] });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => r.chat.completions.create({ ...hi, max_tokens: 1000 }, { identity: { key: 'k1' } })),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    const rejected = results.filter((x) => x.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected.length).toBeGreaterThan(0);
    for (const x of rejected) expect(x.reason).toBeInstanceOf(BudgetExceededError);
    expect(up.calls('bg0')).toBe(ok.length); // rejected calls never reached upstream
    let spent = 0;
    for (const x of ok) spent += getCallInfo((x as PromiseFulfilledResult<object>).value)!.totalCostUsd!;
    expect(spent).toBeGreaterThan(limit - RESERVATION);
    expect(spent).toBeLessThanOrEqual(limit + RESERVATION + 1e-9);
    expect(await r.budgets.usage(r.policies.budgets[0]!, 'k1')).toBeCloseTo(spent, 9);
    await r.close();
  });

  it('reserves the worst case, reconciles to the real cost, releases on failure', async () => {
    up.script('bg1', { kind: 'ok', usage: { prompt_tokens: 10, completion_tokens: 5 } }, { kind: 'status', status: 400 });
    const r = makeRouter({ models: entries(up, 'a', ['bg1']), ...FAST, budgets: [{ scope: 'user', limitUsd: 1, window: 'day' }] });
    const res = await r.chat.completions.create({ ...hi, max_tokens: 1000 }, { identity: { user: 'u1' } });
    const info = getCallInfo(res)!;
    expect(info.budget).toEqual({ budgets: ['user:*/day'], reservedUsd: RESERVATION, settledUsd: 0.00002 });
    expect(await r.budgets.usage(r.policies.budgets[0]!, 'u1')).toBeCloseTo(0.00002, 10);
    await expect(r.chat.completions.create({ ...hi, max_tokens: 1000 }, { identity: { user: 'u1' } })).rejects.toMatchObject({ errorClass: 'bad_request' });
    expect(await r.budgets.usage(r.policies.budgets[0]!, 'u1')).toBeCloseTo(0.00002, 10); // released
    await r.close();
  });

  it('an exhausted budget rejects before any upstream call', async () => {
    const r = makeRouter({ models: entries(up, 'a', ['bg2']), ...FAST, budgets: [{ scope: 'team', match: 't1', limitUsd: 0, window: 'hour' }] });
    const err = await r.chat.completions.create(hi, { identity: { team: 't1' } }).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    // The error reports its call: rejected by the budget, no attempt made.
    expect(getCallInfo(err)).toMatchObject({ outcome: 'budget_rejected', errorClass: 'budget_exceeded', attempts: [] });
    expect(up.calls('bg2')).toBe(0);
    // Another team is not limited.
    await r.chat.completions.create(hi, { identity: { team: 't2' } });
    expect(up.calls('bg2')).toBe(1);
    await r.close();
  });

  it('a provider budget skips that provider and routes to another one', async () => {
    const r = makeRouter({
      models: [
        ...entries(up, 'a', ['bp0'], { provider: 'openai-compatible' }),
        ...entries(up, 'a', ['bp1'], { provider: 'openai', weight: 0.0001 }),
      ],
      ...FAST,
      random: () => 0,
      budgets: [{ scope: 'provider', match: 'openai-compatible', limitUsd: 0, window: 'day' }],
    });
    const info = getCallInfo(await r.chat.completions.create(hi))!;
    expect(info.attempts.map((a) => a.deployment.id)).toEqual(['bp1']);
    await r.close();
  });
});

describe('rate limits', () => {
  it('key RPM: over the limit → RateLimitError with a retry time, before any upstream call', async () => {
    const r = makeRouter({ models: entries(up, 'a', ['rl0']), ...FAST, rateLimits: { keys: { k: { rpm: 2 } } } });
    await r.chat.completions.create(hi, { identity: { key: 'k' } });
    await r.chat.completions.create(hi, { identity: { key: 'k' } });
    const err = await r.chat.completions.create(hi, { identity: { key: 'k' } }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(up.calls('rl0')).toBe(2);
    await r.close();
  });

  it("key RPM is checked with the attempt's admission, once per call: retries and fallbacks do not count it again", async () => {
    up.script('rl3', { kind: 'status', status: 503 });
    const store = new MemoryStore();
    const r = makeRouter({ models: [...entries(up, 'a', ['rl3']), ...entries(up, 'a', ['rl4'])], ...FAST, random: () => 0, store, rateLimits: { keys: { k: { rpm: 5 } } } });
    const info = getCallInfo(await r.chat.completions.create(hi, { identity: { key: 'k' } }))!;
    expect(info.attempts.length).toBe(2); // rl3 failed, rl4 answered
    expect(await store.windowUsage('rl:key:k:rpm', 60_000, Date.now())).toBe(1);
    await r.close();
  });

  it('a key over its limit gets its 429 even when no deployment was admitted (every breaker open), and counts once', async () => {
    const store = new MemoryStore();
    const r = makeRouter({ models: entries(up, 'a', ['rl5']), ...FAST, store, rateLimits: { keys: { k: { rpm: 1 } } } });
    await store.set('breaker:rl5', { state: 'open', consecutive: 5, buckets: [], probes: 0, until: Date.now() + 60_000 });
    const first = await r.chat.completions.create(hi, { identity: { key: 'k' } }).catch((e) => e);
    expect(first.code).toBe('circuit_open'); // the key was admitted (1 of 1), the deployment was not
    const second = await r.chat.completions.create(hi, { identity: { key: 'k' } }).catch((e) => e);
    expect(second).toBeInstanceOf(RateLimitError);
    expect(second.code).toBe('rate_limit_exceeded');
    expect(await store.windowUsage('rl:key:k:rpm', 60_000, Date.now())).toBe(1);
    expect(up.calls('rl5')).toBe(0);
    await r.close();
  });

  it('a store error during the admission is the answer; the key is not checked a second time', async () => {
    class FailingBudgets extends MemoryStore {
      override async reserveAll(): Promise<never> {
        throw new StoreUnavailableError('the shared state store is unavailable');
      }
    }
    const store = new FailingBudgets();
    const r = makeRouter({ models: entries(up, 'a', ['rl6']), ...FAST, store, budgets: [{ scope: 'key', limitUsd: 10, window: 'day' }], rateLimits: { keys: { k: { rpm: 1 } } } });
    const err = await r.chat.completions.create(hi, { identity: { key: 'k' } }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(await store.windowUsage('rl:key:k:rpm', 60_000, Date.now())).toBe(1);
    expect(up.calls('rl6')).toBe(0);
    await r.close();
  });

  it('deployment RPM: a full deployment is skipped for one with headroom; all full → RateLimitError', async () => {
    const r = makeRouter({
      models: [...entries(up, 'a', ['rl1'], { rpm: 1 }), ...entries(up, 'a', ['rl2'], { rpm: 1 })],
      ...FAST,
      random: () => 0,
    });
    const a = getCallInfo(await r.chat.completions.create(hi))!;
    const b = getCallInfo(await r.chat.completions.create(hi))!;
    expect([a.deployment!.id, b.deployment!.id].sort()).toEqual(['rl1', 'rl2']);
    const err = await r.chat.completions.create(hi).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(up.calls('rl1') + up.calls('rl2')).toBe(2);
    await r.close();
  });

  it('headroom strategy prefers the deployment with more of its limit left', async () => {
    const r = makeRouter({
      models: [...entries(up, 'a', ['hr1'], { rpm: 10 }), ...entries(up, 'a', ['hr2'], { rpm: 100 })],
      ...FAST,
      routing: { strategy: 'headroom' },
      random: () => 0,
    });
    for (let i = 0; i < 3; i++) await r.chat.completions.create(hi);
    // 1st: a tie (both empty) → first by weight; then hr1 has 9/10 left, hr2 100/100 then 99/100.
    expect(up.calls('hr1')).toBe(1);
    expect(up.calls('hr2')).toBe(2);
    await r.close();
  });
});

describe('context window pre-check', () => {
  const long = { model: 'a', messages: [{ role: 'user' as const, content: 'x'.repeat(4000) }] }; // ~1008 tokens

  it('skips deployments whose window is too small', async () => {
    const r = makeRouter({
      models: [...entries(up, 'a', ['cw0'], { capabilities: { contextWindow: 500 } }), ...entries(up, 'a', ['cw1'], { capabilities: { contextWindow: 8000 } })],
      ...FAST,
      random: () => 0,
    });
    const info = getCallInfo(await r.chat.completions.create(long))!;
    expect(info.attempts.map((a) => a.deployment.id)).toEqual(['cw1']);
    await r.close();
  });

  it('uses contextWindowFallbacks, else fails before any upstream call', async () => {
    const models = [...entries(up, 'a', ['cw2'], { capabilities: { contextWindow: 500 } }), ...entries(up, 'big', ['cw3'], { capabilities: { contextWindow: 100_000 } })];
    const r1 = makeRouter({ models, ...FAST, contextWindowFallbacks: { a: ['big'] } });
    const info = getCallInfo(await r1.chat.completions.create(long))!;
    expect(info.attempts.map((a) => a.deployment.id)).toEqual(['cw3']);
    expect(info.attempts[0]!.retryReason).toBe('context_window');
    const r2 = makeRouter({ models, ...FAST });
    await expect(r2.chat.completions.create(long)).rejects.toBeInstanceOf(ContextWindowExceededError);
    expect(up.calls('cw2')).toBe(0);
    await r1.close();
  });
});
