/** The page's four charts as laid-out models: latency and cost by route, eval-fail-rate by cohort, providers over time. */
import type { CohortStats, Report } from '../../types.js';
import { groupedBars, rateBars, type RateRow } from '../chart/bars.js';
import { color } from '../chart/svg.js';
import { stackedTimeline } from '../chart/timeline.js';
import { cost, int, isoMinute, knownCost, ms, pct } from '../format.js';
import type { ChartView } from './blocks.js';

const legend = (names: string[]): ChartView['legend'] => names.map((name, i) => ({ name, color: color(i) }));

function latencyChart(routes: CohortStats[]): ChartView {
  const series = ['p50', 'p95', 'p99'];
  const withLatency = routes.filter((c) => c.latencyMs.p50 !== null);
  return {
    id: 'latency',
    title: 'Latency percentiles by route (ms)',
    svg: withLatency.length
      ? groupedBars(
          withLatency.map((c) => ({
            label: c.label,
            values: (['p50', 'p95', 'p99'] as const).map((p) => ({ series: p, value: c.latencyMs[p], text: `${ms(c.latencyMs[p])} ms` })),
          })),
          { chart: 'latency', series, notation: 'ms' },
        )
      : null,
    empty: 'No live calls.',
    legend: legend(series),
  };
}

function costChart(routes: CohortStats[]): ChartView {
  const series = ['per successful trace', 'per call'];
  const costed = routes.filter((c) => c.costPerSuccessfulTrace !== null || c.costPerRequest !== null);
  const anyKnown = costed.some((c) => knownCost(c.costPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces) !== null || knownCost(c.costPerRequest, c.priceUnknown, c.requests) !== null);
  return {
    id: 'cost',
    title: 'Cost per successful trace next to cost per call, by route',
    note: 'USD; failed attempts and failed traces included; no bar where the price is unknown',
    svg: anyKnown
      ? groupedBars(
          costed.map((c) => ({
            label: c.label,
            values: [
              {
                series: series[0]!,
                value: knownCost(c.costPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces),
                text: `${cost(c.costPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces)} (${int(c.traces.successes)} of ${int(c.traces.traces)} traces succeeded)`,
              },
              { series: series[1]!, value: knownCost(c.costPerRequest, c.priceUnknown, c.requests), text: `${cost(c.costPerRequest, c.priceUnknown, c.requests)} (${int(c.requests)} calls)` },
            ],
          })),
          { chart: 'cost', series, notation: 'usd' },
        )
      : null,
    empty: 'No calls with a known cost.',
    legend: legend(series),
  };
}

function evalChart(report: Report): ChartView {
  const rows: RateRow[] = [];
  const evaluators: string[] = [];
  for (const t of report.tables) {
    if (t.by.length !== 1 || (t.by[0] !== 'route' && t.by[0] !== 'provider')) continue;
    for (const c of t.cohorts) {
      for (const e of c.evals) {
        if (e.failRate === null) continue;
        if (!evaluators.includes(e.evaluator)) evaluators.push(e.evaluator);
        rows.push({ label: `${t.by[0]} ${c.label} · ${e.evaluator}`, value: e.failRate, text: `${pct(e.failRate)} (${e.failed} of ${e.withVerdict})`, series: e.evaluator, valueText: pct(e.failRate) });
      }
    }
  }
  return { id: 'evals', title: 'Eval-fail-rate by cohort', svg: rows.length ? rateBars(rows, { chart: 'evals', series: evaluators }) : null, empty: 'No evaluation results in these traces.', legend: legend(evaluators) };
}

function providerChart(report: Report): ChartView {
  const tl = report.providerTimeline;
  const svg = tl ? stackedTimeline(tl, { chart: 'providers' }) : null;
  const n = tl ? Math.max(0, ...Object.values(tl.series).map((s) => s.length)) : 0;
  return {
    id: 'providers',
    title: 'Provider distribution over time (live calls by answering provider)',
    ...(tl && svg ? { note: `UTC, from ${isoMinute(tl.startMs)}; ${tl.widthMs / 1000} s per bar, ${n} bars` } : {}),
    svg,
    empty: 'No live calls.',
    legend: legend(tl ? Object.keys(tl.series).sort() : []),
  };
}

export function chartViews(report: Report): ChartView[] {
  const routeTable = report.tables.find((t) => t.by.length === 1 && t.by[0] === 'route');
  const routes = routeTable ? routeTable.cohorts.filter((c) => !c.shadow && c.requests > 0) : [];
  return [latencyChart(routes), costChart(routes), evalChart(report), providerChart(report)];
}
