/**
 * RedisStore against a real redis-server: atomic admission across two store instances (two
 * processes' worth of clients), TTL on every key, NOSCRIPT reload, the shared cache's bounds, and
 * the failure policy when Redis is killed and restarted (fail-closed budgets, local share of rate
 * limits, local breaker state, one log line each way, recovery without a new store).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/errors.js';
import { RedisStore, type RedisStoreOptions } from '../../../src/router/store/redis.js';
import { describeRedis, redisUrlForTests, startRedis, stopTestRedis, uniqueRedisPrefix, type RedisServer } from '../../helpers/redis.js';

const quiet = { info() {}, warn() {} };

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeRedis('RedisStore on a shared server', () => {
  let url: string;
  let raw: Redis;
  const stores: RedisStore[] = [];
  // These tests are about sharing and atomicity: a loaded test box must not turn a slow answer
  // into the failure policy (the 'goes away' suite below tests that).
  const make = (o: Partial<RedisStoreOptions> & { keyPrefix: string }) => {
    const s = new RedisStore({ url, logger: quiet, commandTimeoutMs: 5000, ...o });
    stores.push(s);
    return s;
  };
  beforeAll(async () => {
    url = await redisUrlForTests();
    raw = new Redis(url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    raw.disconnect();
    await stopTestRedis();
  });

  it('reserve admits while under the limit across two stores, atomically', async () => {
    const keyPrefix = uniqueRedisPrefix('reserve');
    const a = make({ keyPrefix });
    const b = make({ keyPrefix });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).reserve('budget:k', 3, 10, 60_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(4); // 0,3,6,9 are < 10
    expect(await a.increment('budget:k', 0)).toBe(12);
    expect(await b.increment('budget:k', -2.5, 60_000)).toBe(9.5);
  });

  it('reserveAll reserves on every counter or on none', async () => {
    const keyPrefix = uniqueRedisPrefix('all');
    const s = make({ keyPrefix });
    await s.increment('budget:b', 10, 60_000);
    const r = await s.reserveAll([{ key: 'budget:a', limit: 100 }, { key: 'budget:b', limit: 10 }], 5);
    expect(r).toEqual({ ok: false, failed: 1, value: 10 });
    expect(await s.increment('budget:a', 0)).toBe(0);
    expect(await s.reserveAll([{ key: 'budget:a', limit: 100, ttlMs: 60_000 }, { key: 'budget:c', limit: 10 }], 5)).toEqual({ ok: true });
    expect(await s.increment('budget:a', 0)).toBe(5);
  });

  it('sliding window: shared admission, refusal with retry-after, usage', async () => {
    const keyPrefix = uniqueRedisPrefix('win');
    const a = make({ keyPrefix });
    const b = make({ keyPrefix });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).windowAdd('rl:key:x:rpm', 1, 60_000, Date.now(), 20)));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const refused = results.find((r) => !r.ok)!;
    expect(refused.used).toBe(20);
    expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(await a.windowUsage('rl:key:x:rpm', 60_000, Date.now())).toBe(20);
    // A short window empties by Redis's own clock.
    await a.windowAdd('rl:key:y:tpm', 7, 50, Date.now(), 100);
    expect(await a.windowUsage('rl:key:y:tpm', 50, Date.now())).toBe(7);
    await new Promise((r) => setTimeout(r, 80));
    expect(await a.windowUsage('rl:key:y:tpm', 50, Date.now())).toBe(0);
  });

  it('update is a compare-and-set: concurrent increments from two stores all land', async () => {
    const keyPrefix = uniqueRedisPrefix('cas');
    const a = make({ keyPrefix });
    const b = make({ keyPrefix });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update<number>('breaker:n', (v) => (v ?? 0) + 1)));
    expect(JSON.parse((await raw.get(`${keyPrefix}breaker:n`))!)).toBe(40);
    // Each store's own last write is what its (short-lived) local read cache holds; Redis has the total.
    expect(await make({ keyPrefix }).get('breaker:n')).toBe(40);
    expect(await b.keys('breaker:')).toEqual(['breaker:n']);
    await b.delete('breaker:n');
    expect(await b.get('breaker:n')).toBeUndefined();
    expect(await raw.exists(`${keyPrefix}breaker:n`)).toBe(0);
  });

  it('every key it writes has a TTL', async () => {
    const keyPrefix = uniqueRedisPrefix('ttl');
    const s = make({ keyPrefix });
    await s.reserve('budget:total', 1, 10);
    await s.increment('budget:x', 1);
    await s.windowAdd('rl:dep:d:rpm', 1, 60_000, Date.now(), 5);
    await s.set('route:weight:d', { m: 2 });
    await s.update('breaker:d', () => ({ state: 'open' }));
    await s.cacheSet('cache:abc', { v: 1 }, 10_000, Date.now());
    const keys = await raw.keys(`${keyPrefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    for (const k of keys) expect([k, await raw.pttl(k)]).toEqual([k, expect.any(Number)]);
    for (const k of keys) expect(await raw.pttl(k)).toBeGreaterThan(0);
  });

  it('re-loads its scripts after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const keyPrefix = uniqueRedisPrefix('noscript');
    const s = make({ keyPrefix });
    expect((await s.reserve('budget:n', 1, 10, 60_000)).ok).toBe(true);
    await raw.script('FLUSH');
    expect((await s.reserve('budget:n', 1, 10, 60_000)).value).toBe(2);
    expect(s.scriptReloads).toBeGreaterThan(0);
  });

  it('shared cache: an entry stored by one store is read by another; entry bytes and count are bounded', async () => {
    const keyPrefix = uniqueRedisPrefix('cache');
    const a = new RedisStore({ url, keyPrefix, logger: quiet, cacheMaxEntries: 3, cacheMaxEntryBytes: 200, commandTimeoutMs: 5000 });
    const b = make({ keyPrefix });
    stores.push(a);
    await a.cacheSet('cache:1', { answer: 'one' }, 10_000, Date.now());
    expect(await b.cacheGet('cache:1', Date.now())).toEqual({ answer: 'one' });
    await a.cacheSet('cache:big', { answer: 'x'.repeat(300) }, 10_000, Date.now());
    expect(await b.cacheGet('cache:big', Date.now())).toBeUndefined();
    for (const k of ['2', '3', '4']) await a.cacheSet(`cache:${k}`, { k }, 10_000, Date.now());
    expect(await b.cacheGet('cache:1', Date.now())).toBeUndefined(); // evicted: at most 3 entries
    expect(await b.cacheGet('cache:4', Date.now())).toEqual({ k: '4' });
    await a.cacheSet('cache:short', 1, 30, Date.now());
    await new Promise((r) => setTimeout(r, 60));
    expect(await b.cacheGet('cache:short', Date.now())).toBeUndefined();
  });

  it('shared cache: the entries together stay within the byte budget, least recently used evicted first, expired ones leave the books', async () => {
    const keyPrefix = uniqueRedisPrefix('cachebytes');
    const a = make({ keyPrefix, cacheMaxEntries: 100, cacheMaxBytes: 100 });
    const b = make({ keyPrefix, cacheMaxEntries: 100, cacheMaxBytes: 100 });
    const entry = (n: number) => ({ n, pad: 'x'.repeat(14) }); // 30 bytes of JSON
    const bytesOf = async () => Number(await raw.get(`${keyPrefix}cache#bytes`));
    for (const n of [1, 2, 3]) await a.cacheSet(`cache:${n}`, entry(n), 10_000, Date.now());
    expect(await bytesOf()).toBe(90);
    expect(await b.cacheGet('cache:1', Date.now())).toEqual(entry(1)); // 1 is now the most recently used
    await b.cacheSet('cache:4', entry(4), 10_000, Date.now()); // 120 > 100: the least recently used (2) goes
    expect(await a.cacheGet('cache:2', Date.now())).toBeUndefined();
    for (const n of [1, 3, 4]) expect(await a.cacheGet(`cache:${n}`, Date.now())).toEqual(entry(n));
    expect(await bytesOf()).toBe(90);
    expect(await raw.hlen(`${keyPrefix}cache#sizes`)).toBe(3);
    // `sizeBytes` is what an entry is charged: the router passes the JSON byte length it measured.
    await a.cacheSet('cache:5', { n: 5 }, 10_000, Date.now(), 70);
    expect(await bytesOf()).toBeLessThanOrEqual(100);
    expect(await a.cacheGet('cache:5', Date.now())).toEqual({ n: 5 });
    // Re-storing a key replaces its charge; an expired entry is purged from the books by the next write.
    await a.cacheSet('cache:5', { n: 5 }, 30, Date.now(), 10);
    await new Promise((r) => setTimeout(r, 60));
    await a.cacheSet('cache:6', { n: 6 }, 10_000, Date.now(), 5);
    expect(await raw.hget(`${keyPrefix}cache#sizes`, `${keyPrefix}cache:5`)).toBeNull();
    let total = 0;
    for (const v of Object.values(await raw.hgetall(`${keyPrefix}cache#sizes`))) total += Number(v);
    expect(await bytesOf()).toBe(total);
    expect(total).toBeLessThanOrEqual(100);
    // An entry larger than the whole budget is not stored.
    await a.cacheSet('cache:huge', { pad: 'y'.repeat(200) }, 10_000, Date.now());
    expect(await b.cacheGet('cache:huge', Date.now())).toBeUndefined();
  });

  it('read-mostly state (breaker records, routing adjustments) is read through a short-lived local cache; own writes are seen at once', async () => {
    const keyPrefix = uniqueRedisPrefix('readcache');
    const a = make({ keyPrefix, localCacheMs: 1500 });
    const b = make({ keyPrefix, localCacheMs: 1500 });
    expect(await a.get('route:weight:d')).toBeUndefined(); // read from Redis: absent (remembered)
    await b.set('route:weight:d', { multiplier: 0.5 });
    expect(await b.get('route:weight:d')).toEqual({ multiplier: 0.5 }); // b's own write
    expect(await a.get('route:weight:d')).toBeUndefined(); // a's copy is at most localCacheMs old (documented staleness)
    await waitUntil(async () => (await a.get<{ multiplier: number }>('route:weight:d'))?.multiplier === 0.5, 'a sees b\'s write after its cache expires');
    // Keys outside the read-mostly namespaces are never cached.
    await a.get('resp:x');
    await b.set('resp:x', 1);
    expect(await a.get('resp:x')).toBe(1);
  });
});

describeRedis(
  'RedisStore when Redis goes away',
  () => {
    let server: RedisServer;
    const stores: RedisStore[] = [];
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await server?.stop();
    });

    it('fails budgets closed, shares rate limits locally, keeps breakers locally; logs once each way; recovers', async () => {
      const lines: string[] = [];
      const logger = { info: (l: string) => lines.push(`info ${l}`), warn: (l: string) => lines.push(`warn ${l}`) };
      const keyPrefix = uniqueRedisPrefix('down');
      const a = new RedisStore({ url: server.url, keyPrefix, logger, heartbeatMs: 100 });
      const b = new RedisStore({ url: server.url, keyPrefix, logger: quiet, heartbeatMs: 100 });
      stores.push(a, b);
      expect((await a.reserve('budget:k', 1, 10, 60_000)).ok).toBe(true);
      await waitUntil(() => a.instances === 2, 'both instances seen by the heartbeat');

      await server.stop();
      await expect(a.reserve('budget:k', 1, 10, 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(a.reserveAll([{ key: 'budget:k', limit: 10 }], 1)).rejects.toMatchObject({ code: 'store_unavailable', status: 503 });
      expect(a.degraded()).toBe(true);
      expect((await a.health()).status).toBe('degraded');
      // Rate limit: 10 rpm shared by the 2 instances seen → 5 locally.
      const admitted = [];
      for (let i = 0; i < 8; i++) admitted.push((await a.windowAdd('rl:key:k:rpm', 1, 60_000, Date.now(), 10)).ok);
      expect(admitted.filter(Boolean)).toHaveLength(5);
      // Breakers keep local state.
      await a.update('breaker:d', () => ({ state: 'open' }));
      expect(await a.get('breaker:d')).toEqual({ state: 'open' });
      // A settlement while down is replayed when Redis is back (here: onto a fresh, empty Redis).
      await a.increment('budget:k', -0.5, 60_000);
      expect(await a.cacheGet('cache:x', Date.now())).toBeUndefined();
      expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
      expect(lines[0]).toMatch(/went away.*budgets fail-closed, rate limits local-share/);

      await server.restart();
      await waitUntil(() => !a.degraded() && !b.degraded(), 'both stores back');
      expect((await a.reserve('budget:k', 1, 10, 60_000)).ok).toBe(true);
      expect(await b.increment('budget:k', 0)).toBe(0.5); // -0.5 replayed, +1 new
      expect((await a.health()).status).toBe('ok');
      expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('info'))).toHaveLength(1);
      expect(lines[1]).toMatch(/is back after/);
      expect(lines.join('\n')).not.toMatch(/password/);
    });

    it('the combined admission (admit script): budgets fail closed, the key window falls back to its local share, the breaker gate reads local state; settlements replay', async () => {
      const keyPrefix = uniqueRedisPrefix('admitdown');
      const s = new RedisStore({ url: server.url, keyPrefix, logger: quiet, heartbeatMs: 100, commandTimeoutMs: 1000 });
      const other = new RedisStore({ url: server.url, keyPrefix, logger: quiet, heartbeatMs: 100, commandTimeoutMs: 1000 });
      stores.push(s, other);
      await expect.poll(() => s.instances, { timeout: 10_000 }).toBe(2);
      await server.stop();
      const now = Date.now();
      const key = { key: 'rl:key:k:rpm', amount: 1, windowMs: 60_000, limit: 10 };
      await expect(s.admit({ now, callWindows: [key], budgets: { slots: [{ key: 'budget:k', limit: 10 }], amount: 1 } })).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(s.degraded()).toBe(true);
      // Rate limit 10 shared by the 2 instances seen: 5 here (one was taken by the refused call above, as before the combined script).
      const admitted = [];
      for (let i = 0; i < 8; i++) admitted.push((await s.admit({ now, callWindows: [key] })).ok);
      expect(admitted.filter(Boolean)).toHaveLength(4);
      await s.update('breaker:d', () => ({ state: 'open', until: now + 60_000 }));
      expect(await s.admit({ now, gate: 'breaker:d' })).toMatchObject({ ok: false, stage: 'gate' });
      // Settlements while down are kept and replayed when Redis is back.
      await s.settle({ now, increments: [{ key: 'budget:k', amount: 2.5, ttlMs: 60_000 }] });
      await (s as unknown as { flushSettle(): Promise<void> }).flushSettle();
      await server.restart();
      await expect.poll(() => s.degraded(), { timeout: 10_000 }).toBe(false);
      await expect.poll(async () => s.increment('budget:k', 0), { timeout: 5_000 }).toBe(2.5);
      expect((await s.admit({ now, budgets: { slots: [{ key: 'budget:k', limit: 10 }], amount: 1 } })).ok).toBe(true);
    });

    it('a store created while Redis is down starts degraded and recovers when Redis starts', async () => {
      await server.stop();
      const lines: string[] = [];
      const s = new RedisStore({ url: server.url, keyPrefix: uniqueRedisPrefix('late'), logger: { info: (l) => lines.push(l), warn: (l) => lines.push(l) } });
      stores.push(s);
      await expect(s.reserve('budget:k', 1, 10)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(lines[0]).toMatch(/unavailable at start/);
      await server.restart();
      await waitUntil(() => !s.degraded(), 'store back');
      expect((await s.reserve('budget:k', 1, 10)).ok).toBe(true);
    });
  },
  'spawn',
);
