/**
 * Eval-aware routing's ladder on an override variant, fed results directly (`observe`): demote
 * (the variant's weight × demoteTo), rollback (weight 0), probe after the cool-down (weight back
 * to demoteTo), restore (multiplier removed). The deployment's own weight and the alias are never
 * touched, and a deployment result without a variant keeps its own cohort.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EvalRoutingPolicy, type EvalRoutingDecision, type EvaluationEventResult } from '../../src/evals/index.js';
import { MemoryStore, Router } from '../../src/index.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };
const router = new Router({
  models: [
    {
      id: 'dep',
      name: 'extract',
      provider: 'openai',
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9',
      variants: [
        { name: 'control', weight: 1 },
        { name: 'hint', weight: 1, system: { append: 'JSON only.' } },
      ],
    },
  ],
  clock,
  store: new MemoryStore({ clock }),
});
const decisions: EvalRoutingDecision[] = [];
const policy = new EvalRoutingPolicy({
  router,
  evaluator: 'json_schema',
  subscribe: false,
  window: 60_000,
  minSamples: 4,
  failRateThreshold: 0.5,
  restoreBelow: 0.25,
  action: ['demote', 'rollback'],
  demoteTo: 0.2,
  probeAfterMs: 30_000,
  onDecision: (d) => decisions.push(d),
});
afterAll(async () => {
  policy.close();
  await router.close();
});

function result(passed: boolean, variant?: string): EvaluationEventResult {
  return {
    name: 'json_schema',
    score: passed ? 1 : 0,
    label: passed ? 'valid' : 'invalid',
    passed,
    threshold: 1,
    route: { alias: 'extract', provider: 'openai', model: 'gpt-4o-mini', deployment: 'dep', ...(variant ? { variant } : {}) },
  };
}

async function feed(n: number, passed: boolean, variant?: string): Promise<void> {
  for (let i = 0; i < n; i++) await policy.observe(result(passed, variant));
}

const hintWeight = async () => (await router.routing.list()).variants.dep?.hint?.multiplier;

describe('the ladder on a variant', () => {
  it('demote, rollback, probe, restore act on the variant\'s weight only', async () => {
    await feed(4, true, 'control');
    await feed(4, false, 'hint');
    expect(decisions.map((d) => [d.action, d.variant, d.multiplier])).toEqual([['demote', 'hint', 0.2]]);
    expect(await hintWeight()).toBe(0.2);

    await feed(4, false, 'hint');
    expect(decisions.map((d) => [d.action, d.variant, d.multiplier])).toEqual([
      ['demote', 'hint', 0.2],
      ['rollback', 'hint', 0],
    ]);
    expect(decisions[1]!.redirectTo).toBeUndefined();
    expect(await hintWeight()).toBe(0);

    now += 31_000;
    expect((await policy.tick()).map((d) => [d.action, d.variant])).toEqual([['probe', 'hint']]);
    expect(decisions[2]!.reason).toBe('probing variant hint of dep again 30 s after the rollback');
    expect(await hintWeight()).toBe(0.2);

    await feed(4, true, 'hint');
    expect(decisions.map((d) => d.action)).toEqual(['demote', 'rollback', 'probe', 'restore']);
    expect(await router.routing.list()).toEqual({ weights: {}, redirects: {}, variants: {} });
    const status = await policy.status();
    expect(status.filter((s) => s.variant === 'hint').map((s) => s.phase)).toEqual([]); // reset after restore: no samples, healthy
    expect(status.find((s) => s.variant === 'control')).toMatchObject({ samples: 4, failures: 0, phase: 'healthy' });
  });

  it('results without a variant count for the deployment, apart from its variants', async () => {
    await feed(4, false);
    const last = decisions[decisions.length - 1]!;
    expect(last).toMatchObject({ action: 'demote', deployment: 'dep', multiplier: 0.2 });
    expect(last.variant).toBeUndefined();
    expect((await router.routing.list()).weights.dep?.multiplier).toBe(0.2);
    expect((await router.routing.list()).variants).toEqual({});
  });
});
