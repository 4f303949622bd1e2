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
  const make = (o: Partial<RedisStoreOptions> & { keyPrefix: string }) => {
    const s = new RedisStore({ url, logger: quiet, ...o });
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
    expect(await a.get('breaker:n')).toBe(40);
    expect(await b.keys('breaker:')).toEqual(['breaker:n']);
    await b.delete('breaker:n');
    expect(await a.get('breaker:n')).toBeUndefined();
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
    const a = new RedisStore({ url, keyPrefix, logger: quiet, cacheMaxEntries: 3, cacheMaxEntryBytes: 200 });
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
