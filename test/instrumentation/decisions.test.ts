/**
 * How router decisions map to spans: an event `tracegate.<kind>` on the attempt span it concerns
 * (or the call span), dotted detail keys under `tracegate.`, `error.type` kept as is, bare keys
 * under `tracegate.<kind>.`; call-level kinds also summarized on the call span (without
 * `deployment.id` / `error.type`); breaker transitions and budget rejections counted. The
 * decisions are published here by hand, the way the router publishes them (the router's own are
 * in router-spans.test.ts and semconv.test.ts).
 */
import dc from 'node:diagnostics_channel';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { type AttemptEvent, type CallEvent, type DecisionEvent } from '../../src/index.js';
import { setupTracing, summarizeAll, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h, { resetEach: false });

const publish = (d: DecisionEvent): void => dc.channel('tracegate:decision').publish(d);

describe('decisions', () => {
  it('become events on the attempt or call span, and call-level ones attributes of the call span', async () => {
    const onCall = (m: unknown): void => {
      const call = m as CallEvent;
      publish({ call, kind: 'budget', action: 'reject', detail: { 'budget.name': 'team:support', 'budget.limit_usd': 5, 'deployment.id': 'other#0', note: 'bare key' } });
    };
    const onAttempt = (m: unknown): void => {
      const attempt = m as AttemptEvent;
      publish({ call: attempt.call, attempt, kind: 'breaker', action: 'open', detail: { 'deployment.id': 'support-fast#0', 'breaker.state': 'open' } });
      publish({ call: attempt.call, attempt, kind: 'retry', action: 'switch', detail: { 'error.type': 'rate_limit', 'retry.count': 1 } });
    };
    dc.channel('tracing:tracegate:call:start').subscribe(onCall);
    dc.channel('tracing:tracegate:attempt:start').subscribe(onAttempt);
    try {
      await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
    } finally {
      dc.channel('tracing:tracegate:call:start').unsubscribe(onCall);
      dc.channel('tracing:tracegate:attempt:start').unsubscribe(onAttempt);
    }
    const [call, attempt] = summarizeAll(h.spans());
    expect(call!.events.find((e) => e.name === 'tracegate.budget')).toEqual({
      name: 'tracegate.budget',
      attributes: {
        'tracegate.decision.action': 'reject',
        'tracegate.budget.name': 'team:support',
        'tracegate.budget.limit_usd': 5,
        'tracegate.budget.note': 'bare key',
        'tracegate.deployment.id': 'other#0',
      },
    });
    expect(attempt!.events).toEqual([
      { name: 'tracegate.breaker', attributes: { 'tracegate.breaker.state': 'open', 'tracegate.decision.action': 'open', 'tracegate.deployment.id': 'support-fast#0' } },
      { name: 'tracegate.retry', attributes: { 'error.type': 'rate_limit', 'tracegate.decision.action': 'switch', 'tracegate.retry.count': 1 } },
    ]);
    // budget and breaker are summarized on the call span (not their deployment.id: the call span's
    // own tracegate.deployment.id is the deployment that answered); retry is not (it repeats per attempt).
    expect(call!.attributes).toMatchObject({
      'tracegate.budget.action': 'reject',
      'tracegate.budget.name': 'team:support',
      'tracegate.budget.limit_usd': 5,
      'tracegate.breaker.action': 'open',
      'tracegate.breaker.state': 'open',
      'tracegate.deployment.id': 'support-fast#0',
    });
    expect(call!.attributes['tracegate.retry.action']).toBeUndefined();
    expect(call!.attributes['error.type']).toBeUndefined();
    const collected = await h.metrics();
    const byName = new Map(collected.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m.dataPoints as DataPoint<number>[]]));
    expect(byName.get('tracegate.breaker.transitions')!.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'tracegate.breaker.state': 'open', 'tracegate.deployment.id': 'support-fast#0' }, 1],
    ]);
    expect(byName.get('tracegate.budget.rejections')!.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'tracegate.route': 'support-fast', 'tracegate.budget.name': 'team:support' }, 1],
    ]);
  });

  it('a decision for a call the instrumentation does not know is ignored', () => {
    const stray = { callId: 'x', info: {} } as unknown as CallEvent;
    expect(() => publish({ call: stray, kind: 'cache', action: 'hit', detail: {} })).not.toThrow();
  });
});
