import dc from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, GuardrailError, getCallInfo, type DecisionEvent } from '../../src/index.js';
import type { PostCallHook, PreCallHook } from '../../src/router/hooks.js';
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

function collectDecisions(): { list: DecisionEvent[]; stop(): void } {
  const list: DecisionEvent[] = [];
  const fn = (m: unknown) => list.push(m as DecisionEvent);
  dc.subscribe(CHANNEL_NAMES.decision, fn);
  return { list, stop: () => dc.unsubscribe(CHANNEL_NAMES.decision, fn) };
}

describe('exact-match cache', () => {
  it('plain: a second identical call is a cache hit with no upstream call; errors are never cached', async () => {
    up.script('c0', { kind: 'status', status: 503 }, { kind: 'status', status: 503 }, { kind: 'ok', text: 'cached answer' });
    const r = makeRouter({ models: entries(up, 'a', ['c0']), ...FAST, retry: { ...FAST.retry, perClass: { upstream_unavailable: 0 } }, cache: { enabled: true } });
    await expect(r.chat.completions.create(hi)).rejects.toMatchObject({ errorClass: 'upstream_unavailable' });
    await expect(r.chat.completions.create(hi)).rejects.toMatchObject({ errorClass: 'upstream_unavailable' });
    const first = await r.chat.completions.create(hi);
    expect(getCallInfo(first)!.cacheHit).toBe(false);
    await new Promise((res) => setImmediate(res));
    const second = await r.chat.completions.create(hi);
    const info = getCallInfo(second)!;
    expect(info).toMatchObject({ cacheHit: true, outcome: 'cache_hit', attempts: [], totalCostUsd: 0 });
    expect(info.deployment?.id).toBe('c0');
    expect(second.choices[0]!.message.content).toBe('cached answer');
    expect(up.calls('c0')).toBe(3);
    // Per request opt-out.
    await r.chat.completions.create(hi, { cache: false });
    expect(up.calls('c0')).toBe(4);
    await r.close();
  });

  it('stream: replayed as a stream with the same call info shape', async () => {
    const r = makeRouter({ models: entries(up, 'a', ['c1']), ...FAST });
    up.script('c1', { kind: 'stream', parts: ['one ', 'two'] });
    const s1 = await r.chat.completions.create({ ...hi, stream: true }, { cache: true });
    let text1 = '';
    for await (const c of s1) text1 += c.choices[0]?.delta.content ?? '';
    expect(text1).toBe('one two');
    const s2 = await r.chat.completions.create({ ...hi, stream: true, stream_options: { include_usage: true } }, { cache: true });
    let text2 = '';
    let usage = false;
    for await (const c of s2) {
      text2 += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = true;
    }
    expect(text2).toBe('one two');
    expect(usage).toBe(true);
    expect(getCallInfo(s2)).toMatchObject({ cacheHit: true, outcome: 'cache_hit' });
    // A plain call is answered from the streamed entry too.
    const plain = await r.chat.completions.create(hi, { cache: true });
    expect(plain.choices[0]!.message.content).toBe('one two');
    expect(up.calls('c1')).toBe(1);
    await r.close();
  });

  it('bounded by bytes: an answer above maxEntryBytes is not stored; the total evicts the least recently used', async () => {
    const big = 'b'.repeat(3000);
    const r = makeRouter({ models: entries(up, 'a', ['c2']), ...FAST, cache: { enabled: true, maxBytes: 5000, maxEntryBytes: 2500 } });
    up.script('c2', { kind: 'ok', text: big }, { kind: 'ok', text: big }, { kind: 'ok', text: 's'.repeat(200) }, { kind: 'ok', text: 't'.repeat(200) }, { kind: 'ok', text: 'u'.repeat(200) });
    const d = collectDecisions();
    await r.chat.completions.create(hi);
    await r.chat.completions.create(hi); // not cached: the answer's JSON is above 2500 bytes
    expect(up.calls('c2')).toBe(2);
    expect(d.list.some((e) => e.kind === 'cache' && e.action === 'skip' && (e.detail['cache.bytes'] as number) > 3000)).toBe(true);
    d.stop();
    const q = (content: string) => ({ ...hi, messages: [{ role: 'user' as const, content }] });
    // Each small answer costs about 600 bytes of JSON (the text, the completion, the deployment); with a 1000-byte total only one fits.
    const r2 = makeRouter({ models: entries(up, 'a', ['c2']), ...FAST, cache: { enabled: true, maxBytes: 1000, maxEntryBytes: 1000 } });
    await r2.chat.completions.create(q('one'));
    expect(getCallInfo(await r2.chat.completions.create(q('one')))!.cacheHit).toBe(true);
    await r2.chat.completions.create(q('two')); // evicts 'one'
    expect(getCallInfo(await r2.chat.completions.create(q('two')))!.cacheHit).toBe(true);
    expect(getCallInfo(await r2.chat.completions.create(q('one')))!.cacheHit).toBe(false);
    expect(up.calls('c2')).toBe(5);
    expect((r2.store as MemoryStore).cacheBytes).toBeGreaterThan(500);
    expect((r2.store as MemoryStore).cacheBytes).toBeLessThanOrEqual(1000);
    await r.close();
    await r2.close();
  });
});

describe('mirroring', () => {
  it('sends a shadow call in the background; the caller is unaffected by its failure', async () => {
    up.script('m1', { kind: 'status', status: 500 });
    const d = collectDecisions();
    const r = makeRouter({
      models: [...entries(up, 'a', ['m0']), ...entries(up, 'shadow', ['m1'])],
      ...FAST,
      retry: { ...FAST.retry, perClass: { upstream_unavailable: 0 } },
      mirror: { a: { to: 'shadow', sampleRate: 1 } },
      budgets: [{ scope: 'key', limitUsd: 1, window: 'day' }],
    });
    const res = await r.chat.completions.create(hi, { identity: { key: 'mk' } });
    expect(getCallInfo(res)!.outcome).toBe('success');
    await new Promise((res) => setTimeout(res, 100));
    expect(up.calls('m1')).toBe(1);
    expect(getCallInfo(res)!.mirroredTo).toBe('shadow');
    const shadowAttempt = d.list.find((e) => e.call.shadow);
    expect(shadowAttempt).toBeDefined();
    expect(d.list.some((e) => e.kind === 'mirror' && e.action === 'shadow_failed')).toBe(true);
    // The key's budget saw only the caller's call.
    expect(await r.budgets.usage(r.policies.budgets[0]!, 'mk')).toBeCloseTo(getCallInfo(res)!.totalCostUsd!, 10);
    d.stop();
    await r.close();
  });
});

describe('guardrail hooks', () => {
  it('pre-call block: nothing is sent; rewrite: the upstream sees the new request; verdicts are recorded', async () => {
    const block: PreCallHook = { name: 'no-secrets', check: (c) => (JSON.stringify(c.params.messages).includes('password') ? { action: 'block', reason: 'secret' } : { action: 'allow' }) };
    const rewrite: PreCallHook = { name: 'redact', check: (c) => ({ action: 'rewrite', params: { messages: [{ role: 'user', content: String(c.params.messages[0]!.content).replace('Bob', '[name]') }] } }) };
    const r = makeRouter({ models: entries(up, 'a', ['g0']), ...FAST, hooks: { preCall: [block, rewrite] } });
    const err = await r.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'my password is x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(GuardrailError);
    expect(up.calls('g0')).toBe(0);
    const res = await r.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'hello Bob' }] });
    expect(up.bodies('g0')[0]!.messages).toEqual([{ role: 'user', content: 'hello [name]' }]);
    expect(getCallInfo(res)!.guardrails!.map((g) => `${g.hook}:${g.action}`)).toEqual(['no-secrets:allow', 'redact:rewrite']);
    await r.close();
  });

  it('post-call repair re-asks the same deployment; no other provider is called', async () => {
    up.script('g1', { kind: 'ok', text: 'not json' }, { kind: 'ok', text: '{"ok":true}' });
    const json: PostCallHook = {
      name: 'json',
      check: (c) => {
        try {
          JSON.parse(c.completion.choices[0]!.message.content ?? '');
          return { action: 'pass', score: 1 };
        } catch {
          return { action: 'repair', message: 'Answer with valid JSON only.', reason: 'invalid JSON', score: 0 };
        }
      },
    };
    const r = makeRouter({ models: [...entries(up, 'a', ['g1']), ...entries(up, 'a', ['g2'], { weight: 0.000001 })], ...FAST, random: () => 0, hooks: { postCall: [json] } });
    const res = await r.chat.completions.create(hi);
    expect(res.choices[0]!.message.content).toBe('{"ok":true}');
    const info = getCallInfo(res)!;
    expect(info.attempts.map((a) => [a.deployment.id, a.retryReason ?? null])).toEqual([
      ['g1', null],
      ['g1', 'repair'],
    ]);
    expect(info.repairs).toBe(1);
    expect(info.guardrails!.map((g) => g.action)).toEqual(['repair', 'pass']);
    const second = up.bodies('g1')[1]!.messages as { role: string; content: string }[];
    expect(second.slice(-2)).toEqual([
      { role: 'assistant', content: 'not json' },
      { role: 'user', content: 'Answer with valid JSON only.' },
    ]);
    expect(up.calls('g2')).toBe(0);
    await r.close();
  });

  it('post-call block fails the call without another provider unless guardrailFallbacks says so', async () => {
    const deny: PostCallHook = { name: 'deny', aliases: ['a'], check: () => ({ action: 'block', reason: 'nope' }) };
    const models = [...entries(up, 'a', ['g3']), ...entries(up, 'b', ['g4'])];
    const r1 = makeRouter({ models, ...FAST, fallbacks: { a: ['b'] }, hooks: { postCall: [deny] } });
    await expect(r1.chat.completions.create(hi)).rejects.toBeInstanceOf(GuardrailError);
    expect(up.calls('g4')).toBe(0);
    const r2 = makeRouter({ models, ...FAST, guardrailFallbacks: { a: ['b'] }, hooks: { postCall: [deny] } });
    const res = await r2.chat.completions.create(hi);
    expect(getCallInfo(res)!.deployment!.id).toBe('g4');
    expect(getCallInfo(res)!.attempts[1]!.retryReason).toBe('guardrail');
    expect(up.calls('g4')).toBe(1);
    await r1.close();
  });
});
