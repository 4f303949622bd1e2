/**
 * Regressions: latency down while eval-fail-rate up is flagged as the route-rollback case, with a
 * baseline file (`--compare`) or two time windows of one file (`--window`); an unchanged route is
 * not flagged; small cohorts are never flagged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, compareReports, renderTerminal } from '../../src/report/index.js';
import { synthLines, type SynthCall } from './helpers/synth.js';

let dir: string;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const T1 = T0 + 3_600_000;

const openai = { deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini' };
const cheap = { deployment: 'cheap-groq', provider: 'groq', model: 'llama-3.1-8b', route: 'support-cheap', fallbackDepth: 1 };
const anthropic = { deployment: 'accurate-anthropic', provider: 'anthropic', model: 'claude-sonnet-4-5' };

function window(start: number, degraded: boolean): SynthCall[] {
  const calls: SynthCall[] = [];
  for (let i = 0; i < 40; i++) {
    const failJson = degraded ? i % 10 < 3 : i % 20 === 0; // 30 % vs 5 %
    calls.push(
      degraded
        ? {
            route: 'support-fast',
            startMs: start + i * 1000,
            latencyMs: 380 + (i % 5) * 10,
            attempts: [{ ...openai, errorType: 'rate_limit', status: 429, durationMs: 20 }, { ...cheap, costUsd: 0.0001, inTokens: 100, outTokens: 20 }],
            fallbackAlias: 'support-cheap',
            evals: [{ name: 'json_validity', passed: !failJson, score: failJson ? 0 : 1 }],
          }
        : {
            route: 'support-fast',
            startMs: start + i * 1000,
            latencyMs: 780 + (i % 5) * 10,
            attempts: [{ ...openai, costUsd: 0.0004, inTokens: 100, outTokens: 20 }],
            evals: [{ name: 'json_validity', passed: !failJson, score: failJson ? 0 : 1 }],
          },
    );
  }
  for (let i = 0; i < 20; i++) {
    calls.push({ route: 'support-accurate', startMs: start + i * 1500, latencyMs: 1500, attempts: [{ ...anthropic, costUsd: 0.002 }], evals: [{ name: 'groundedness', passed: i !== 3, score: i === 3 ? 0.3 : 0.9 }] });
  }
  // A tiny route that changes a lot but is below the sample minimum.
  calls.push({ route: 'rare', startMs: start, latencyMs: degraded ? 10 : 1000, attempts: [{ ...openai }], evals: [{ name: 'json_validity', passed: !degraded }] });
  return calls;
}

let baselineFile: string;
let currentFile: string;
let bothFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-compare-'));
  baselineFile = join(dir, 'baseline.jsonl');
  currentFile = join(dir, 'current.jsonl');
  bothFile = join(dir, 'both.jsonl');
  writeFileSync(baselineFile, synthLines(window(T0, false)));
  writeFileSync(currentFile, synthLines(window(T1, true)));
  writeFileSync(bothFile, synthLines([...window(T0, false), ...window(T1, true)]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare', () => {
  it('--compare flags support-fast as the route-rollback case, and only it', async () => {
    const r = await buildReport({ traces: currentFile, compare: baselineFile, progress: false });
    const c = r.comparison!;
    const rollback = c.flags.filter((f) => f.kind === 'route_rollback');
    expect(rollback.map((f) => f.cohort)).toEqual(['route=support-fast']);
    expect(rollback[0]!.message).toMatch(/support-fast: p95 latency -49% \(820 ms → 420 ms\) while json_validity eval-fail-rate \+25\.0 pts \(5\.0% → 30\.0%\)/);
    const fast = c.cohorts.find((d) => d.by.join() === 'route' && d.label === 'support-fast')!;
    expect(fast.flags).toEqual(['route_rollback']);
    expect(fast.evalFailRate.json_validity).toEqual({ baseline: 0.05, current: 0.3, delta: 0.3 - 0.05, relative: (0.3 - 0.05) / 0.05 });
    expect(fast.latencyP95Ms.relative!).toBeLessThan(-0.4);
    expect(fast.fallbackRate).toMatchObject({ baseline: 0, current: 1 });
    const accurate = c.cohorts.find((d) => d.by.join() === 'route' && d.label === 'support-accurate')!;
    expect(accurate.flags).toEqual([]);
    const rare = c.cohorts.find((d) => d.by.join() === 'route' && d.label === 'rare')!;
    expect(rare.flags).toEqual([]); // below minRequests
    // The fast route's primary lost its share: a provider shift.
    expect(c.flags.find((f) => f.kind === 'provider_shift')).toMatchObject({ cohort: 'route=support-fast' });
    expect(renderTerminal(r)).toMatch(/\[route_rollback\] support-fast: p95 latency/);
  });

  it('--window splits one file into the same two windows', async () => {
    const r = await buildReport({ traces: bothFile, window: T1, progress: false });
    expect(r.baseline!.totals.requests).toBe(61);
    expect(r.totals.requests).toBe(61);
    expect(r.comparison!.flags.filter((f) => f.kind === 'route_rollback').map((f) => f.cohort)).toEqual(['route=support-fast']);
    const auto = await buildReport({ traces: bothFile, window: 'auto', progress: false });
    expect(auto.comparison!.flags.some((f) => f.kind === 'route_rollback' && f.cohort === 'route=support-fast')).toBe(true);
  });

  it('latency down with evaluations unchanged is not a rollback; eval up with latency flat is an eval regression', async () => {
    const base = await buildReport({ traces: baselineFile, progress: false });
    const faster = structuredClone(base);
    const fast = faster.tables[0]!.cohorts.find((c) => c.label === 'support-fast')!;
    fast.latencyMs.p95 = fast.latencyMs.p95! / 2;
    fast.latencyMs.p50 = fast.latencyMs.p50! / 2;
    expect(compareReports(base, faster, { baseline: 'a', current: 'b' }).flags).toEqual([]);
    const worse = structuredClone(base);
    const w = worse.tables[0]!.cohorts.find((c) => c.label === 'support-fast')!;
    w.evals[0]!.failRate = 0.5;
    const flags = compareReports(base, worse, { baseline: 'a', current: 'b' }).flags;
    expect(flags.map((f) => f.kind)).toEqual(['eval_regression']);
  });
});
