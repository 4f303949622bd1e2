/**
 * The terminal report at its width (100 columns) with long cohort names, a comparison whose
 * cohorts carry several flags, and a model of unknown price: no line is longer than the width,
 * every cohort name and flag is printed whole, and an unknown cost reads `unknown`, never 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderTerminal, type Report } from '../../src/report/index.js';
import { renderTable, type Column } from '../../src/report/render/table.js';
import { TERMINAL_WIDTH } from '../../src/report/render/terminal.js';
import { synthLines, type SynthCall } from './helpers/synth.js';

const T0 = Date.UTC(2026, 2, 3, 9);
const LONG_ROUTE = 'support-accurate-for-enterprise-customers';
const anthropic = { deployment: 'accurate-anthropic-eu-west-primary', provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' };
const openai = { deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini' };
const local = { deployment: 'local-llama', provider: 'ollama', model: 'llama-3.1-8b-unpriced' };

function window(start: number, degraded: boolean): SynthCall[] {
  const out: SynthCall[] = [];
  for (let i = 0; i < 30; i++) {
    out.push({
      route: LONG_ROUTE,
      startMs: start + i * 1000,
      latencyMs: degraded ? 2400 : 600,
      attempts: degraded && i % 2 === 0 ? [{ ...anthropic, errorType: 'upstream_unavailable', status: 529, durationMs: 30 }, { ...openai, costUsd: 0.0009, inTokens: 100, outTokens: 20 }] : [{ ...anthropic, costUsd: 0.004, inTokens: 100, outTokens: 20 }],
      evals: [{ name: 'groundedness', passed: degraded ? i % 3 !== 0 : true, score: 1 }],
    });
    out.push({ route: 'support-local', startMs: start + i * 1000 + 500, latencyMs: 90, attempts: [{ ...local, priceUnknown: true, inTokens: 50, outTokens: 10 }] });
  }
  return out;
}

let dir: string;
let report: Report;
let text: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-terminal-width-'));
  const base = join(dir, 'base.jsonl');
  const cur = join(dir, 'cur.jsonl');
  writeFileSync(base, synthLines(window(T0, false)));
  writeFileSync(cur, synthLines(window(T0 + 3_600_000, true)));
  report = await buildReport({ traces: cur, compare: base, by: [['route'], ['route', 'provider', 'model']], progress: false, thresholds: { minRequests: 5, minEvaluations: 5 } });
  text = renderTerminal(report);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('terminal report width', () => {
  it('keeps every line within the width', () => {
    const long = text.split('\n').filter((l) => [...l].length > TERMINAL_WIDTH);
    expect(long).toEqual([]);
  });

  it('prints every cohort name whole', () => {
    const labels = report.tables.flatMap((t) => t.cohorts.map((c) => c.label));
    expect(labels.some((l) => l.length > 60)).toBe(true);
    for (const l of labels) expect(text, l).toContain(l);
    expect(text).not.toMatch(/support-accurate-for-enterprise-cust…/);
  });

  it('prints the comparison columns whole: cohort, eval-fail-rate and every flag', () => {
    const moved = report.comparison!.cohorts.filter((d) => d.flags.length > 0);
    expect(moved.some((d) => d.flags.length >= 2)).toBe(true);
    const section = text.slice(text.indexOf('Compared with the baseline'));
    for (const d of moved) {
      expect(section).toContain(d.label);
      for (const f of d.flags) expect(section).toContain(f);
    }
    expect(section).toMatch(/groundedness \+\d+\.\dpt/);
  });

  it('shows an unknown cost as unknown, never 0', () => {
    const costRows = text.split('\n').filter((l) => l.startsWith('support-local'));
    expect(costRows.length).toBeGreaterThan(0);
    const costTable = text.slice(text.indexOf('By route: tokens and cost'));
    const row = costTable.split('\n').find((l) => l.startsWith('support-local'))!;
    expect(row).toMatch(/unknown/);
    expect(row.split(/\s+/)).not.toContain('0');
    // The whole-report line: a lower bound, marked as such.
    expect(text).toMatch(/cost ≥\$[\d.]+: ≥\$[\d.]+ per successful trace/);
  });
});

describe('renderTable', () => {
  const cols: Column<[string, string, string]>[] = [
    { header: 'cohort', width: 6, align: 'left', flex: true, value: (r) => r[0] },
    { header: 'n', width: 4, value: (r) => r[1] },
    { header: 'flags', width: 6, align: 'left', wrap: true, value: (r) => r[2] },
  ];

  it('sizes a flex column to its longest value and puts a too-long one on its own line', () => {
    const out = renderTable(cols, [['short', '1', 'a'], ['x'.repeat(30), '2', 'b']], 30);
    expect(out[0]).toBe(`${'cohort'.padEnd(18)}    n flags`);
    expect(out).toContain('x'.repeat(30));
    expect(out.every((l) => l.length <= 30)).toBe(true);
    const wide = renderTable(cols, [['a-long-cohort-name', '1', 'a']], 60);
    expect(wide[1]).toBe('a-long-cohort-name    1 a');
  });

  it('wraps the last column onto continuation lines under itself', () => {
    const out = renderTable(cols, [['c', '1', 'route_rollback, latency_regression, eval_regression']], 40);
    expect(out.every((l) => l.length <= 40)).toBe(true);
    expect(out.slice(1).join(' ').replace(/\s+/g, ' ')).toContain('route_rollback, latency_regression, eval_regression');
    expect(out[2]).toMatch(/^ {12}[a-z]/);
  });
});
