/**
 * Regressions between two reports (a baseline file with `--compare`, or two time windows of one
 * file with `--window`): per cohort, what moved. The flag the seed cares about is `route_rollback`:
 * latency went down while an evaluator's fail rate went up — a faster route (a fallback, a cheaper
 * model) serving worse answers, the case for rolling the route back. Other flags: eval_regression,
 * latency_regression, success_drop, cost_regression, and provider_shift (an alias's share answered
 * by its primary moved). Cohorts below `minRequests` (or evaluators below `minEvaluations`
 * results with a verdict) on either side are compared but never flagged.
 */
import type { CohortDelta, CohortStats, CompareThresholds, Comparison, Flag, MetricDelta, RouteDistribution, WindowReport } from './types.js';

export const DEFAULT_THRESHOLDS: CompareThresholds = {
  latency: 0.1,
  evalFailRate: 0.05,
  successRate: 0.05,
  cost: 0.2,
  providerShift: 0.1,
  minRequests: 10,
  minEvaluations: 10,
};

export function metricDelta(baseline: number | null | undefined, current: number | null | undefined): MetricDelta {
  const b = baseline ?? null;
  const c = current ?? null;
  const delta = b !== null && c !== null ? c - b : null;
  return { baseline: b, current: c, delta, relative: delta !== null && b ? delta / b : null };
}

const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const signedPct = (v: number | null): string => (v === null ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%`);
const points = (v: number | null): string => (v === null ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
const msText = (v: number | null): string => (v === null ? '-' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);

function keyOf(c: CohortStats): string {
  return `${c.shadow ? 's' : 'l'}\u0000${c.label}`;
}

function cohortDelta(by: string[], b: CohortStats | undefined, c: CohortStats | undefined, t: CompareThresholds, flags: Flag[]): CohortDelta {
  const ref = (c ?? b)!;
  const evalNames = new Set([...(b?.evals ?? []).map((e) => e.evaluator), ...(c?.evals ?? []).map((e) => e.evaluator)]);
  const evalFailRate: Record<string, MetricDelta> = {};
  for (const name of [...evalNames].sort()) {
    evalFailRate[name] = metricDelta(b?.evals.find((e) => e.evaluator === name)?.failRate, c?.evals.find((e) => e.evaluator === name)?.failRate);
  }
  const d: CohortDelta = {
    by,
    key: ref.key,
    label: ref.label,
    shadow: ref.shadow,
    requests: metricDelta(b?.requests, c?.requests),
    successRate: metricDelta(b?.successRate, c?.successRate),
    latencyP50Ms: metricDelta(b?.latencyMs.p50, c?.latencyMs.p50),
    latencyP95Ms: metricDelta(b?.latencyMs.p95, c?.latencyMs.p95),
    ttftP95Ms: metricDelta(b?.ttftMs.p95, c?.ttftMs.p95),
    costPerSuccessfulTrace: metricDelta(b?.costPerSuccessfulTrace, c?.costPerSuccessfulTrace),
    wholeTraceCostPerSuccessfulTrace: metricDelta(b?.traces.wholeTraceCostPerSuccessfulTrace, c?.traces.wholeTraceCostPerSuccessfulTrace),
    costPerSuccessfulRequest: metricDelta(b?.costPerSuccessfulRequest, c?.costPerSuccessfulRequest),
    traceSuccessRate: metricDelta(b?.traces.successRate, c?.traces.successRate),
    callsPerTraceP95: metricDelta(b?.traces.callsPerTrace.p95, c?.traces.callsPerTrace.p95),
    attemptsPerRequest: metricDelta(b?.attemptsPerRequest, c?.attemptsPerRequest),
    fallbackRate: metricDelta(b?.fallbackRate, c?.fallbackRate),
    evalFailRate,
    flags: [],
  };
  if (!b) d.only = 'current';
  if (!c) d.only = 'baseline';
  if (!b || !c || b.requests < t.minRequests || c.requests < t.minRequests) return d;

  const raise = (kind: Flag['kind'], message: string): void => {
    d.flags.push(kind);
    flags.push({ kind, cohort: `${by.join('+')}=${d.label}`, shadow: d.shadow, message: `${d.label}: ${message}` });
  };
  const latencyDown = (d.latencyP95Ms.relative !== null && d.latencyP95Ms.relative <= -t.latency) || (d.latencyP50Ms.relative !== null && d.latencyP50Ms.relative <= -t.latency);
  const worse: string[] = [];
  for (const [name, m] of Object.entries(evalFailRate)) {
    const be = b.evals.find((e) => e.evaluator === name);
    const ce = c.evals.find((e) => e.evaluator === name);
    if (!be || !ce || be.withVerdict < t.minEvaluations || ce.withVerdict < t.minEvaluations) continue;
    if (m.delta !== null && m.delta >= t.evalFailRate) worse.push(`${name} eval-fail-rate ${points(m.delta)} (${pct(m.baseline)} → ${pct(m.current)})`);
  }
  const lat = d.latencyP95Ms.relative !== null && d.latencyP95Ms.relative <= -t.latency ? d.latencyP95Ms : d.latencyP50Ms;
  const latName = lat === d.latencyP95Ms ? 'p95' : 'p50';
  if (latencyDown && worse.length) {
    raise('route_rollback', `${latName} latency ${signedPct(lat.relative)} (${msText(lat.baseline)} → ${msText(lat.current)}) while ${worse.join(', ')}: faster but worse answers — consider rolling the route back`);
  } else if (worse.length) raise('eval_regression', worse.join(', '));
  if (d.latencyP95Ms.relative !== null && d.latencyP95Ms.relative >= t.latency) {
    raise('latency_regression', `p95 latency ${signedPct(d.latencyP95Ms.relative)} (${msText(d.latencyP95Ms.baseline)} → ${msText(d.latencyP95Ms.current)})`);
  }
  if (d.successRate.delta !== null && d.successRate.delta <= -t.successRate) {
    raise('success_drop', `success rate ${points(d.successRate.delta)} (${pct(d.successRate.baseline)} → ${pct(d.successRate.current)})`);
  }
  if (d.costPerSuccessfulTrace.relative !== null && d.costPerSuccessfulTrace.relative >= t.cost) {
    raise('cost_regression', `cost per successful trace ${signedPct(d.costPerSuccessfulTrace.relative)}`);
  }
  return d;
}

function primaryShare(r: RouteDistribution): number | null {
  const p = r.targets.find((x) => x.primary);
  return r.requests ? (p?.requests ?? 0) / r.requests : null;
}

export function compareReports(
  baseline: WindowReport,
  current: WindowReport,
  sources: { baseline: string; current: string },
  thresholds: Partial<CompareThresholds> = {},
): Comparison {
  const t: CompareThresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const flags: Flag[] = [];
  const cohorts: CohortDelta[] = [];
  for (const table of current.tables) {
    const base = baseline.tables.find((x) => x.by.join() === table.by.join());
    const bMap = new Map((base?.cohorts ?? []).map((c) => [keyOf(c), c]));
    const seen = new Set<string>();
    for (const c of table.cohorts) {
      seen.add(keyOf(c));
      cohorts.push(cohortDelta(table.by, bMap.get(keyOf(c)), c, t, flags));
    }
    for (const [k, b] of bMap) if (!seen.has(k)) cohorts.push(cohortDelta(table.by, b, undefined, t, flags));
  }
  for (const r of current.routes) {
    const b = baseline.routes.find((x) => x.route === r.route);
    if (!b || b.requests < t.minRequests || r.requests < t.minRequests) continue;
    const m = metricDelta(primaryShare(b), primaryShare(r));
    if (m.delta !== null && Math.abs(m.delta) >= t.providerShift) {
      flags.push({
        kind: 'provider_shift',
        cohort: `route=${r.route}`,
        shadow: false,
        message: `${r.route}: share answered by the primary ${r.primary?.deployment ?? '?'} ${points(m.delta)} (${pct(m.baseline)} → ${pct(m.current)})`,
      });
    }
  }
  return { baseline: { label: baseline.label, source: sources.baseline }, current: { label: current.label, source: sources.current }, thresholds: t, cohorts, flags };
}
