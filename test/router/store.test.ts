import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/router/store/memory.js';

describe('MemoryStore', () => {
  it('reserve admits while strictly under the limit, atomically', async () => {
    const s = new MemoryStore();
    const results = await Promise.all(Array.from({ length: 10 }, () => s.reserve('k', 3, 10)));
    expect(results.filter((r) => r.ok)).toHaveLength(4); // 0,3,6,9 are < 10
    expect(await s.increment('k', 0)).toBe(12);
  });

  it('sliding window: refuses past the limit and says when it frees up', async () => {
    const s = new MemoryStore();
    expect((await s.windowAdd('w', 1, 1000, 0, 2)).ok).toBe(true);
    expect((await s.windowAdd('w', 1, 1000, 400, 2)).ok).toBe(true);
    const refused = await s.windowAdd('w', 1, 1000, 500, 2);
    expect(refused).toEqual({ ok: false, used: 2, retryAfterMs: 500 });
    expect((await s.windowAdd('w', 1, 1000, 1000, 2)).ok).toBe(true); // the first entry left the window
    expect(await s.windowUsage('w', 1000, 1000)).toBe(2);
    expect(await s.windowUsage('w', 1000, 5000)).toBe(0);
  });

  it('TTL and LRU bound of the cache', async () => {
    const s = new MemoryStore({ cacheMaxEntries: 2 });
    await s.cacheSet('a', 1, 100, 0);
    await s.cacheSet('b', 2, 100, 0);
    expect(await s.cacheGet('a', 10)).toBe(1); // a is now the most recent
    await s.cacheSet('c', 3, 100, 10);
    expect(await s.cacheGet('b', 10)).toBeUndefined();
    expect(await s.cacheGet('a', 10)).toBe(1);
    expect(await s.cacheGet('a', 100)).toBeUndefined(); // expired
  });

  it('the cache is bounded by bytes too: total and per entry', async () => {
    const s = new MemoryStore({ cacheMaxBytes: 100, cacheMaxEntryBytes: 60 });
    const text = (n: number) => 'x'.repeat(n - 2); // JSON adds the two quotes
    await s.cacheSet('a', text(40), 1000, 0);
    await s.cacheSet('b', text(40), 1000, 0);
    expect(s.cacheBytes).toBe(80);
    await s.cacheSet('c', text(40), 1000, 0); // 120 > 100: the least recently used (a) goes
    expect(await s.cacheGet('a', 1)).toBeUndefined();
    expect(await s.cacheGet('b', 1)).toBe(text(40));
    expect(s.cacheBytes).toBe(80);
    await s.cacheSet('big', text(61), 1000, 0); // above the per-entry limit: not stored, nothing evicted
    expect(await s.cacheGet('big', 1)).toBeUndefined();
    expect(s.cacheSize).toBe(2);
    await s.cacheSet('b', text(10), 1000, 0); // replacing an entry gives its bytes back
    expect(s.cacheBytes).toBe(50);
    expect(await s.cacheGet('c', 1000)).toBeUndefined(); // TTL still applies
    expect(s.cacheBytes).toBe(10);
    await s.cacheSet('sized', 'tiny', 1000, 0, 55); // the caller's size is what counts
    expect(s.cacheBytes).toBe(65);
  });

  it('update is an atomic read-modify-write; ttl expires values', async () => {
    const t = { now: 0 };
    const s = new MemoryStore({ clock: { now: () => t.now } });
    await Promise.all(Array.from({ length: 50 }, () => s.update<number>('n', (v) => (v ?? 0) + 1)));
    expect(await s.get('n')).toBe(50);
    await s.set('x', 'v', 100);
    expect(await s.keys('x')).toEqual(['x']);
    t.now = 100;
    expect(await s.get('x')).toBeUndefined();
  });
});
