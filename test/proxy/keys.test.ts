/** Virtual keys: hashing, the constant-time comparison path, 401/403, per-key budgets and rate limits. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const compared = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.count++;
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

import { digestKey, hashKey, KeyRing, presentedKey } from '../../src/proxy/keys.js';
import { KEY_ALL, KEY_FAST, startStack, type Stack } from './helpers.js';

describe('KeyRing', () => {
  const specs = ['sk-first-key-000', 'sk-second-key-00', 'sk-third-key-000'].map((k, i) => ({ id: `k${i}`, digest: digestKey(k) }));
  const ring = new KeyRing(specs);

  it('finds the key by its digest and compares against every entry, whichever matches', () => {
    for (const [i, plain] of ['sk-first-key-000', 'sk-second-key-00', 'sk-third-key-000'].entries()) {
      compared.count = 0;
      expect(ring.authenticate(plain)?.id).toBe(`k${i}`);
      expect(compared.count).toBe(3);
    }
    compared.count = 0;
    expect(ring.authenticate('sk-unknown-key-0')).toBeUndefined();
    expect(compared.count).toBe(3);
    expect(ring.authenticate(undefined)).toBeUndefined();
  });

  it('hashKey is the sha256: form a config can hold instead of the key', () => {
    expect(hashKey('sk-first-key-000')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new KeyRing([{ id: 'h', digest: Buffer.from(hashKey('abcdefgh').slice(7), 'hex') }]).authenticate('abcdefgh')?.id).toBe('h');
  });

  it('reads Bearer tokens and the api-key header', () => {
    expect(presentedKey({ authorization: 'Bearer sk-abc' })).toBe('sk-abc');
    expect(presentedKey({ authorization: 'bearer  sk-abc ' })).toBe('sk-abc');
    expect(presentedKey({ authorization: 'Basic xyz' })).toBeUndefined();
    expect(presentedKey({ 'api-key': 'sk-azure-style' })).toBe('sk-azure-style');
    expect(presentedKey({})).toBeUndefined();
  });
});

describe('keys through the proxy', () => {
  let s: Stack;
  const hi = [{ role: 'user' as const, content: 'hi' }];

  beforeAll(async () => {
    s = await startStack({
      masterKey: { keyHash: hashKey('sk-master-key-0001') },
      keys: [
        { id: 'all', key: KEY_ALL, metadata: { user: 'u1', team: 'support' } },
        { id: 'fast', key: KEY_FAST, models: ['chat'] },
        { id: 'hashed', keyHash: hashKey('sk-hashed-key-0003') },
        { id: 'tiny-budget', key: 'sk-tiny-budget-004', budgets: [{ limitUsd: 0.000001, window: 'day' }] },
        { id: 'one-rpm', key: 'sk-one-rpm-key-005', rpm: 1 },
      ],
    });
  });
  afterAll(() => s.close());

  it('a hashed key and the master key work; the api-key header works', async () => {
    expect((await s.client('sk-hashed-key-0003').chat.completions.create({ model: 'chat', messages: hi })).object).toBe('chat.completion');
    expect((await s.client('sk-master-key-0001').models.list()).data).toHaveLength(3);
    const r = await fetch(`${s.proxy.url}/v1/models`, { headers: { 'api-key': KEY_FAST } });
    expect(r.status).toBe(200);
  });

  it('401 without a key, with an unknown key, with a malformed Authorization header', async () => {
    for (const headers of [{}, { authorization: 'Bearer sk-nope-nope-nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const r = await fetch(`${s.proxy.url}/v1/chat/completions`, { method: 'POST', headers, body: '{}' });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    }
  });

  it('403 for an alias outside the key, on chat and embeddings', async () => {
    const fast = s.client(KEY_FAST);
    await expect(fast.chat.completions.create({ model: 'chat-accurate', messages: hi })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(fast.embeddings.create({ model: 'embed', input: 'x' })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(s.mock.count({ model: 'gpt-4o' })).toBe(0);
  });

  it('the key identity reaches the router: the key budget rejects with 429 budget_exceeded', async () => {
    const c = s.client('sk-tiny-budget-004');
    await c.chat.completions.create({ model: 'chat', messages: hi }); // admitted (spent 0 < limit), spends more than the limit
    const err = await c.chat.completions.create({ model: 'chat', messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('budget_exceeded');
    const rule = s.proxy.router.policies.budgets.find((b) => b.match === 'tiny-budget')!;
    expect(rule).toMatchObject({ scope: 'key', limitUsd: 0.000001, window: 'day' });
    // Other keys are not affected.
    expect((await s.client().chat.completions.create({ model: 'chat', messages: hi })).object).toBe('chat.completion');
  });

  it('the key RPM limit: 429 with retry-after, before any upstream call', async () => {
    const c = s.client('sk-one-rpm-key-005');
    await c.chat.completions.create({ model: 'chat', messages: hi });
    const before = s.mock.calls.length;
    const err = await c.chat.completions.create({ model: 'chat', messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('rate_limit_exceeded');
    const retryAfter = Number(err.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(s.mock.calls.length).toBe(before);
  });
});
