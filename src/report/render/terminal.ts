/**
 * The report on a terminal, readable at 100 columns: one table per cohort kind (requests, success,
 * attempts, retries, fallbacks, latency and time-to-first-token percentiles), tokens and cost, the
 * eval-fail-rate per evaluator, where each route's traffic went, the semantic cache per route, attempt-level provider figures,
 * span coverage, and the comparison flags. Text from the traces is stripped of control characters.
 */
import type { CohortStats, CohortTable, Comparison, Report, RouteDistribution, WindowReport } from '../types.js';
import { cost, costDollars, int, isoMinute, ms, num, pct, signedPct, signedPoints, usd } from './format.js';
import { cut, printable, renderTable, wrapWords, type Column } from './table.js';

export const TERMINAL_WIDTH = 100;

function title(by: string[]): string {
  return `By ${by.join(' × ')}`;
}

/** Whole cohort names: as wide as the longest where the line has room, else on a line of their own. */
const cohortCol: Column<CohortStats> = { header: 'cohort', width: 6, align: 'left', flex: true, value: (c) => printable(c.label) };

const MAIN: Column<CohortStats>[] = [
  cohortCol,
  { header: 'reqs', width: 7, value: (c) => int(c.requests) },
  { header: 'ok%', width: 6, value: (c) => pct(c.successRate) },
  { header: 'att/req', width: 7, value: (c) => num(c.attemptsPerRequest) },
  { header: 'retry%', width: 6, value: (c) => pct(c.retryRate) },
  { header: 'fallbk%', width: 7, value: (c) => pct(c.fallbackRate) },
  { header: 'p50 ms', width: 7, value: (c) => ms(c.latencyMs.p50) },
  { header: 'p95 ms', width: 7, value: (c) => ms(c.latencyMs.p95) },
  { header: 'p99 ms', width: 7, value: (c) => ms(c.latencyMs.p99) },
  { header: 'ttft95', width: 7, value: (c) => ms(c.ttftMs.p95) },
];

const COST: Column<CohortStats>[] = [
  cohortCol,
  { header: 'reqs', width: 7, value: (c) => int(c.requests) },
  { header: 'in/req', width: 7, value: (c) => num(c.inputTokensPerRequest, 1) },
  { header: 'out/req', width: 7, value: (c) => num(c.outputTokensPerRequest, 1) },
  { header: 'cost $', width: 9, value: (c) => cost(c.costUsd, c.priceUnknown, c.requests) },
  { header: '$/req', width: 9, value: (c) => cost(c.costPerRequest, c.priceUnknown, c.requests) },
  { header: '$/ok req', width: 9, value: (c) => cost(c.costPerSuccessfulRequest, c.priceUnknown, c.requests) },
  { header: '$/ok trace', width: 10, value: (c) => cost(c.costPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces) },
  { header: 'no price', width: 8, value: (c) => (c.priceUnknown ? int(c.priceUnknown) : '') },
];

const TRACES: Column<CohortStats>[] = [
  cohortCol,
  { header: 'traces', width: 7, value: (c) => int(c.traces.traces) },
  { header: 'ok%', width: 6, value: (c) => pct(c.traces.successRate) },
  { header: 'calls50', width: 7, value: (c) => int(c.traces.callsPerTrace.p50) },
  { header: 'calls95', width: 7, value: (c) => int(c.traces.callsPerTrace.p95) },
  { header: 'retry/tr', width: 8, value: (c) => num(c.traces.retriesPerTrace) },
  { header: 'fallbk/tr', width: 9, value: (c) => num(c.traces.fallbacksPerTrace) },
  { header: '$/ok trace', width: 10, value: (c) => cost(c.traces.costPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces) },
  { header: 'whole $/ok', width: 10, value: (c) => cost(c.traces.wholeTraceCostPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces) },
];

interface EvalRow {
  cohort: string;
  evaluator: string;
  results: number;
  failed: number;
  failRate: number | null;
  mean: number | null;
}

const EVALS: Column<EvalRow>[] = [
  { header: 'cohort', width: 6, align: 'left', flex: true, value: (r) => printable(r.cohort) },
  { header: 'evaluator', width: 24, align: 'left', value: (r) => printable(r.evaluator) },
  { header: 'results', width: 8, value: (r) => int(r.results) },
  { header: 'failed', width: 7, value: (r) => int(r.failed) },
  { header: 'fail rate', width: 9, value: (r) => pct(r.failRate) },
  { header: 'mean score', width: 10, value: (r) => num(r.mean, 3) },
];

function evalRows(cohorts: CohortStats[]): EvalRow[] {
  const rows: EvalRow[] = [];
  for (const c of cohorts) for (const e of c.evals) rows.push({ cohort: c.label, evaluator: e.evaluator, results: e.results, failed: e.failed, failRate: e.failRate, mean: e.meanScore });
  return rows;
}

const MAX_ROWS = 40;

function limited<T>(rows: T[], lines: string[], render: (rows: T[]) => string[]): void {
  lines.push(...render(rows.slice(0, MAX_ROWS)));
  if (rows.length > MAX_ROWS) lines.push(`  … ${rows.length - MAX_ROWS} more (see --json or --html)`);
}

/** A blank line and a section title, wrapped to the width. */
function heading(lines: string[], text: string): void {
  lines.push('', ...wrapWords(text, TERMINAL_WIDTH));
}

function cohortSection(t: CohortTable, lines: string[]): void {
  const withRequests = t.cohorts.filter((c) => c.requests > 0);
  heading(lines, `${title(t.by)}: requests, retries, fallbacks, latency`);
  limited(withRequests, lines, (rows) => renderTable(MAIN, rows, TERMINAL_WIDTH));
  heading(lines, `${title(t.by)}: tokens and cost (failed attempts included; $/ok req = cost ÷ successful requests)`);
  // The "no price" column only where some request had no known price.
  const costColumns = withRequests.some((c) => c.priceUnknown > 0) ? COST : COST.filter((c) => c.header !== 'no price');
  limited(withRequests, lines, (rows) => renderTable(costColumns, rows, TERMINAL_WIDTH));
  const withTraces = t.cohorts.filter((c) => c.traces.traces > 0);
  if (withTraces.length) {
    heading(lines, `${title(t.by)}: traces (a trace is in every cohort it touched)`);
    lines.push("  $/ok trace: the cohort's share of its traces' cost ÷ successful traces (failed traces' spend in)");
    lines.push('  whole $/ok: the whole cost of those traces ÷ successful traces');
    limited(withTraces, lines, (rows) => renderTable(TRACES, rows, TERMINAL_WIDTH));
  }
  const ev = evalRows(t.cohorts);
  if (ev.length) {
    heading(lines, `${title(t.by)}: eval-fail-rate`);
    limited(ev, lines, (rows) => renderTable(EVALS, rows, TERMINAL_WIDTH));
  }
}

function routeLines(r: RouteDistribution): string[] {
  const p = r.primary ? `primary ${r.primary.deployment} (${r.primary.provider}/${r.primary.model}, ${r.primary.source})` : 'no primary';
  const reasons = Object.entries(r.reasons)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${pct(r.requests ? n / r.requests : null)}`)
    .join(', ');
  const out = [cut(`${printable(r.route)}: ${int(r.requests)} reqs, ${p}`, TERMINAL_WIDTH), cut(`  off-primary ${pct(r.offPrimaryShare)}${reasons ? ` (${reasons})` : ''}`, TERMINAL_WIDTH)];
  for (const t of r.targets.slice(0, 8)) {
    const fallbackOnly = t.viaFallback === t.requests;
    const tags = [t.primary ? 'primary' : '', t.viaFallback ? (fallbackOnly ? 'via fallback' : `${int(t.viaFallback)} via fallback`) : '', t.configured === false && !fallbackOnly ? 'NOT CONFIGURED for this alias' : ''].filter(Boolean).join(', ');
    out.push(cut(`  ${pct(t.share).padStart(6)}  ${cut(printable(t.deployment), 24).padEnd(24)} ${cut(printable(`${t.provider}/${t.model}`), 36).padEnd(36)} ${tags}`, TERMINAL_WIDTH).replace(/\s+$/, ''));
  }
  if (r.targets.length > 8) out.push(`  … ${r.targets.length - 8} more targets`);
  if (r.failed) out.push(`  ${pct(r.requests ? r.failed / r.requests : null).padStart(6)}  (failed, no answer)`);
  if (r.cacheHits) out.push(`  ${pct(r.requests ? r.cacheHits / r.requests : null).padStart(6)}  (cache hits)`);
  return out;
}

function semanticCacheSection(w: WindowReport, lines: string[]): void {
  if (!w.semanticCache?.length) return;
  heading(lines, 'Semantic cache (eval-fail-rate of the answers it served vs. those a provider gave on the same route)');
  for (const r of w.semanticCache) {
    // The whole route name and every figure, wrapped rather than cut.
    const [head, ...rest] = wrapWords(
      `${printable(r.route)}: ${int(r.lookups)} lookups, hit rate ${pct(r.hitRate)}, saved $${usd(r.savedUsd)}, eval-fail cached ${pct(r.cachedEvalFailRate)} vs provider ${pct(r.answeredEvalFailRate)}`,
      TERMINAL_WIDTH - 2,
    );
    lines.push(head!, ...rest.map((l) => `  ${l}`));
  }
}

function providerSection(w: WindowReport, lines: string[]): void {
  if (!w.providers.length) return;
  lines.push('', 'Attempts by provider deployment (every attempt, failed ones included)');
  const cols: Column<WindowReport['providers'][number]>[] = [
    { header: 'deployment', width: 10, align: 'left', flex: true, value: (p) => printable(p.deployment) + (p.shadow ? ' (shadow)' : '') },
    { header: 'provider/model', width: 28, align: 'left', value: (p) => printable(`${p.provider}/${p.model}`) },
    { header: 'attempts', width: 8, value: (p) => int(p.attempts) },
    { header: 'fail%', width: 6, value: (p) => pct(p.failureRate) },
    { header: 'cost $', width: 9, value: (p) => usd(p.costUsd) },
    {
      header: 'errors',
      width: 12,
      align: 'left',
      wrap: true,
      value: (p) =>
        Object.entries(p.errorTypes)
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${printable(k)} ${n}`)
          .join(', '),
    },
  ];
  limited(w.providers, lines, (rows) => renderTable(cols, rows, TERMINAL_WIDTH));
}

function worstEval(d: Comparison['cohorts'][number]): string {
  const worst = Object.entries(d.evalFailRate).sort((a, b) => (b[1].delta ?? -1) - (a[1].delta ?? -1))[0];
  return worst ? `${printable(worst[0])} ${signedPoints(worst[1].delta)}` : '';
}

function comparisonSection(c: Comparison, lines: string[]): void {
  lines.push('', `Compared with the baseline: ${printable(c.baseline.source)}`);
  const moved = c.cohorts.filter((d) => d.flags.length > 0 || d.only);
  const cols: Column<(typeof moved)[number]>[] = [
    { header: 'cohort', width: 6, align: 'left', flex: true, value: (d) => printable(d.label) },
    { header: 'reqs', width: 7, value: (d) => (d.only ? `${d.only} only` : int(d.requests.current)) },
    { header: 'ok Δ', width: 8, value: (d) => signedPoints(d.successRate.delta) },
    { header: 'p50 Δ', width: 7, value: (d) => signedPct(d.latencyP50Ms.relative) },
    { header: 'p95 Δ', width: 7, value: (d) => signedPct(d.latencyP95Ms.relative) },
    { header: '$/ok Δ', width: 7, value: (d) => signedPct(d.costPerSuccessfulTrace.relative) },
    {
      header: 'eval-fail-rate Δ',
      width: Math.max(16, ...moved.map((d) => [...worstEval(d)].length)),
      align: 'left',
      value: worstEval,
    },
    { header: 'flags', width: 10, align: 'left', wrap: true, value: (d) => d.flags.join(', ') },
  ];
  if (moved.length) limited(moved, lines, (rows) => renderTable(cols, rows, TERMINAL_WIDTH));
  else lines.push('  no cohort moved past the thresholds');
  if (c.flags.length) {
    lines.push('', 'Flags');
    for (const f of c.flags) {
      const [head, ...rest] = wrapWords(`[${f.kind}] ${printable(f.message)}`, TERMINAL_WIDTH - 4);
      lines.push(`  ${head}`, ...rest.map((l) => `    ${l}`));
    }
  }
}

function windowSections(w: WindowReport, lines: string[]): void {
  for (const t of w.tables) cohortSection(t, lines);
  if (w.routes.length) {
    lines.push('', 'Route → provider distribution (live traffic; off-primary = answered by another deployment)');
    for (const r of w.routes) lines.push(...routeLines(r));
  }
  semanticCacheSection(w, lines);
  providerSection(w, lines);
}

export function renderTerminal(report: Report): string {
  const lines: string[] = [];
  const src = report.input.traces[0];
  if (src) {
    const detail = ` (${src.format}, ${int(src.spans)} spans${src.badLines ? `, ${int(src.badLines)} bad line${src.badLines === 1 ? '' : 's'} skipped` : ''})`;
    const room = TERMINAL_WIDTH - 'tracegate report: '.length - detail.length;
    const file = printable(src.file);
    lines.push(`tracegate report: ${[...file].length > room ? '…' + [...file].slice(-(room - 1)).join('') : file}${detail}`);
  }
  const tot = report.totals;
  const shadow = report.shadowTotals;
  const range = report.timeRange ? ` from ${isoMinute(report.timeRange.startMs)} to ${isoMinute(report.timeRange.endMs)} UTC` : '';
  lines.push(cut(`${int(tot.requests)} live call${tot.requests === 1 ? '' : 's'}${shadow ? ` and ${int(shadow.requests)} shadow call${shadow.requests === 1 ? '' : 's'}` : ''}${range}`, TERMINAL_WIDTH));
  const tt = tot.traces;
  const g = report.traceGrouping;
  lines.push(
    cut(
      `${int(tt.traces)} trace${tt.traces === 1 ? '' : 's'}${tt.partial ? ` (${int(tt.partial)} partial)` : ''}: ${pct(tt.successRate)} ok${g.success === 'evals' ? ' (evals too)' : ''}; calls per trace p50 ${int(tt.callsPerTrace.p50)} p95 ${int(tt.callsPerTrace.p95)}; per trace ${num(tt.retriesPerTrace)} retries, ${num(tt.fallbacksPerTrace)} fallbacks`,
      TERMINAL_WIDTH,
    ),
  );
  lines.push(
    cut(
      `cost ${costDollars(tot.costUsd, tot.priceUnknown, tot.requests)}: ${costDollars(tot.costPerSuccessfulTrace, tot.traces.priceUnknown, tot.traces.traces)} per successful trace (${costDollars(tot.costPerSuccessfulRequest, tot.priceUnknown, tot.requests)} per successful call); p95 latency ${ms(tot.latencyMs.p95)} ms`,
      TERMINAL_WIDTH,
    ),
  );
  const after = [g.late.spans ? `${int(g.late.spans)} late span${g.late.spans === 1 ? '' : 's'} (--trace-idle)` : '', g.overflow.spans ? `${int(g.overflow.spans)} overflow span${g.overflow.spans === 1 ? '' : 's'} (--max-open-traces)` : ''].filter(Boolean);
  if (after.length) lines.push(cut(`warning: ${after.join(', ')} came after their trace closed: not in the trace figures`, TERMINAL_WIDTH));
  if (report.baseline) lines.push(`window: ${report.label} (baseline: ${report.baseline.label})`);
  if (tot.requests === 0 && !shadow) lines.push('', 'No tracegate call spans found in this file.');
  windowSections(report, lines);
  const cov = report.coverage;
  lines.push('', 'Span coverage');
  lines.push(`  ${pct(cov.inAppTraceShare)} of calls sit inside an application trace (${int(cov.inAppTrace)} of ${int(cov.calls)})`);
  lines.push(`  ${pct(cov.completeShare)} of calls have every required attribute on the call and attempt spans (${int(cov.complete)})`);
  const gaps = [
    cov.callsMissingAttempts ? `${int(cov.callsMissingAttempts)} calls missing attempt spans` : '',
    cov.orphanAttempts ? `${int(cov.orphanAttempts)} attempt spans without their call span` : '',
    cov.orphanEvaluations ? `${int(cov.orphanEvaluations)} evaluations whose answer is not in the traces` : '',
  ].filter(Boolean);
  if (gaps.length) lines.push(`  ${gaps.join('; ')}`);
  if (report.comparison) comparisonSection(report.comparison, lines);
  return lines.join('\n') + '\n';
}
