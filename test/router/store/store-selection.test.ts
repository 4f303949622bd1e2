/**
 * How the store is chosen: a StateStore instance, the router option / native proxy config
 * `store: { redis }`, TRACEGATE_REDIS_URL, LiteLLM's router_settings.redis_*; the in-memory store
 * otherwise. The Redis client is loaded only when Redis is configured.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProxyConfig, ProxyConfigError } from '../../../src/proxy/index.js';
import { Router } from '../../../src/router/router.js';
import { createStore } from '../../../src/router/store/config.js';
import { MemoryStore } from '../../../src/router/store/memory.js';
import { RedisStore } from '../../../src/router/store/redis.js';
import { systemClock } from '../../../src/router/clock.js';
import { ensureBuilt, ROOT } from '../../helpers/build.js';
import { describeRedis, redisUrlForTests, stopTestRedis } from '../../helpers/redis.js';

const ctx = { clock: systemClock, cacheMaxEntries: 10 };
const model = { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-000000001', baseURL: 'http://127.0.0.1:9/v1' };

describe('store selection', () => {
  const opened: { close?(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close?.();
  });

  it('memory by default; a given instance as is; { redis } and TRACEGATE_REDIS_URL make a RedisStore', async () => {
    expect(createStore(undefined, { ...ctx, env: {} }).store).toBeInstanceOf(MemoryStore);
    const mine = new MemoryStore();
    expect(createStore(mine, ctx)).toEqual({ store: mine, owned: false });
    const fromOption = createStore({ redis: { url: 'redis://127.0.0.1:9', keyPrefix: 'x:' } }, { ...ctx, env: {} });
    opened.push(fromOption.store);
    expect(fromOption.owned).toBe(true);
    expect(fromOption.store).toBeInstanceOf(RedisStore);
    expect((fromOption.store as RedisStore).prefix).toBe('x:');
    const fromEnv = createStore(undefined, { ...ctx, env: { TRACEGATE_REDIS_URL: 'redis://:pw-secret@127.0.0.1:9' } });
    opened.push(fromEnv.store);
    expect(fromEnv.store).toBeInstanceOf(RedisStore);
    expect((fromEnv.store as RedisStore).description).not.toContain('pw-secret');
  });

  it('a bad store option is a clear config error', () => {
    expect(() => new Router({ models: [model], store: { redis: { url: 'http://nope' } } } as never)).toThrow(/store/);
    const text = ['models:', '  - { name: chat, provider: openai, model: gpt-4o-mini, apiKey: sk-test-000000001 }', 'store:', '  redis: { url: "localhost:6379" }'].join('\n');
    let err: unknown;
    try {
      parseProxyConfig(text, 'bad.yaml', { env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProxyConfigError);
    expect(String((err as Error).message)).toMatch(/store\.redis\.url.*redis:\/\/127\.0\.0\.1:6379/s);
  });

  it('native proxy config: store.redis reaches the router options', () => {
    const text = ['models:', '  - { name: chat, provider: openai, model: gpt-4o-mini, apiKey: sk-test-000000001 }', 'store:', '  redis: { url: "${R}", keyPrefix: "gw1:" }'].join('\n');
    const config = parseProxyConfig(text, 'ok.yaml', { env: { R: 'redis://127.0.0.1:6390' } });
    expect(config.router.store).toEqual({ redis: { url: 'redis://127.0.0.1:6390', keyPrefix: 'gw1:' } });
  });

  it('LiteLLM router_settings: redis_url, or redis_host / redis_port / redis_password (encoded)', () => {
    const base = ['model_list:', '  - model_name: chat', '    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-test-000000001 }', 'router_settings:'];
    const byUrl = parseProxyConfig([...base, '  redis_url: os.environ/REDIS_URL'].join('\n'), 'config.yaml', { env: { REDIS_URL: 'redis://10.0.0.5:6380' } });
    expect(byUrl.router.store).toEqual({ redis: { url: 'redis://10.0.0.5:6380' } });
    const byParts = parseProxyConfig([...base, '  redis_host: redis.internal', '  redis_port: 6381', '  redis_password: os.environ/REDIS_PASSWORD'].join('\n'), 'config.yaml', {
      env: { REDIS_PASSWORD: 'p@ss/word' },
    });
    expect(byParts.router.store).toEqual({ redis: { url: 'redis://:p%40ss%2Fword@redis.internal:6381' } });
    expect(byParts.warnings.join('\n')).not.toMatch(/redis/);
    const hostOnly = parseProxyConfig([...base, '  redis_host: localhost'].join('\n'), 'config.yaml', { env: {} });
    expect(hostOnly.router.store).toEqual({ redis: { url: 'redis://localhost:6379' } });
  });
});

describeRedis('the Redis client is loaded lazily', () => {
  afterAll(() => stopTestRedis());

  it("require('tracegate') does not load ioredis; a router with store.redis does, and works", async () => {
    ensureBuilt();
    const url = await redisUrlForTests();
    const script = `
      const t = require(${JSON.stringify(join(ROOT, 'dist/cjs/src/index.js'))});
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/ioredis/'));
      const before = loaded();
      const router = new t.Router({ models: [${JSON.stringify(model)}], store: { redis: { url: ${JSON.stringify(url)}, keyPrefix: 'tglazy:', connectTimeoutMs: 5000, commandTimeoutMs: 5000 } } });
      router.store.reserve('budget:x', 1, 10, 60000).then(async (r) => {
        console.log(JSON.stringify({ before, after: loaded(), ok: r.ok, health: await router.store.health() }));
        await router.close();
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 }));
    expect(out).toMatchObject({ before: false, after: true, ok: true, health: { kind: 'redis', status: 'ok' } });
  }, 240_000);
});
