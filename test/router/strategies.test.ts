import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/providers/types.js';
import { createStrategy, type Candidate, type StrategyContext } from '../../src/router/strategies/index.js';
import { findRule, ruleAllows } from '../../src/router/strategies/rules.js';
import { StatsTable } from '../../src/router/stats.js';

function dep(id: string, extra: Partial<Deployment> = {}): Deployment {
  return {
    id,
    name: 'a',
    provider: 'openai',
    model: id,
    headers: {},
    options: {},
    weight: 1,
    priority: 0,
    tags: [],
    timeouts: { connectMs: 1, firstTokenMs: 1, idleMs: 1, totalMs: 1, unconsumedMs: 1 },
    capabilities: { tools: true, vision: false, streaming: true, streamingUsage: true },
    propagateTraceContext: false,
    secrets: [],
    ...extra,
  };
}

const stats = new StatsTable(0.5);
function cand(d: Deployment, extra: Partial<Candidate> = {}): Candidate {
  return { deployment: d, weight: d.weight, stats: stats.get(d.id), headroom: 1, ...extra };
}
const ctx = (over: Partial<StrategyContext> = {}): StrategyContext => ({ stream: false, promptTokens: 100, random: () => 0, ...over });

describe('strategies on a controlled history', () => {
  it('weighted: the random draw lands proportionally to weight', () => {
    const s = createStrategy('weighted');
    const cs = [cand(dep('w1', { weight: 1 })), cand(dep('w2', { weight: 3 }))];
    expect(s.pick(cs, ctx({ random: () => 0.2 })).deployment.id).toBe('w1'); // 0.8 < 1
    expect(s.pick(cs, ctx({ random: () => 0.3 })).deployment.id).toBe('w2'); // 1.2 >= 1
    const counts = { w1: 0, w2: 0 };
    for (let i = 0; i < 1000; i++) counts[s.pick(cs, ctx({ random: () => i / 1000 })).deployment.id as 'w1' | 'w2']++;
    expect(counts).toEqual({ w1: 250, w2: 750 });
  });

  it('least-busy: fewest in flight wins', () => {
    const t = new StatsTable();
    t.begin('b1');
    t.begin('b1');
    t.begin('b2');
    const s = createStrategy('least-busy');
    const cs = ['b1', 'b2', 'b3'].map((id) => ({ deployment: dep(id), weight: 1, stats: t.get(id), headroom: 1 }));
    expect(s.pick(cs, ctx()).deployment.id).toBe('b3');
    t.begin('b3');
    t.begin('b3');
    expect(s.pick(cs, ctx()).deployment.id).toBe('b2');
  });

  it('latency: unmeasured first, then lowest EWMA; TTFT for streams', () => {
    const t = new StatsTable(0.5);
    const s = createStrategy('latency', { latencyBuffer: 0 });
    const cs = ['l1', 'l2'].map((id) => ({ deployment: dep(id), weight: 1, stats: t.get(id), headroom: 1 }));
    t.observe('l1', 'latency', 100);
    expect(s.pick(cs, ctx()).deployment.id).toBe('l2'); // never measured
    t.observe('l2', 'latency', 300);
    expect(s.pick(cs, ctx()).deployment.id).toBe('l1');
    t.observe('l1', 'latency', 700); // EWMA 100 -> 400
    expect(t.get('l1').latencyMs).toBe(400);
    expect(s.pick(cs, ctx()).deployment.id).toBe('l2');
    t.observe('l1', 'ttft', 50);
    t.observe('l2', 'ttft', 80);
    expect(s.pick(cs, ctx({ stream: true })).deployment.id).toBe('l1');
  });

  it('latency buffer: near-best candidates share the traffic', () => {
    const t = new StatsTable();
    t.observe('n1', 'latency', 100);
    t.observe('n2', 'latency', 105);
    t.observe('n3', 'latency', 200);
    const s = createStrategy('latency', { latencyBuffer: 0.1 });
    const cs = ['n1', 'n2', 'n3'].map((id) => ({ deployment: dep(id), weight: 1, stats: t.get(id), headroom: 1 }));
    expect(s.pick(cs, ctx({ random: () => 0 })).deployment.id).toBe('n1');
    expect(s.pick(cs, ctx({ random: () => 0.99 })).deployment.id).toBe('n2');
  });

  it('cost: cheapest expected cost, unknown price last', () => {
    const s = createStrategy('cost');
    const cs = [
      cand(dep('c1', { price: { input: 5, output: 15 } })),
      cand(dep('c2', { price: { input: 0.15, output: 0.6 } })),
      cand(dep('c3')),
    ];
    expect(s.pick(cs, ctx()).deployment.id).toBe('c2');
    expect(s.pick([cs[2]!, cs[0]!], ctx()).deployment.id).toBe('c1');
  });

  it('headroom: the most free share of RPM/TPM', () => {
    const s = createStrategy('headroom');
    const cs = [cand(dep('h1'), { headroom: 0.2 }), cand(dep('h2'), { headroom: 0.9 }), cand(dep('h3'), { headroom: 0.5 })];
    expect(s.pick(cs, ctx()).deployment.id).toBe('h2');
  });

  it('rules: first match on metadata and tags restricts the deployments', () => {
    const rules = [
      { match: { metadata: { tier: ['free', 'trial'] } }, deploymentTags: ['cheap'] },
      { match: { tags: ['eu'] }, deployments: ['e1'] },
    ];
    const req = (metadata: Record<string, string>, tags: string[] = []) => ({ alias: 'a', metadata, tags });
    expect(findRule(rules, req({ tier: 'trial' }))?.index).toBe(0);
    expect(findRule(rules, req({ tier: 'pro' }, ['eu']))?.index).toBe(1);
    expect(findRule(rules, req({ tier: 'pro' }))).toBeUndefined();
    expect(ruleAllows(rules[0]!, dep('x', { tags: ['cheap', 'us'] }))).toBe(true);
    expect(ruleAllows(rules[0]!, dep('y', { tags: ['us'] }))).toBe(false);
  });
});
