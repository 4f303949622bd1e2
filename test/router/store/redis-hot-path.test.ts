/**
 * The hot path with the Redis store: round trips per call counted on the wire (a TCP relay between
 * the router's Redis client and redis-server counts client→server exchanges, split into those
 * made while the call was running and those after it answered); the combined `admit` script
 * agrees with the same admission composed step by step on the memory store; the `settle`
 * script's breaker bookkeeping agrees with breaker.ts; exactly one half-open probe across two
 * routers. (The combined script when Redis is killed: redis-store.test.ts.)
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Router } from '../../../src/index.js';
import { CircuitBreakers, DEFAULT_BREAKER } from '../../../src/router/breaker.js';
import { admitVia } from '../../../src/router/store/compose.js';
import { MemoryStore } from '../../../src/router/store/memory.js';
import { RedisStore } from '../../../src/router/store/redis.js';
import type { AdmitRequest, StateStore } from '../../../src/router/store/types.js';
import { describeRedis, redisUrlForTests, stopTestRedis, uniqueRedisPrefix } from '../../helpers/redis.js';
import { entries, FAST } from '../helpers/router.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const quiet = { info() {}, warn() {} };
/** Commands are counted, not timed: a loaded test box must not turn a slow answer into the failure policy's path. */
const SLOW_OK = { commandTimeoutMs: 5000 };

/** The stated bound: Redis round trips a call waits for on the common path (cache off, breaker closed). */
const COMMON_PATH_ROUND_TRIPS = 1;

/**
 * A loopback relay in front of redis-server that counts round trips: an exchange starts when the
 * client sends after the server last spoke (commands sent together, e.g. in one tick, are one
 * exchange). Each exchange is labelled with the test's current phase.
 */
interface Relay {
  port: number;
  phase: string;
  exchanges: string[];
  close(): Promise<void>;
}

async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay = {
    port: 0,
    phase: 'setup',
    exchanges: [] as string[],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let serverSpokeLast = true;
    client.on('data', (d) => {
      if (serverSpokeLast) relay.exchanges.push(relay.phase);
      serverSpokeLast = false;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      serverSpokeLast = true;
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  relay.port = (server.address() as { port: number }).port;
  return relay;
}

/** Waits until nothing moved through the relay for a while (write-behind flushes included). */
async function quiet_(relay: { exchanges: string[] }): Promise<void> {
  let n = -1;
  while (n !== relay.exchanges.length) {
    n = relay.exchanges.length;
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Exchanges made while `call` ran and after it answered (until the relay is quiet). */
async function exchangesOf(relay: Relay, call: () => Promise<unknown>): Promise<{ during: number; after: number }> {
  const start = relay.exchanges.length;
  relay.phase = 'call';
  await call();
  relay.phase = 'after';
  await quiet_(relay);
  const mine = relay.exchanges.slice(start);
  return { during: mine.filter((p) => p === 'call').length, after: mine.filter((p) => p === 'after').length };
}

describeRedis('Redis store: the hot path', () => {
  let url: string;
  let port: number;
  let raw: Redis;
  let up: Upstream;
  const routers: Router[] = [];
  const stores: StateStore[] = [];
  beforeAll(async () => {
    url = await redisUrlForTests();
    port = Number(new URL(url).port);
    raw = new Redis(url);
    up = await startUpstream();
  });
  afterAll(async () => {
    await Promise.all(routers.map((r) => r.close()));
    await Promise.all(stores.map((s) => s.close?.()));
    raw.disconnect();
    await up.close();
    await stopTestRedis();
  });

  const commonConfig = (baseURL: Upstream, store: unknown, cache: boolean) => ({
    ...FAST,
    models: entries(baseURL, 'a', ['rt1'], { rpm: 1_000_000, tpm: 1_000_000_000 }),
    budgets: [{ scope: 'key' as const, limitUsd: 1_000_000, window: 'day' as const }],
    rateLimits: { keys: { app: { rpm: 1_000_000, tpm: 1_000_000_000 } } },
    breaker: { enabled: true },
    cache: { enabled: cache },
    store: store as never,
  });

  /** A router on a store that talks to Redis through a counting relay (no heartbeat, no background refresh: only the calls' own traffic). */
  function measuredRouter(relay: Relay, tag: string, cache: boolean): { router: Router; keyPrefix: string } {
    const keyPrefix = uniqueRedisPrefix(tag);
    const store = new RedisStore({ url: `redis://127.0.0.1:${relay.port}`, keyPrefix, logger: quiet, heartbeatMs: 3_600_000, localCacheMs: 600_000, ...SLOW_OK });
    const router = new Router(commonConfig(up, store, cache));
    routers.push(router);
    stores.push(store);
    return { router, keyPrefix };
  }

  it(`the common path of a call waits for at most ${COMMON_PATH_ROUND_TRIPS} Redis round trip; its settlement is one more, sent after it answered`, async () => {
    const relay = await startRelay(port);
    try {
      const { router, keyPrefix } = measuredRouter(relay, 'rt', false);
      let seq = 0;
      const call = () => router.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: `hello ${++seq}` }] }, { identity: { key: 'app' } });
      // Warm-up: the first call reads the breaker record and the routing adjustments once (then served locally).
      for (let i = 0; i < 2; i++) await call();
      await quiet_(relay);
      const CALLS = 20;
      const during: number[] = [];
      const after: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const n = await exchangesOf(relay, call);
        during.push(n.during);
        after.push(n.after);
      }
      // Exactly one exchange inside the call (the `admit` script: key RPM/TPM, breaker gate, key budget, deployment RPM/TPM)...
      expect(during).toEqual(Array(CALLS).fill(COMMON_PATH_ROUND_TRIPS));
      // ...and one after it answered (the `settle` script: budget and TPM corrections, the breaker's success).
      expect(after).toEqual(Array(CALLS).fill(1));
      // The state is really shared: the budget counter and both windows hold what the calls took.
      expect(Number(await raw.zcard(`${keyPrefix}rl:key:app:rpm`))).toBe(CALLS + 2);
      expect(Number(await raw.zcard(`${keyPrefix}rl:dep:rt1:rpm`))).toBe(CALLS + 2);
      expect(Number(await raw.get((await raw.keys(`${keyPrefix}budget:key:app:*`))[0]!))).toBeGreaterThan(0);
      const rec = JSON.parse((await raw.get(`${keyPrefix}breaker:rt1`))!);
      expect(rec.state).toBe('closed');
      expect(rec.buckets.reduce((n: number, b: { ok: number }) => n + b.ok, 0)).toBe(CALLS + 2);
    } finally {
      await relay.close();
    }
  });

  it('with the cache on: a miss waits for 2 round trips (key window + cache read together, then the admission), a hit for 1', async () => {
    const relay = await startRelay(port);
    try {
      const { router } = measuredRouter(relay, 'rtc', true);
      const call = (content: string) => router.chat.completions.create({ model: 'a', messages: [{ role: 'user', content }] }, { identity: { key: 'app' } });
      await call('warm-up');
      await quiet_(relay);
      const count = (content: string) => exchangesOf(relay, () => call(content));
      expect(await count('cache me')).toEqual({ during: 2, after: 1 }); // the settlement and the cache write go together
      // A hit: one exchange, and after it the key's TPM correction (the estimate given back: a hit spends no tokens).
      expect(await count('cache me')).toEqual({ during: 1, after: 1 });
    } finally {
      await relay.close();
    }
  });

  it('the admit script decides like the same steps composed on the memory store', async () => {
    const keyPrefix = uniqueRedisPrefix('admit');
    const redis = new RedisStore({ url, keyPrefix, logger: quiet, ...SLOW_OK });
    const memory = new MemoryStore();
    stores.push(redis);
    const now = Date.now();
    const w = (key: string, amount: number, limit: number) => ({ key, amount, windowMs: 60_000, limit });
    const steps: AdmitRequest[] = [
      // The key's windows and everything else admitted.
      { now, callWindows: [w('rl:key:k:rpm', 1, 2), w('rl:key:k:tpm', 50, 100)], gate: 'breaker:d', budgets: { slots: [{ key: 'budget:k', limit: 10 }], amount: 4 }, windows: [w('rl:dep:d:rpm', 1, 5)] },
      // The key's TPM refuses: nothing is taken, not even its RPM.
      { now, callWindows: [w('rl:key:k:rpm', 1, 2), w('rl:key:k:tpm', 60, 100)], budgets: { slots: [{ key: 'budget:k', limit: 10 }], amount: 4 } },
      // Budget: 4 < 10 → 8; then 8 < 10 → 12 (overshoot by at most one reservation); then refused.
      { now, budgets: { slots: [{ key: 'budget:k', limit: 10 }], amount: 4 } },
      { now, budgets: { slots: [{ key: 'budget:other', limit: 100 }, { key: 'budget:k', limit: 10 }], amount: 4 }, windows: [w('rl:dep:d:rpm', 1, 5)] },
      { now, budgets: { slots: [{ key: 'budget:other', limit: 100 }, { key: 'budget:k', limit: 10 }], amount: 4 }, windows: [w('rl:dep:d:rpm', 1, 5)] },
      // The deployment window refuses: the budgets are not reserved.
      { now, budgets: { slots: [{ key: 'budget:free', limit: 100 }], amount: 1 }, windows: [w('rl:dep:d:rpm', 1, 5), w('rl:dep:d:tpm', 1000, 10)] },
      // The key's RPM is at its limit after one more.
      { now, callWindows: [w('rl:key:k:rpm', 1, 2)] },
      { now, callWindows: [w('rl:key:k:rpm', 1, 2)] },
    ];
    const outcomes: [unknown, unknown][] = [];
    for (const req of steps) {
      const m = await admitVia(memory, req);
      const r = await redis.admit(req);
      if ('retryAfterMs' in r && 'retryAfterMs' in m) {
        expect(r.retryAfterMs).toBeGreaterThan(59_000);
        r.retryAfterMs = m.retryAfterMs = 0;
      }
      outcomes.push([r, m]);
    }
    for (const [r, m] of outcomes) expect(r).toEqual(m);
    expect(outcomes.map(([r]) => ((r as { ok: boolean }).ok ? 'ok' : (r as { stage: string }).stage))).toEqual(['ok', 'call', 'ok', 'ok', 'budget', 'window', 'ok', 'call']);
    // Same counters in both stores.
    for (const k of ['budget:k', 'budget:other', 'budget:free']) expect(await redis.increment(k, 0)).toBe(await memory.increment(k, 0));
    for (const k of ['rl:key:k:rpm', 'rl:key:k:tpm', 'rl:dep:d:rpm', 'rl:dep:d:tpm']) expect(await redis.windowUsage(k, 60_000, now)).toBe(await memory.windowUsage(k, 60_000, now));
    // A breaker that is not closed stops the attempt (the key's windows stay taken) and hands its record back.
    await redis.set('breaker:d', { state: 'open', until: now + 1000 });
    await memory.set('breaker:d', { state: 'open', until: now + 1000 });
    const gated: AdmitRequest = { now, callWindows: [w('rl:key:g:rpm', 1, 5)], gate: 'breaker:d', budgets: { slots: [{ key: 'budget:g', limit: 10 }], amount: 1 } };
    expect(await redis.admit(gated)).toEqual({ ok: false, stage: 'gate', record: { state: 'open', until: now + 1000 } });
    expect(await admitVia(memory, gated)).toEqual({ ok: false, stage: 'gate', record: { state: 'open', until: now + 1000 } });
    expect(await redis.windowUsage('rl:key:g:rpm', 60_000, now)).toBe(1);
    expect(await redis.increment('budget:g', 0)).toBe(0);
  });

  it("the settle script records a closed breaker's successes exactly as breaker.ts does, and hands any other state back", async () => {
    const keyPrefix = uniqueRedisPrefix('settle');
    const redis = new RedisStore({ url, keyPrefix, logger: quiet, ...SLOW_OK });
    stores.push(redis);
    const t = { now: 1_700_000_000_000 };
    const clock = { now: () => t.now };
    const config = { ...DEFAULT_BREAKER, windowMs: 10_000, consecutiveFailures: 3 };
    const viaScript = new CircuitBreakers(config, redis, clock);
    const memory = new CircuitBreakers(config, new MemoryStore({ clock }), clock);
    const sequence = ['success', 'failure', 'success', 'success', 'failure', 'success'] as const;
    for (const [i, verdict] of sequence.entries()) {
      t.now += 1700 * i; // crosses buckets and drops old ones
      await memory.record('d', verdict, false);
      if (verdict === 'success') await redis.settle({ now: t.now, breakerSuccess: viaScript.successOp('d') });
      else await viaScript.record('d', verdict, false);
      await (redis as unknown as { flushSettle(): Promise<void> }).flushSettle();
    }
    const reader = new RedisStore({ url, keyPrefix, logger: quiet, localCacheMs: 0, ...SLOW_OK });
    stores.push(reader);
    const fresh = new CircuitBreakers(config, reader, clock);
    expect(await fresh.snapshot('d')).toEqual(await memory.snapshot('d'));
    expect(JSON.parse((await raw.get(`${keyPrefix}breaker:d`))!).consecutive).toBe(0);
    // An open breaker: the script leaves it alone and the breaker's own path records the success.
    for (let i = 0; i < 3; i++) await viaScript.record('d', 'failure', false);
    let handedBack = 0;
    await redis.settle({ now: t.now, breakerSuccess: { ...viaScript.successOp('d'), otherwise: async () => handedBack++ } });
    await (redis as unknown as { flushSettle(): Promise<void> }).flushSettle();
    expect(handedBack).toBe(1);
    expect((await fresh.snapshot('d')).state).toBe('open');
  });

  it('exactly one half-open probe across two routers on one Redis', async () => {
    const keyPrefix = uniqueRedisPrefix('probe');
    const options = (store: StateStore) => ({
      ...FAST,
      models: entries(up, 'a', ['probe1']),
      timeouts: { ...FAST.timeouts, firstTokenMs: 10_000, idleMs: 10_000, totalMs: 20_000 },
      breaker: { enabled: true, consecutiveFailures: 2, cooldownMs: 300, halfOpenProbes: 1 },
      retry: { maxAttempts: 1 },
      store,
    });
    const a = new Router(options(new RedisStore({ url, keyPrefix, logger: quiet, ...SLOW_OK })));
    const b = new Router(options(new RedisStore({ url, keyPrefix, logger: quiet, ...SLOW_OK })));
    routers.push(a, b);
    stores.push(a.store, b.store);
    up.script('probe1', { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    for (let i = 0; i < 2; i++) await expect(a.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeDefined();
    expect((await b.breakerStates())[0]!.state).toBe('open');
    await new Promise((r) => setTimeout(r, 350)); // the cooldown ends
    const before = up.calls('probe1');
    // The probe answers slowly, so that every other call arrives while it is in flight (even on a loaded box).
    up.script('probe1', { kind: 'ok', delayMs: 2500 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).chat.completions.create({ model: 'a', messages: [{ role: 'user', content: `p${i}` }] })),
    );
    expect(up.calls('probe1') - before).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('circuit_open');
    // The probe's success closed it for both.
    await expect.poll(async () => JSON.parse((await raw.get(`${keyPrefix}breaker:probe1`))!).state).toBe('closed');
  });
});
