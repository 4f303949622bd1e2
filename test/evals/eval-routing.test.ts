/**
 * Eval-aware routing end to end against the mock: a deployment whose answers start failing JSON
 * validation is demoted, then rolled back to a known-good alias, probed after the cool-down, and
 * restored once its answers are valid again. Each decision is on the next call's trace (in-memory
 * exporter) and counted in `tracegate.eval_routing.decisions`; cohort counters live in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, Router, getCallInfo, type ChatCompletion } from '../../src/index.js';
import { EvalRoutingPolicy, JsonSchemaValidation, recordEvaluation, type EvalRoutingDecision } from '../../src/evals/index.js';
import { FAKE_KEY, setupTracing, startMockServer, type MockServer } from '../instrumentation/harness.js';

const h = setupTracing();
const VALID = '{"order_id":"42","status":"shipped"}';
const INVALID = 'Order 42 has shipped.';
const json = JsonSchemaValidation({ schema: { type: 'object', required: ['order_id', 'status'] } });

let mock: MockServer;
let router: Router;
let policy: EvalRoutingPolicy;
let now = 1_700_000_000_000;
const clock = { now: () => now };
const decisions: EvalRoutingDecision[] = [];

beforeAll(async () => {
  // extract-a answers valid JSON 4 times, then 8 invalid answers, then (sequence used up) valid JSON again.
  const ok = (text: string) => ({ kind: 'ok' as const, reply: { text } });
  mock = await startMockServer({
    scenario: {
      rules: [
        { match: { model: 'extract-a' }, sequence: [...Array(4).fill(ok(VALID)), ...Array(8).fill(ok(INVALID))], then: 'ok', reply: { text: VALID } },
        { match: { model: 'extract-stable' }, reply: { text: VALID } },
      ],
    },
  });
  const base = mock.baseURL('openai');
  router = new Router({
    models: [
      { name: 'extract', id: 'extract-a', provider: 'openai', model: 'extract-a', apiKey: FAKE_KEY, baseURL: base },
      { name: 'extract-stable', id: 'extract-stable', provider: 'openai', model: 'extract-stable', apiKey: FAKE_KEY, baseURL: base },
    ],
    clock,
    store: new MemoryStore({ clock }),
  });
  policy = new EvalRoutingPolicy({
    router,
    evaluator: 'json_schema',
    window: 60_000,
    minSamples: 4,
    failRateThreshold: 0.5,
    restoreBelow: 0.25,
    action: ['demote', 'rollback'],
    demoteTo: 0.2,
    rollbackTo: 'extract-stable',
    probeAfterMs: 30_000,
    onDecision: (d) => decisions.push(d),
  });
});
afterAll(async () => {
  policy.close();
  await router.close();
  await mock.close();
});

/** One call through `extract`, evaluated and recorded like an application would; returns the eval_routing actions on its trace. */
async function callAndEvaluate(): Promise<{ answer: ChatCompletion; routing: string[]; model: string }> {
  const answer = await router.chat.completions.create({ model: 'extract', messages: [{ role: 'user', content: 'Order 42 as JSON' }] });
  const result = await json.evaluate({ response: answer });
  recordEvaluation(answer, result);
  await policy.idle();
  const callSpan = h.spans().find((s) => s.spanContext().spanId === getCallInfo(answer)!.trace!.spanId)!;
  const routing = callSpan.events.filter((e) => e.name === 'tracegate.eval_routing').map((e) => String(e.attributes!['tracegate.decision.action']));
  return { answer, routing, model: getCallInfo(answer)!.deployment!.model };
}

describe('eval-aware routing', () => {
  it('demotes, rolls back, probes and restores, each decision on the next trace and in metrics', async () => {
    // healthy: valid answers
    for (let i = 0; i < 4; i++) expect((await callAndEvaluate()).routing).toEqual([]);
    expect(decisions).toEqual([]);
    // answers start failing JSON: 4 of 8 in the window reach the 50% threshold → demote
    for (let i = 0; i < 4; i++) await callAndEvaluate();
    expect(decisions.map((d) => d.action)).toEqual(['demote']);
    expect(decisions[0]).toMatchObject({ route: 'extract', deployment: 'extract-a', samples: 8, failures: 4, failRate: 0.5, multiplier: 0.2, reason: 'json_schema fail rate 50% (4/8) >= 50%' });
    expect((await router.routing.list()).weights['extract-a']?.multiplier).toBe(0.2);

    // the next call shows the policy's decision and the router applying the weight
    let next = await callAndEvaluate();
    expect(next.routing).toEqual(['demote', 'weight']);
    const demoteEvent = h
      .spans()
      .find((s) => s.spanContext().spanId === getCallInfo(next.answer)!.trace!.spanId)!
      .events.find((e) => e.name === 'tracegate.eval_routing')!;
    expect(demoteEvent.attributes).toMatchObject({
      'tracegate.decision.action': 'demote',
      'tracegate.route.alias': 'extract',
      'tracegate.deployment.id': 'extract-a',
      'tracegate.routing.weight_multiplier': 0.2,
      'tracegate.eval_routing.evaluator': 'json_schema',
      'tracegate.eval_routing.fail_rate': 0.5,
      'tracegate.eval_routing.samples': 8,
      'tracegate.eval_routing.threshold': 0.5,
      'tracegate.routing.reason': 'json_schema fail rate 50% (4/8) >= 50%',
    });

    // still failing on fresh samples after the demotion → roll the route back to the known-good alias
    for (let i = 0; i < 3; i++) expect((await callAndEvaluate()).routing).toEqual(['weight']);
    expect(decisions.map((d) => d.action)).toEqual(['demote', 'rollback']);
    expect(decisions[1]).toMatchObject({ samples: 4, failures: 4, redirectTo: 'extract-stable' });
    next = await callAndEvaluate();
    expect(next.routing).toEqual(['rollback', 'redirect']);
    expect(next.model).toBe('extract-stable');
    expect(getCallInfo(next.answer)!.routedAlias).toBe('extract-stable');
    const aBefore = mock.count({ model: 'extract-a' });
    expect((await callAndEvaluate()).model).toBe('extract-stable');
    expect(mock.count({ model: 'extract-a' })).toBe(aBefore);
    expect(aBefore).toBe(12); // the whole scripted sequence: 4 valid, 8 invalid

    // after the cool-down the next result lifts the redirect (probe); the deployment stays demoted
    now += 31_000;
    await callAndEvaluate();
    expect(decisions.map((d) => d.action)).toEqual(['demote', 'rollback', 'probe']);
    expect((await router.routing.list()).redirects).toEqual({});
    next = await callAndEvaluate();
    expect(next.routing).toEqual(['probe', 'weight']);
    expect(next.model).toBe('extract-a');

    // it answers valid JSON again: fail rate 0 over fresh samples → restore
    for (let i = 0; i < 3; i++) await callAndEvaluate();
    expect(decisions.map((d) => d.action)).toEqual(['demote', 'rollback', 'probe', 'restore']);
    expect(decisions[3]).toMatchObject({ samples: 4, failures: 0, threshold: 0.25, reason: 'json_schema fail rate 0% (0/4) <= 25%' });
    expect(await router.routing.list()).toEqual({ weights: {}, redirects: {}, variants: {} });
    next = await callAndEvaluate();
    expect(next.routing).toEqual(['restore']);
    expect((await callAndEvaluate()).routing).toEqual([]);

    // metrics: one count per decision, by action
    const metrics = (await h.metrics()).scopeMetrics.flatMap((m) => m.metrics);
    const counter = metrics.find((m) => m.descriptor.name === 'tracegate.eval_routing.decisions')!;
    const points = counter.dataPoints.map((p) => [p.attributes['tracegate.decision.action'], p.value, p.attributes['tracegate.deployment.id'], p.attributes['gen_ai.evaluation.name']]);
    expect(points).toEqual([
      ['demote', 1, 'extract-a', 'json_schema'],
      ['rollback', 1, 'extract-a', 'json_schema'],
      ['probe', 1, 'extract-a', 'json_schema'],
      ['restore', 1, 'extract-a', 'json_schema'],
    ]);

    // the cohorts are in the store, per (route, deployment, evaluator)
    const status = await policy.status();
    expect(status.map((s) => [s.route, s.deployment, s.phase])).toEqual(
      expect.arrayContaining([
        ['extract', 'extract-a', 'healthy'],
        ['extract', 'extract-stable', 'healthy'],
      ]),
    );
  });

  it('results without a route, of another evaluator, or below minSamples change nothing', async () => {
    const before = decisions.length;
    await policy.observe({ name: 'json_schema', score: 0, label: 'invalid', passed: false, threshold: 1 });
    await policy.observe({ name: 'other', score: 0, label: 'x', passed: false, threshold: 1, route: { alias: 'extract', provider: 'openai', model: 'extract-a', deployment: 'extract-a' } });
    expect(await policy.observe({ name: 'json_schema', score: 0, label: 'invalid', passed: false, threshold: 1, route: { alias: 'extract', provider: 'openai', model: 'extract-a', deployment: 'extract-a' } })).toBeUndefined();
    expect(decisions.length).toBe(before);
  });

  it('bad options are ConfigErrors', () => {
    const base = { router, evaluator: 'json_schema', failRateThreshold: 0.5 } as const;
    expect(() => new EvalRoutingPolicy({ ...base, action: 'rollback', subscribe: false })).toThrow(/needs rollbackTo/);
    expect(() => new EvalRoutingPolicy({ ...base, action: 'rollback', rollbackTo: 'nope', subscribe: false })).toThrow(/unknown alias "nope"/);
    expect(() => new EvalRoutingPolicy({ ...base, action: 'demote', restoreBelow: 0.6, subscribe: false })).toThrow(/must be below/);
    expect(() => new EvalRoutingPolicy({ ...base, action: 'drop' as never, subscribe: false })).toThrow(/action must be/);
    expect(() => new EvalRoutingPolicy({ ...base, action: 'demote', routes: ['nope'], subscribe: false })).toThrow(/unknown route/);
  });
});
