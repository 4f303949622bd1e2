/**
 * Override variants through the Router against the mock provider over HTTP: the traffic split,
 * what each variant's request carries (its fields layered over the entry's), the choice (by the
 * request's `user`, else the router's `random`), runtime variant weights (0 = rolled back; all at
 * 0 = the entry's own overrides only), a fallback to a provider without variants, streams, and
 * config errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, getCallInfo, Router } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer;
const routers: Router[] = [];
beforeAll(async () => {
  mock = await startMockServer();
});
beforeEach(() => mock.reset());
afterAll(async () => {
  for (const r of routers) await r.close();
  await mock.close();
});

const FAST = { retry: { initialBackoffMs: 1, maxBackoffMs: 2, perClass: { upstream_unavailable: 0 } }, timeouts: { connectMs: 1000, firstTokenMs: 3000, idleMs: 2000, totalMs: 5000 } };

function router(models: Record<string, unknown>[], extra: Record<string, unknown> = {}): Router {
  const r = new Router({ models, ...FAST, ...extra } as never);
  routers.push(r);
  return r;
}

/** An OpenAI deployment `chat` with entry overrides and two variants: `base` (nothing of its own) and `strict` (weight 3). */
function withVariants(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'chat-openai',
    name: 'chat',
    provider: 'openai',
    model: 'gpt-4o-mini',
    apiKey: 'sk-test',
    baseURL: mock.baseURL('openai'),
    defaults: { temperature: 0.5, max_tokens: 100 },
    system: { prepend: 'ENTRY-RULE' },
    variants: [
      { name: 'base', weight: 1 },
      { name: 'strict', weight: 3, defaults: { temperature: 0 }, system: { append: 'STRICT-RULE for {model}' }, drop: ['seed'], extraHeaders: { 'x-variant': 'strict' } },
    ],
    ...extra,
  };
}

const body = (i = 0) => mock.calls[i]!.body as Record<string, any>;
const ask = (user?: string) => ({ model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }], seed: 1, ...(user !== undefined ? { user } : {}) });

describe('variants', () => {
  it('each variant sends the entry\'s overrides with its own layered over them, named on the attempt', async () => {
    const low = router([withVariants()], { random: () => 0.01 });
    const a = await low.chat.completions.create(ask());
    expect(getCallInfo(a)!.variant).toBe('base');
    expect(getCallInfo(a)!.attempts[0]!).toMatchObject({ variant: 'base', overrides: ['defaults.temperature', 'defaults.max_tokens', 'system.prepend'] });
    expect(body(0)).toMatchObject({ temperature: 0.5, max_tokens: 100, seed: 1 });
    expect(body(0).messages[0]).toEqual({ role: 'system', content: 'ENTRY-RULE' });
    expect(mock.calls[0]!.headers['x-variant']).toBeUndefined();

    const high = router([withVariants()], { random: () => 0.99 });
    const b = await high.chat.completions.create(ask());
    expect(getCallInfo(b)!.variant).toBe('strict');
    expect(getCallInfo(b)!.attempts[0]!.overrides).toEqual(['defaults.temperature', 'defaults.max_tokens', 'system.append', 'drop.seed', 'extraHeaders.x-variant']);
    // The variant's `system` replaces the entry's: append only, no ENTRY-RULE prepend.
    expect(body(1).messages[0]).toEqual({ role: 'system', content: 'STRICT-RULE for gpt-4o-mini' });
    expect(body(1)).toMatchObject({ temperature: 0, max_tokens: 100 });
    expect(body(1).seed).toBeUndefined();
    expect(mock.calls[1]!.headers['x-variant']).toBe('strict');
  });

  it('by the request\'s user: the same user always gets the same variant; the split follows the weights', async () => {
    const r = router([withVariants()], { random: () => 0.5 });
    const seen = new Map<string, string>();
    const counts: Record<string, number> = { base: 0, strict: 0 };
    for (let i = 0; i < 200; i++) {
      const user = `user-${i % 100}`;
      const v = getCallInfo(await r.chat.completions.create(ask(user)))!.variant!;
      if (seen.has(user)) expect(v).toBe(seen.get(user));
      seen.set(user, v);
      counts[v]!++;
    }
    // 100 users twice each: FNV-1a of "chat-openai\0user-<n>" puts 26 users on base (weight 1 of 4).
    expect(counts).toEqual({ base: 52, strict: 148 });
    expect(mock.calls.filter((c) => c.headers['x-variant'] === 'strict')).toHaveLength(148);
  });

  it('runtime variant weights: 0 rolls a variant back; every variant at 0 leaves the entry\'s own overrides', async () => {
    const r = router([withVariants()], { random: () => 0.99 });
    await r.routing.setVariantWeight('chat-openai', 'strict', 0, { reason: 'test' });
    expect((await r.routing.list()).variants).toEqual({ 'chat-openai': { strict: { multiplier: 0, reason: 'test', setAt: expect.any(Number) } } });
    for (let i = 0; i < 3; i++) expect(getCallInfo(await r.chat.completions.create(ask()))!.variant).toBe('base');
    await r.routing.setVariantWeight('chat-openai', 'base', 0);
    const none = await r.chat.completions.create(ask());
    expect(getCallInfo(none)!.variant).toBeUndefined();
    expect(getCallInfo(none)!.attempts[0]!.overrides).toEqual(['defaults.temperature', 'defaults.max_tokens', 'system.prepend']);
    await r.routing.setVariantWeight('chat-openai', 'strict', null);
    await r.routing.setVariantWeight('chat-openai', 'base', 1);
    expect((await r.routing.list()).variants).toEqual({});
    expect(getCallInfo(await r.chat.completions.create(ask()))!.variant).toBe('strict');
    await expect(r.routing.setVariantWeight('chat-openai', 'nope', 0)).rejects.toThrow(/has no variant "nope" \(it has "base", "strict"\)/);
    await expect(r.routing.setVariantWeight('missing', 'base', 0)).rejects.toBeInstanceOf(ConfigError);
  });

  it('a fallback to an Anthropic deployment without variants: its own overrides, no variant on the answer', async () => {
    mock.enqueue({ dialect: 'openai' }, { kind: 'server_error', status: 503 });
    const r = router(
      [withVariants(), { id: 'claude', name: 'claude', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: 'sk-ant', baseURL: mock.baseURL('anthropic'), system: { append: 'CLAUDE-RULE' } }],
      { random: () => 0.99, fallbacks: { chat: ['claude'] } },
    );
    const res = await r.chat.completions.create(ask());
    const info = getCallInfo(res)!;
    expect(info.attempts.map((a) => [a.deployment.id, a.variant, a.overrides])).toEqual([
      ['chat-openai', 'strict', ['defaults.temperature', 'defaults.max_tokens', 'system.append', 'drop.seed', 'extraHeaders.x-variant']],
      ['claude', undefined, ['system.append']],
    ]);
    expect(info.variant).toBeUndefined();
    expect(mock.calls[1]!.headers['x-variant']).toBeUndefined();
    const system = body(1).system;
    expect(typeof system === 'string' ? system : system.map((b: { text: string }) => b.text).join('')).toBe('CLAUDE-RULE');
  });

  it('streams run a variant too', async () => {
    const r = router([withVariants()], { random: () => 0.99 });
    const stream = await r.chat.completions.create({ ...ask(), stream: true });
    for await (const _ of stream) void _;
    expect(getCallInfo(stream)!.variant).toBe('strict');
    expect(mock.calls[0]!.headers['x-variant']).toBe('strict');
  });

  it('config errors name the variant', () => {
    const bad = (variants: unknown) => () => router([withVariants({ variants })]);
    expect(bad([{ name: 'a', weight: 1 }, { name: 'a', weight: 1 }])).toThrow(/variants: variant names must be unique/);
    expect(bad([{ name: 'a', weight: 0 }])).toThrow(/at least one variant needs a weight above 0/);
    expect(bad([{ name: 'has space', weight: 1 }])).toThrow(/models\[0\]\.variants\[0\]\.name: letters, digits/);
    expect(bad([{ name: 'a', weight: 1, override: { model: 'x' } }])).toThrow(/may not set "model"/);
    expect(bad([{ name: 'a', weight: 1, temprature: 0 }])).toThrow(/variants\[0\]\.temprature: unknown key/);
    expect(() =>
      router([{ name: 'b', provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 's', variants: [{ name: 'x', weight: 1, extraBody: { a: 1 } }] }]),
    ).toThrow(/extraBody/);
  });
});
