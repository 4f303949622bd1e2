/** The whole page as data (blocks.ts): cards, charts, comparison, trace list and details, tables. */
import type { Report } from '../../types.js';
import { costDollars, int, ms, num, pct } from '../format.js';
import type { PageView } from './blocks.js';
import { chartViews } from './view-charts.js';
import { cohortTableBlocks, comparisonBlocks, coverageBlocks, providerBlocks, routeBlocks, semanticCacheBlocks } from './view-tables.js';
import { traceDetails, traceNote, traceTable } from './view-traces.js';

export function pageView(report: Report): PageView {
  const tot = report.totals;
  const cards: PageView['cards'] = [
    { value: int(tot.requests), label: 'live calls' },
    { value: pct(tot.successRate), label: 'succeeded' },
    { value: num(tot.attemptsPerRequest, 2), label: 'attempts per request' },
    { value: `${ms(tot.latencyMs.p95)} ms`, label: 'p95 latency' },
    { value: int(tot.traces.traces), label: 'traces (user tasks)' },
    { value: pct(tot.traces.successRate), label: 'traces succeeded' },
    { value: `${int(tot.traces.callsPerTrace.p50)} / ${int(tot.traces.callsPerTrace.p95)}`, label: 'calls per trace p50 / p95' },
    { value: costDollars(tot.costPerSuccessfulTrace, tot.traces.priceUnknown, tot.traces.traces), label: 'cost per successful trace' },
    { value: costDollars(tot.costPerSuccessfulRequest, tot.priceUnknown, tot.requests), label: 'cost per successful call' },
    { value: pct(report.coverage.inAppTraceShare), label: 'calls inside an app trace' },
    { value: pct(report.coverage.completeShare), label: 'calls with all required attributes' },
  ];
  if (report.shadowTotals) cards.push({ value: int(report.shadowTotals.requests), label: 'shadow calls' });
  const { details, index } = traceDetails(report.traces);
  return {
    cards,
    comparison: report.comparison ? comparisonBlocks(report.comparison) : null,
    charts: chartViews(report),
    traces: { note: traceNote(report.traces.length), table: traceTable(report.traces, index) },
    details,
    tables: cohortTableBlocks(report),
    routes: routeBlocks(report),
    semanticCache: semanticCacheBlocks(report),
    providers: providerBlocks(report),
    coverage: coverageBlocks(report),
  };
}
