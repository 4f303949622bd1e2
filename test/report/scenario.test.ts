/**
 * A scripted scenario with known truth: the real Router and instrumentation against `tracegate
 * mock` (exact `enqueue` scripts, fixed token counts and prices), spans written by the OTLP/JSON
 * file exporter, evaluations in all three forms (an event on the open answer span, late
 * evaluation spans, a separate evaluations file). The report's figures must match exactly.
 *
 * The script (sequential calls):
 *   A  6 × support-fast, answered at once                          (inside an app span)
 *   B  2 × support-fast, 429 then answered on a retry               (inside an app span)
 *   C  1 × support-fast, 503, 503 → fallback → support-accurate answers
 *   D  1 × support-fast, answered, then blocked by a post-call guardrail (paid, not successful)
 *   E  3 × support-accurate, streamed, answered
 *   F  1 × support-accurate, 400 → error
 * Prices: fast $2/$10 per 1M tokens, accurate $3/$15; every answer is 100 prompt + 20 completion
 * tokens: fast answer $0.0004, accurate answer $0.0006.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type CohortStats, type Report } from '../../src/report/index.js';
import { ACCURATE, FAST, runScriptedScenario, type ScenarioFiles } from './helpers/scenario.js';

let dir: string;
let files: ScenarioFiles;
let report: Report;

function cohort(r: Report, dim: string, value: string): CohortStats {
  const table = r.tables.find((t) => t.by.length === 1 && t.by[0] === dim)!;
  const c = table.cohorts.find((x) => x.key[dim] === value && !x.shadow);
  if (!c) throw new Error(`no ${dim} cohort ${value}: ${table.cohorts.map((x) => x.label).join(', ')}`);
  return c;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-report-'));
  files = await runScriptedScenario(dir);
  report = await buildReport({ traces: files.tracesFile, evals: files.evalsFile, progress: false });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('report figures for a scripted scenario', () => {
  it('support-fast: requests, success, attempts, retries, fallbacks', () => {
    const f = cohort(report, 'route', 'support-fast');
    expect(f.requests).toBe(10);
    expect(f.successes).toBe(9);
    expect(f.successRate).toBe(0.9);
    expect(f.outcomes).toEqual({ success: 8, fallback_success: 1, blocked: 1 });
    expect(f.attempts).toBe(6 + 2 * 2 + 3 + 1);
    expect(f.attemptsPerRequest).toBe(1.4);
    expect(f.retried).toBe(3); // B ×2, and C retried once before its fallback
    expect(f.retryRate).toBe(0.3);
    expect(f.fellBack).toBe(1);
    expect(f.fallbackRate).toBe(0.1);
    expect(f.fallbackSuccessRate).toBe(1);
    expect(f.latencyMs.count).toBe(10);
    expect(f.latencyMs.exact).toBe(true);
    expect(f.latencyMs.p50!).toBeLessThanOrEqual(f.latencyMs.p95!);
    expect(f.latencyMs.p95!).toBeLessThanOrEqual(f.latencyMs.p99!);
  });

  it('support-fast: tokens and cost, failed attempts and the blocked call included', () => {
    const f = cohort(report, 'route', 'support-fast');
    expect(f.inputTokens).toBe(100 * 10);
    expect(f.outputTokens).toBe(20 * 10);
    const total = 9 * FAST + ACCURATE; // A 6, B 2, D 1 (blocked but paid), C answered by the fallback
    expect(f.costUsd).toBeCloseTo(total, 9);
    expect(f.costPerRequest!).toBeCloseTo(total / 10, 9);
    expect(f.costPerSuccessfulTrace!).toBeCloseTo(total / 9, 9);
    expect(f.priceUnknown).toBe(0);
  });

  it('support-accurate: streams with time to first token, one failure', () => {
    const a = cohort(report, 'route', 'support-accurate');
    expect(a.requests).toBe(4);
    expect(a.successes).toBe(3);
    expect(a.outcomes).toEqual({ success: 3, error: 1 });
    expect(a.attemptsPerRequest).toBe(1);
    expect(a.retryRate).toBe(0);
    expect(a.fallbackRate).toBe(0);
    expect(a.ttftMs.count).toBe(3);
    expect(a.costUsd).toBeCloseTo(3 * ACCURATE, 9);
    expect(a.costPerSuccessfulTrace!).toBeCloseTo(ACCURATE, 9);
  });

  it('eval-fail-rate per evaluator from events, evaluation spans and the evaluations file', () => {
    const f = cohort(report, 'route', 'support-fast');
    // A: 6 (2 fail, spans), B: 2 pass (file, by span), C: 1 fail (file, by trace id).
    expect(f.evals).toEqual([{ evaluator: 'json_validity', results: 9, withVerdict: 9, failed: 3, failRate: 3 / 9, meanScore: 6 / 9 }]);
    const a = cohort(report, 'route', 'support-accurate');
    // E: events on the open stream attempt spans; the first has no label/passed: 0.4 < threshold 0.7 → failed.
    expect(a.evals).toEqual([{ evaluator: 'groundedness', results: 3, withVerdict: 3, failed: 1, failRate: 1 / 3, meanScore: (0.4 + 0.9 + 0.9) / 3 }]);
    const openai = cohort(report, 'provider', 'openai');
    expect(openai.evals[0]).toMatchObject({ evaluator: 'json_validity', results: 8, failed: 2, failRate: 0.25 });
    const anthropic = cohort(report, 'provider', 'anthropic');
    expect(anthropic.evals.find((e) => e.evaluator === 'json_validity')).toMatchObject({ results: 1, failed: 1, failRate: 1 });
    expect(report.coverage.orphanEvaluations).toBe(1); // the file line for a trace that is not there
    expect(report.join.evaluations).toBe(6 + 3 + 3 + 1);
  });

  it('cohorts by provider, model and deployment follow the answering deployment', () => {
    expect(cohort(report, 'provider', 'openai')).toMatchObject({ requests: 9, successes: 8 }); // A, B, D
    expect(cohort(report, 'provider', 'anthropic')).toMatchObject({ requests: 5, successes: 4 }); // C, E, F
    expect(cohort(report, 'model', 'claude-haiku-4-5').requests).toBe(5);
    expect(cohort(report, 'deployment', 'fast-openai').costUsd).toBeCloseTo(9 * FAST, 9);
    expect(report.totals.requests).toBe(14);
    expect(report.totals.costPerSuccessfulTrace!).toBeCloseTo((9 * FAST + 4 * ACCURATE) / 12, 9);
  });

  it('route → provider distribution flags the fallback as off-primary', () => {
    const r = report.routes.find((x) => x.route === 'support-fast')!;
    expect(r.primary).toEqual({ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', source: 'observed' });
    expect(r.targets.map((t) => [t.deployment, t.requests, t.primary])).toEqual([
      ['fast-openai', 8, true],
      ['accurate-anthropic', 1, false],
    ]);
    expect(r.offPrimary).toBe(1);
    expect(r.offPrimaryShare).toBe(0.1);
    expect(r.reasons).toEqual({ fallback: 1, retry: 0, drift: 0, unconfigured: 0 });
    expect(r.failed).toBe(1);
  });

  it('attempt-level provider figures count failed attempts', () => {
    const p = report.providers.find((x) => x.deployment === 'fast-openai')!;
    expect(p).toMatchObject({ attempts: 6 + 4 + 2 + 1, failed: 4, errorTypes: { rate_limit: 2, upstream_unavailable: 2 } });
    expect(p.costUsd).toBeCloseTo(9 * FAST, 9);
    const a = report.providers.find((x) => x.deployment === 'accurate-anthropic')!;
    expect(a).toMatchObject({ attempts: 5, failed: 1, errorTypes: { bad_request: 1 } });
  });

  it('span coverage: calls inside an app trace, calls with every required attribute', () => {
    expect(report.coverage.calls).toBe(14);
    expect(report.coverage.inAppTrace).toBe(8); // A and B ran inside a "ticket" span
    expect(report.coverage.inAppTraceShare).toBe(8 / 14);
    expect(report.coverage.complete).toBe(14);
    expect(report.coverage.callsMissingAttempts).toBe(0);
    expect(report.coverage.orphanAttempts).toBe(0);
    expect(cohort(report, 'route', 'support-fast').coverage).toEqual({ calls: 10, inAppTrace: 8, inAppTraceShare: 0.8, complete: 10, completeShare: 1 });
  });

  it('the trace sample has the waterfall and evaluations of the calls', () => {
    expect(report.traces).toHaveLength(14);
    const c = report.traces.find((t) => t.spanId === files.targets.C[0]!.spanId)!;
    expect(c.outcome).toBe('fallback_success');
    expect(c.attempts.map((a) => [a.index, a.deployment, a.errorType])).toEqual([
      [0, 'fast-openai', 'upstream_unavailable'],
      [1, 'fast-openai', 'upstream_unavailable'],
      [2, 'accurate-anthropic', null],
    ]);
    expect(c.evals).toMatchObject([{ name: 'json_validity', passed: false }]);
    const a0 = report.traces.find((t) => t.spanId === files.targets.A[0]!.spanId)!;
    expect(a0.evals).toMatchObject([{ name: 'json_validity', score: 0, passed: false }]);
  });

  it('a missing coverage attribute is counted: a call span stripped of its outcome', async () => {
    // Same traces with tracegate.outcome removed from one call span.
    const text = readFileSync(files.tracesFile, 'utf8');
    const target = files.targets.A[0]!.spanId;
    const patched = text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const doc = JSON.parse(line);
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) if (s.spanId === target) s.attributes = s.attributes.filter((kv: { key: string }) => kv.key !== 'tracegate.outcome');
        return JSON.stringify(doc);
      })
      .join('\n');
    const file = join(dir, 'patched.jsonl');
    writeFileSync(file, patched);
    const r = await buildReport({ traces: file, progress: false });
    expect(r.coverage.complete).toBe(13);
  });
});
