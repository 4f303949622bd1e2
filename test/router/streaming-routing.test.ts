import dc from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, ConfigError, StreamInterruptedError, getCallInfo, type AttemptEvent, type DecisionEvent } from '../../src/index.js';
import { FAST, entries, hi, makeRouter } from './helpers/router.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

async function text(stream: AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>): Promise<string> {
  let t = '';
  for await (const c of stream) t += c.choices[0]?.delta.content ?? '';
  return t;
}

describe('streaming failures', () => {
  it('retries on another deployment when a stream fails before its first chunk', async () => {
    up.script('s0', { kind: 'stream', parts: ['never'], cutAfter: 0 });
    up.script('s1', { kind: 'stream', parts: ['fine'] });
    const r = makeRouter({ models: entries(up, 'a', ['s0', 's1']), ...FAST, random: () => 0 });
    const s = await r.chat.completions.create({ ...hi, stream: true });
    expect(await text(s)).toBe('fine');
    const info = getCallInfo(s)!;
    expect(info.attempts.map((a) => [a.deployment.id, a.errorClass ?? 'ok'])).toEqual([
      ['s0', 'connection'],
      ['s1', 'ok'],
    ]);
    await r.close();
  });

  it('first-token timeout is retried; a stall after delivery ends with StreamInterruptedError and no retry', async () => {
    up.script('s2', { kind: 'hang' }, { kind: 'stream', parts: ['a', 'b', 'c'], stallAfter: 2 });
    const r = makeRouter({ models: entries(up, 'a', ['s2']), ...FAST, timeouts: { ...FAST.timeouts, firstTokenMs: 200, idleMs: 150 } });
    const s = await r.chat.completions.create({ ...hi, stream: true });
    let got = '';
    const err = await (async () => {
      for await (const c of s) got += c.choices[0]?.delta.content ?? '';
    })().catch((e) => e);
    expect(got).toBe('ab');
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err.delivered.contentChars).toBe(2);
    const info = getCallInfo(s)!;
    expect(info.attempts.map((a) => a.errorClass)).toEqual(['timeout', 'stream_interrupted']);
    expect(info.outcome).toBe('stream_interrupted');
    expect(up.calls('s2')).toBe(2);
    await r.close();
  });
});

describe('observable outcome', () => {
  it('attempt events carry retryReason, waitMs and fallbackDepth; decisions are published flat', async () => {
    up.script('o0', { kind: 'status', status: 500 });
    const attempts: AttemptEvent[] = [];
    const decisions: DecisionEvent[] = [];
    const onAttempt = (m: unknown) => attempts.push(m as AttemptEvent);
    const onDecision = (m: unknown) => decisions.push(m as DecisionEvent);
    dc.subscribe(`tracing:${CHANNEL_NAMES.attempt}:asyncEnd`, onAttempt);
    dc.subscribe(CHANNEL_NAMES.decision, onDecision);
    try {
      const r = makeRouter({ models: [...entries(up, 'a', ['o0']), ...entries(up, 'b', ['o1'])], ...FAST, retry: { ...FAST.retry, perClass: { upstream_unavailable: 0 } }, fallbacks: { a: ['b'] } });
      await r.chat.completions.create(hi);
      expect(attempts.map((a) => [a.deployment.id, a.fallbackDepth, a.retryReason ?? null])).toEqual([
        ['o0', 0, null],
        ['o1', 1, 'upstream_unavailable'],
      ]);
      const fb = decisions.find((d) => d.kind === 'fallback')!;
      expect(fb.action).toBe('switch');
      expect(fb.detail).toMatchObject({ 'fallback.from': 'a', 'fallback.to': 'b', 'fallback.depth': 1, 'error.type': 'upstream_unavailable' });
      for (const d of decisions) for (const v of Object.values(d.detail)) expect(['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v)).toBe(true);
      await r.close();
    } finally {
      dc.unsubscribe(`tracing:${CHANNEL_NAMES.attempt}:asyncEnd`, onAttempt);
      dc.unsubscribe(CHANNEL_NAMES.decision, onDecision);
    }
  });

  it('total cost includes failed attempts that reported usage; secrets never appear', async () => {
    up.script('o2', { kind: 'status', status: 401, body: { error: { message: 'bad key sk-test-secret-123456' } } });
    const r = makeRouter({ models: entries(up, 'a', ['o2', 'o3']), ...FAST, random: () => 0 });
    const res = await r.chat.completions.create(hi);
    const info = getCallInfo(res)!;
    expect(info.attempts[0]!.errorMessage).not.toContain('sk-test-secret');
    expect(info.totalCostUsd).toBe(info.cost!.total);
    await r.close();
  });
});

describe('eval-aware routing extension point', () => {
  it('weight multipliers and alias redirects steer selection and are published', async () => {
    const decisions: DecisionEvent[] = [];
    const on = (m: unknown) => decisions.push(m as DecisionEvent);
    dc.subscribe(CHANNEL_NAMES.decision, on);
    try {
      const r = makeRouter({ models: [...entries(up, 'a', ['e0', 'e1']), ...entries(up, 'safe', ['e2'])], ...FAST, random: () => 0 });
      await r.routing.setWeight('e0', 0, { reason: 'json fail rate 40%' });
      const i1 = getCallInfo(await r.chat.completions.create(hi))!;
      expect(i1.deployment!.id).toBe('e1');
      expect(decisions.some((d) => d.kind === 'eval_routing' && d.action === 'weight' && d.detail['deployment.id'] === 'e0')).toBe(true);
      await r.routing.redirect('a', 'safe', { reason: 'rollback' });
      const i2 = getCallInfo(await r.chat.completions.create(hi))!;
      expect(i2.deployment!.id).toBe('e2');
      expect(i2.routedAlias).toBe('safe');
      expect(decisions.some((d) => d.kind === 'eval_routing' && d.action === 'redirect' && d.detail['routing.redirect_to'] === 'safe')).toBe(true);
      expect(await r.routing.list()).toMatchObject({ weights: { e0: { multiplier: 0 } }, redirects: { a: { to: 'safe' } } });
      await r.routing.redirect('a', null);
      await r.routing.setWeight('e0', null);
      expect(getCallInfo(await r.chat.completions.create(hi))!.deployment!.id).toBe('e0');
      await expect(r.routing.redirect('a', 'nope')).rejects.toBeInstanceOf(ConfigError);
      await r.close();
    } finally {
      dc.unsubscribe(CHANNEL_NAMES.decision, on);
    }
  });
});

describe('configuration errors name the path', () => {
  it('unknown fallback target, bad strategy, bad budget', () => {
    const models = entries(up, 'a', ['x0']);
    expect(() => makeRouter({ models, fallbacks: { a: ['missing'] } })).toThrow(/fallbacks\.a\[0\]: unknown alias "missing"/);
    expect(() => makeRouter({ models, routing: { strategy: 'fastest' as never } })).toThrow(/routing\.strategy/);
    expect(() => makeRouter({ models, budgets: [{ scope: 'key', limitUsd: -1, window: 'day' }] })).toThrow(/budgets\[0\]\.limitUsd/);
    expect(() => makeRouter({ models, mirror: { a: { to: 'a', sampleRate: 0.5 } } })).toThrow(/mirror\.a\.to/);
  });
});
