/**
 * The semantic cache shared through Redis: two routers (two instances) on one Redis, each with
 * its own in-process index that follows the namespace's stream. An answer cached through A is a
 * hit on B, evictions by size agree, scope keys stay apart, and a Redis outage is a miss.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Router, getCallInfo } from '../../../src/index.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import type { RouterOptions } from '../../../src/router/config.js';
import { describeRedis, redisUrlForTests, startRedis, stopTestRedis, uniqueRedisPrefix } from '../../helpers/redis.js';

const KEY = 'sk-test-provider-0001';
const Q = 'How do I reset my password?';
const PARAPHRASE = 'how can I reset my password';

let mock: MockServer;
const routers: Router[] = [];
const settle = () => new Promise((r) => setTimeout(r, 30));

function instance(url: string, keyPrefix: string, semantic: Record<string, unknown> = {}): Router {
  const baseURL = mock.baseURL('openai');
  const r = new Router({
    models: [
      { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL },
      { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: KEY, baseURL },
    ],
    retry: { maxAttempts: 1 },
    store: { redis: { url, keyPrefix, commandTimeoutMs: 1000, connectTimeoutMs: 3000 } },
    cache: { semantic: { embeddingModel: 'embed', scope: 'key', threshold: 0.75, ...semantic } },
  } as RouterOptions);
  routers.push(r);
  return r;
}

const ask = (content: string) => ({ model: 'chat', messages: [{ role: 'user' as const, content }] });
const chats = () => mock.count({ operation: 'chat' });

describeRedis('semantic cache on Redis', () => {
  let url: string;
  beforeAll(async () => {
    mock = await startMockServer({ scenario: { defaults: { reply: { echo: true } } } });
    url = await redisUrlForTests();
  });
  afterAll(async () => {
    for (const r of routers) await r.close();
    await mock.close();
    await stopTestRedis();
  });
  beforeEach(() => mock.reset());

  it('an answer cached through instance A is a hit on instance B (and not for another key)', async () => {
    const prefix = uniqueRedisPrefix('sem');
    const a = instance(url, prefix);
    const b = instance(url, prefix);
    const first = await a.chat.completions.create(ask(Q), { identity: { key: 'alice' } });
    expect(getCallInfo(first)!.cacheHit).toBe(false);
    await settle();
    const onB = await b.chat.completions.create(ask(PARAPHRASE), { identity: { key: 'alice' } });
    expect(onB.choices[0]!.message.content).toBe(Q);
    expect(getCallInfo(onB)).toMatchObject({ cacheHit: true, cacheKind: 'semantic' });
    const bob = await b.chat.completions.create(ask(PARAPHRASE), { identity: { key: 'bob' } });
    expect(getCallInfo(bob)!.cacheHit).toBe(false);
    await settle();
    // And back: B's answer for bob is a hit on A for bob only.
    expect((await a.chat.completions.create(ask(Q), { identity: { key: 'bob' } })).choices[0]!.message.content).toBe(PARAPHRASE);
    expect(chats()).toBe(2);
  });

  it('size bounds agree: entries evicted on A are gone on B too', async () => {
    const prefix = uniqueRedisPrefix('sem');
    const a = instance(url, prefix, { maxEntries: 2, threshold: 0.95 });
    const b = instance(url, prefix, { maxEntries: 2, threshold: 0.95 });
    const id = { identity: { key: 'k' } };
    for (const q of ['alpha bravo charlie', 'delta echo foxtrot', 'golf hotel india']) {
      await a.chat.completions.create(ask(q), id);
      await settle();
    }
    // (A miss stores its own answer, so the miss is asked last.)
    expect(getCallInfo(await a.chat.completions.create(ask('delta echo foxtrot'), id))!.cacheHit).toBe(true);
    expect(getCallInfo(await b.chat.completions.create(ask('golf hotel india'), id))!.cacheHit).toBe(true);
    expect(getCallInfo(await b.chat.completions.create(ask('alpha bravo charlie'), id))!.cacheHit).toBe(false);
  });

  it('entries expire after ttlMs on every instance, and the namespace\'s stream expires in Redis', async () => {
    const prefix = uniqueRedisPrefix('sem');
    const a = instance(url, prefix, { ttlMs: 1500 });
    const b = instance(url, prefix, { ttlMs: 1500 });
    const id = { identity: { key: 'k' } };
    await a.chat.completions.create(ask(Q), id);
    await settle();
    expect(getCallInfo(await b.chat.completions.create(ask(PARAPHRASE), id))!.cacheHit).toBe(true);
    const redis = new Redis(url);
    try {
      expect((await redis.keys(`${prefix}cache:sem:*`)).length).toBe(1);
      await new Promise((r) => setTimeout(r, 1800));
      expect(await redis.keys(`${prefix}cache:sem:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
    expect(getCallInfo(await b.chat.completions.create(ask(PARAPHRASE), id))!.cacheHit).toBe(false);
  });
});

describeRedis(
  'semantic cache on Redis: outage',
  () => {
    it('while Redis is down a lookup is a miss and the call is still answered', async () => {
      mock = await startMockServer({ scenario: { defaults: { reply: { echo: true } } } });
      const server = await startRedis();
      try {
        const a = instance(server.url, uniqueRedisPrefix('sem'));
        const id = { identity: { key: 'k' } };
        await a.chat.completions.create(ask(Q), id);
        await settle();
        expect(getCallInfo(await a.chat.completions.create(ask(PARAPHRASE), id))!.cacheHit).toBe(true);
        await server.stop();
        const down = await a.chat.completions.create(ask(PARAPHRASE), id);
        expect(down.choices[0]!.message.content).toBe(PARAPHRASE);
        expect(getCallInfo(down)).toMatchObject({ cacheHit: false, storeDegraded: true });
      } finally {
        await server.stop();
        for (const r of routers.splice(0)) await r.close();
        await mock.close();
      }
    });
  },
  'spawn',
);
