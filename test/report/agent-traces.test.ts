/**
 * Trace-level figures on agent traces with known truth (helpers/agent-scenario.ts): several routed
 * calls per trace, retries, a fallback, a failed trace, a handled failure, a partial trace and late
 * evaluations. Every trace-level figure is asserted exactly (USD to 1e-9), with the cohort rules: a
 * trace is in every route / provider cohort it touched, with that cohort's share of its cost and
 * its whole cost. The same traces closed after a 1 ms idle gap (every task closes before the next
 * one's spans) give the same figures, with the late evaluations counted and still applied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type CohortStats, type Report, type TraceStats } from '../../src/report/index.js';
import { A, F, runAgentScenario, type AgentScenarioFiles } from './helpers/agent-scenario.js';
import { runScriptedScenario } from './helpers/scenario.js';

let dir: string;
let files: AgentScenarioFiles;
const reports: Record<'status' | 'evals' | 'statusLate' | 'evalsLate', Report> = {} as never;

function cohort(r: Report, dim: string, value: string): CohortStats {
  const table = r.tables.find((t) => t.by.length === 1 && t.by[0] === dim)!;
  const c = table.cohorts.find((x) => x.key[dim] === value && !x.shadow);
  if (!c) throw new Error(`no ${dim} cohort ${value}: ${table.cohorts.map((x) => x.label).join(', ')}`);
  return c;
}

/** Every trace figure; USD to 1e-9. */
function expectTraces(t: TraceStats, want: { traces: number; successes: number; partial: number; share: number; whole: number; calls: [number, number, number]; retries: number; fallbacks: number }): void {
  expect({ traces: t.traces, successes: t.successes, successRate: t.successRate, partial: t.partial, priceUnknown: t.priceUnknown }).toEqual({
    traces: want.traces,
    successes: want.successes,
    successRate: want.successes / want.traces,
    partial: want.partial,
    priceUnknown: 0,
  });
  expect(t.costShareUsd).toBeCloseTo(want.share, 9);
  expect(t.costWholeUsd).toBeCloseTo(want.whole, 9);
  expect(t.costPerSuccessfulTrace!).toBeCloseTo(want.share / want.successes, 9);
  expect(t.wholeTraceCostPerSuccessfulTrace!).toBeCloseTo(want.whole / want.successes, 9);
  expect([t.callsPerTrace.p50, t.callsPerTrace.p95]).toEqual([want.calls[0], want.calls[1]]);
  expect(t.callsPerTrace.mean!).toBeCloseTo(want.calls[2], 12);
  expect(t.retriesPerTrace!).toBeCloseTo(want.retries, 12);
  expect(t.fallbacksPerTrace!).toBeCloseTo(want.fallbacks, 12);
}

// Truth (see the helper): costs T1 3F, T2 3F+A, T3 A+F, T4 F, T5 F, T6 F; calls 3, 4, 2, 2, 2, 1.
const TOTAL = 10 * F + 2 * A; // 0.0052
const CALLS: [number, number, number] = [2, 4, 14 / 6]; // sorted 1 2 2 2 3 4: p50 = the 3rd = 2, p95 = the 6th = 4

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-agent-'));
  files = await runAgentScenario(dir);
  const base = { traces: files.tracesFile, evals: files.evalsFile, progress: false as const };
  reports.status = await buildReport(base);
  reports.evals = await buildReport({ ...base, success: 'evals' });
  reports.statusLate = await buildReport({ ...base, traceIdleMs: 1 });
  reports.evalsLate = await buildReport({ ...base, success: 'evals', traceIdleMs: 1 });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('trace-level figures of agent traces (--success status)', () => {
  for (const which of ['status', 'statusLate'] as const) {
    it(`totals: 6 traces, 4 successful (T4 unhandled failure, T6 stand-in root error) [${which}]`, () => {
      const r = reports[which];
      // T1, T2, T3, T5 succeed; cost of all six traces over the four.
      expectTraces(r.totals.traces, { traces: 6, successes: 4, partial: 1, share: TOTAL, whole: TOTAL, calls: CALLS, retries: 2 / 6, fallbacks: 1 / 6 });
      expect(r.totals.costPerSuccessfulTrace!).toBeCloseTo(TOTAL / 4, 9); // $0.0013
      // Per call it looks cheaper: 14 calls, 12 successful.
      expect(r.totals.requests).toBe(14);
      expect(r.totals.successes).toBe(12);
      expect(r.totals.costPerSuccessfulRequest!).toBeCloseTo(TOTAL / 12, 9);
    });

    it(`routes: a trace is in every route it asked; share of its cost and its whole cost [${which}]`, () => {
      const r = reports[which];
      // support-fast: every task; its own calls 10F + A (T3's fallback hop stays with the alias asked).
      expectTraces(cohort(r, 'route', 'support-fast').traces, { traces: 6, successes: 4, partial: 1, share: 10 * F + A, whole: TOTAL, calls: CALLS, retries: 2 / 6, fallbacks: 1 / 6 });
      // support-accurate: T2 (answered, A), T4 (400, $0, unhandled), T5 (400, $0, handled).
      expectTraces(cohort(r, 'route', 'support-accurate').traces, { traces: 3, successes: 2, partial: 0, share: A, whole: 3 * F + A + F + F, calls: [2, 4, 8 / 3], retries: 1 / 3, fallbacks: 0 });
      // The request-level figures are unchanged: support-accurate looks like $0.0006 per successful call.
      const sa = cohort(r, 'route', 'support-accurate');
      expect([sa.requests, sa.successes]).toEqual([3, 1]);
      expect(sa.costPerSuccessfulRequest!).toBeCloseTo(A, 9);
      expect(sa.costPerSuccessfulTrace!).toBeCloseTo(A / 2, 9);
    });

    it(`providers and deployments: attempt by attempt, failed attempts touch too [${which}]`, () => {
      const r = reports[which];
      // openai: every task (T3's two 503s, T2's 429 cost nothing); its answers 10F.
      expectTraces(cohort(r, 'provider', 'openai').traces, { traces: 6, successes: 4, partial: 1, share: 10 * F, whole: TOTAL, calls: CALLS, retries: 2 / 6, fallbacks: 1 / 6 });
      // anthropic: T2 (A), T3 (the fallback's answer A), T4 and T5 (a 400 each, $0).
      const anth = { traces: 4, successes: 3, partial: 0, share: 2 * A, whole: 3 * F + A + (A + F) + F + F, calls: [2, 4, 10 / 4] as [number, number, number], retries: 2 / 4, fallbacks: 1 / 4 };
      expectTraces(cohort(r, 'provider', 'anthropic').traces, anth);
      expectTraces(cohort(r, 'deployment', 'accurate-anthropic').traces, anth);
      expectTraces(cohort(r, 'model', 'claude-haiku-4-5').traces, anth);
    });
  }

  it('grouping: everything closed at the end with the default idle gap; a 1 ms gap closes each task before the next', () => {
    expect(reports.status.traceGrouping).toMatchObject({
      success: 'status',
      traces: 6,
      tracesWithoutCalls: 0,
      partial: 1,
      closedIdle: 0,
      closedCap: 0,
      closedAtEnd: 6,
      late: { spans: 0, calls: 0, attempts: 0, evaluations: 0, other: 0 },
      overflow: { spans: 0 },
      evaluationsAfterClose: 0,
      verdictsChangedAfterClose: 0,
    });
    expect(reports.statusLate.traceGrouping).toMatchObject({
      traces: 6,
      closedIdle: 6,
      closedAtEnd: 0,
      peakOpen: 2, // the next task's first span opens it before the previous one is swept
      // T2's and T3's evaluation spans came after their tasks closed; T1's file result by trace id is applied at the end.
      late: { spans: 2, calls: 0, attempts: 0, evaluations: 2, other: 0 },
      evaluationsAfterClose: 3,
      verdictsChangedAfterClose: 0,
    });
    // Late evaluations still reach the request-level eval figures.
    expect(cohort(reports.statusLate, 'route', 'support-fast').evals).toEqual(cohort(reports.status, 'route', 'support-fast').evals);
  });
});

describe('--success evals: every evaluation of the trace must pass', () => {
  for (const which of ['evals', 'evalsLate'] as const) {
    it(`T2's failing evaluation fails T2, also when it arrives after T2 closed [${which}]`, () => {
      const r = reports[which];
      expectTraces(r.totals.traces, { traces: 6, successes: 3, partial: 1, share: TOTAL, whole: TOTAL, calls: CALLS, retries: 2 / 6, fallbacks: 1 / 6 });
      expectTraces(cohort(r, 'route', 'support-accurate').traces, { traces: 3, successes: 1, partial: 0, share: A, whole: 5 * F + A, calls: [2, 4, 8 / 3], retries: 1 / 3, fallbacks: 0 });
      expect(cohort(r, 'provider', 'anthropic').traces.successes).toBe(2);
      expect(r.traceGrouping.verdictsChangedAfterClose).toBe(which === 'evalsLate' ? 1 : 0);
    });
  }
});

describe('single-call traces give the request-level figures', () => {
  it('the scripted single-call scenario: traces = requests, cost per successful trace = cost ÷ successful requests', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tracegate-single-'));
    try {
      const f = await runScriptedScenario(d);
      const r = await buildReport({ traces: f.tracesFile, evals: f.evalsFile, progress: false });
      for (const c of [r.totals, ...r.tables[0]!.cohorts]) {
        expect(c.traces.traces).toBe(c.requests);
        expect(c.traces.successes).toBe(c.successes);
        expect(c.costPerSuccessfulTrace!).toBeCloseTo(c.costPerSuccessfulRequest!, 12);
        expect(c.traces.wholeTraceCostPerSuccessfulTrace!).toBeCloseTo(c.costPerSuccessfulRequest!, 12);
      }
      expect(r.traceGrouping.traces).toBe(14);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});
