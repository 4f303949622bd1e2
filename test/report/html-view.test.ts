/**
 * The HTML page's data (render/html/view.ts) for a report with an unpriced model: an unknown cost
 * reads `unknown` in the cards, the cohort tables, the trace list and the trace detail, never 0,
 * `$-` or `$n/a`; the trace list is in start order and says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderHtml, type Report } from '../../src/report/index.js';
import type { Block, TableView } from '../../src/report/render/html/blocks.js';
import { pageView } from '../../src/report/render/html/view.js';
import { synthLines, type SynthCall } from './helpers/synth.js';

const T0 = Date.UTC(2026, 2, 3, 9);
let dir: string;
let report: Report;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-html-view-'));
  const calls: SynthCall[] = [];
  for (let i = 0; i < 6; i++) {
    // Listed out of order on purpose: the page sorts by start.
    calls.push({ route: 'support-local', startMs: T0 + (6 - i) * 1000, latencyMs: 90, attempts: [{ deployment: 'local', provider: 'ollama', model: 'llama-unpriced', priceUnknown: true, inTokens: 50, outTokens: 10 }] });
  }
  calls.push({ route: 'support-fast', startMs: T0 + 500, latencyMs: 300, attempts: [{ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', errorType: 'rate_limit', status: 429, durationMs: 20 }, { deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.0004, inTokens: 100, outTokens: 20 }] });
  const file = join(dir, 'traces.jsonl');
  writeFileSync(file, synthLines(calls));
  report = await buildReport({ traces: file, progress: false });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tables = (blocks: Block[]): TableView[] => blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : []));
const cellText = (c: TableView['rows'][number][number]): string => (typeof c === 'string' ? c : c.text);

describe('HTML page view', () => {
  it('reads an unknown cost as unknown everywhere, never 0 or $-', () => {
    const view = pageView(report);
    const costTable = tables(view.tables).find((t) => t.headers.includes('$/successful trace') && t.headers.includes('$/req'))!;
    const local = costTable.rows.find((r) => cellText(r[0]!) === 'support-local')!;
    for (const h of ['$/successful trace', '$/successful req', '$/req', 'cost $']) expect(cellText(local[costTable.headers.indexOf(h)]!), h).toBe('unknown');
    const fast = costTable.rows.find((r) => cellText(r[0]!) === 'support-fast')!;
    expect(cellText(fast[costTable.headers.indexOf('$/req')]!)).toBe('0.000400');
    // The whole report: some calls priced, some not: a lower bound.
    expect(view.cards.find((c) => c.label === 'cost per successful call')!.value).toMatch(/^≥\$0\.0000\d+$/);
    const listCost = view.traces.table.headers.indexOf('cost $');
    expect(view.traces.table.rows.map((r) => cellText(r[listCost]!))).toEqual(['0.000400', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    const html = renderHtml(report);
    expect(html).not.toMatch(/\$-|\$n\/a|\$unknown/);
    // The 429 attempt had nothing to price: n/a, not unknown and not 0.
    const detail = JSON.stringify(view.details);
    expect(detail).toContain('HTTP 429 rate_limit · cost n/a');
    expect(detail).toContain('cost unknown · call span');
  });

  it('lists the sampled calls in start order and says so', () => {
    const view = pageView(report);
    const starts = view.traces.table.rows.map((r) => cellText(r[0]!));
    expect(starts).toEqual([...starts].sort());
    expect(view.traces.note).toMatch(/^7 calls in start order\./);
    expect(view.traces.note).not.toMatch(/first\)/);
  });
});
