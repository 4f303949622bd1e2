/**
 * Router decisions become span events (`tracegate.<kind>`) on the attempt span they concern, or
 * the call span; call-level kinds are also summarized as call-span attributes; breaker state
 * changes are counted. Decisions are published here the way the router publishes them.
 */
import dc from 'node:diagnostics_channel';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, type AttemptEvent, type CallEvent, type DecisionEvent } from '../../src/index.js';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { FAKE_KEY, setupTracing, summarizeAll } from './harness.js';

const h = setupTracing();
let fake: FakeOpenAI;
let router: Router;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  router = new Router({ models: [{ name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: fake.baseURL }] });
});
afterAll(async () => {
  await router.close();
  await fake.close();
});

const publish = (d: DecisionEvent): void => dc.channel('tracegate:decision').publish(d);

describe('decisions', () => {
  it('become events on the attempt or call span, and call-level ones attributes of the call span', async () => {
    const onCall = (m: unknown): void => {
      const call = m as CallEvent;
      publish({ call, kind: 'budget', action: 'reserve', detail: { scope: 'team', remaining_usd: 4.5 } });
    };
    const onAttempt = (m: unknown): void => {
      const attempt = m as AttemptEvent;
      publish({ call: attempt.call, attempt, kind: 'breaker', action: 'open', detail: { failures: 5 } });
      publish({ call: attempt.call, attempt, kind: 'retry', action: 'wait', detail: { wait_ms: 120, reason: 'rate_limit' } });
    };
    dc.channel('tracing:tracegate:call:start').subscribe(onCall);
    dc.channel('tracing:tracegate:attempt:start').subscribe(onAttempt);
    try {
      await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
    } finally {
      dc.channel('tracing:tracegate:call:start').unsubscribe(onCall);
      dc.channel('tracing:tracegate:attempt:start').unsubscribe(onAttempt);
    }
    const [call, attempt] = summarizeAll(h.spans());
    expect(call!.events).toEqual([
      { name: 'tracegate.budget', attributes: { 'tracegate.decision.action': 'reserve', 'tracegate.budget.remaining_usd': 4.5, 'tracegate.budget.scope': 'team' } },
    ]);
    expect(attempt!.events).toEqual([
      { name: 'tracegate.breaker', attributes: { 'tracegate.breaker.failures': 5, 'tracegate.decision.action': 'open' } },
      { name: 'tracegate.retry', attributes: { 'tracegate.decision.action': 'wait', 'tracegate.retry.reason': 'rate_limit', 'tracegate.retry.wait_ms': '<ms>' } },
    ]);
    // budget and breaker are summarized on the call span; retry is not (it repeats per attempt).
    expect(call!.attributes).toMatchObject({
      'tracegate.budget.action': 'reserve',
      'tracegate.budget.scope': 'team',
      'tracegate.budget.remaining_usd': 4.5,
      'tracegate.breaker.action': 'open',
      'tracegate.breaker.failures': 5,
    });
    expect(call!.attributes['tracegate.retry.action']).toBeUndefined();
    const collected = await h.metrics();
    const transitions = collected.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'tracegate.breaker.transitions')!;
    const points = transitions.dataPoints as DataPoint<number>[];
    expect(points.map((p) => [p.attributes, p.value])).toEqual([[{ 'tracegate.breaker.state': 'open', 'tracegate.deployment.id': 'support-fast#0' }, 1]]);
  });

  it('a decision for a call the instrumentation does not know is ignored', () => {
    const stray = { callId: 'x', info: {} } as unknown as CallEvent;
    expect(() => publish({ call: stray, kind: 'cache', action: 'hit', detail: {} })).not.toThrow();
  });
});
