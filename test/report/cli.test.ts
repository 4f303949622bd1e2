/**
 * `tracegate report` on the command line: exit codes (0, 1 for input errors, 2 for usage), the
 * bad-line warning, terminal output within 100 columns, --json, --html, and control characters in
 * aliases not reaching the terminal.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/commands/report.js';
import { TERMINAL_WIDTH } from '../../src/report/render/terminal.js';
import { synthLines, type SynthCall } from './helpers/synth.js';

let dir: string;
let traces: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t), isTTY: false } } };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-cli-'));
  traces = join(dir, 'traces.jsonl');
  const calls: SynthCall[] = [];
  const t0 = Date.UTC(2026, 2, 1);
  for (let i = 0; i < 30; i++) {
    calls.push({
      route: i % 3 ? 'support-fast' : 'a-very-long-route-alias-that-does-not-fit-any-column\u001b[31m',
      startMs: t0 + i * 1000,
      latencyMs: 200 + i,
      ttftMs: 50,
      appParent: true,
      attempts: i % 5 === 0 ? [{ deployment: 'd1', provider: 'openai', model: 'gpt-4o-mini', errorType: 'rate_limit', status: 429 }, { deployment: 'd2', provider: 'anthropic', model: 'claude-haiku-4-5', costUsd: 0.00123, inTokens: 1000, outTokens: 100 }] : [{ deployment: 'd1', provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.0004, inTokens: 100, outTokens: 20 }],
      evals: [{ name: 'json_validity_with_a_long_evaluator_name', passed: i % 4 !== 0, score: i % 4 ? 1 : 0 }],
    });
  }
  writeFileSync(traces, synthLines(calls, 7) + 'garbage line\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tracegate report (CLI)', () => {
  it('prints the terminal report within 100 columns, warns about bad lines with their number', async () => {
    const t = io();
    expect(await runReport([traces], t.io)).toBe(0);
    const text = t.out.join('');
    const lines = text.split('\n');
    const tooWide = lines.filter((l) => [...l].length > TERMINAL_WIDTH);
    expect(tooWide).toEqual([]);
    expect(text).toMatch(/By route: requests, retries, fallbacks, latency/);
    expect(text).toMatch(/eval-fail-rate/);
    expect(text).toMatch(/Span coverage\n\s+100\.0% of calls sit inside an application trace \(30 of 30\)/);
    expect(text).not.toContain('\u001b');
    expect(t.err.join('')).toMatch(/warning: .*traces\.jsonl: skipped 1 bad line \(line 6: not JSON/);
  });

  it('--json prints the report as JSON; --html writes the page', async () => {
    const t = io();
    const html = join(dir, 'out', 'report.html');
    expect(await runReport([traces, '--json', '--html', html, '--by', 'route,provider'], t.io)).toBe(0);
    const report = JSON.parse(t.out.join(''));
    expect(report.format).toBe('tracegate-report');
    expect(report.tables.map((x: { by: string[] }) => x.by)).toEqual([['route'], ['route', 'provider']]);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/);
    expect(t.err.join('')).toMatch(/HTML report: .*report\.html/);
  });

  it('input errors exit 1 with the reason; usage errors exit 2', async () => {
    let t = io();
    expect(await runReport([join(dir, 'missing.jsonl')], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/^tracegate report: cannot read traces file .*missing\.jsonl: no such file\n$/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '\n\n{"resourceSpans": [}\n');
    t = io();
    expect(await runReport([bad], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/line 3: not JSON/);
    t = io();
    expect(await runReport([], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/missing the traces file/);
    t = io();
    expect(await runReport([traces, '--by', 'route,colour'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/unknown dimension "colour"/);
    t = io();
    expect(await runReport([traces, '--window', 'yesterday-ish'], t.io)).toBe(2);
    t = io();
    expect(await runReport([traces, '--compare', traces, '--window', 'auto'], t.io)).toBe(2);
    t = io();
    expect(await runReport(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/usage: tracegate report <traces>/);
  });
});
