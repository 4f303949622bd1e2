/** The report's data, as `--json` prints it and the HTML page embeds it. */
import type { JoinStats } from './model/join.js';
import type { ReadStats } from './read/trace-file.js';
import type { TimeSeries } from './stats/time-buckets.js';

export const REPORT_FORMAT_VERSION = 2;

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
  /** False once the values moved to the log histogram (±1 % relative error). */
  exact: boolean;
}

export interface EvaluatorStats {
  evaluator: string;
  /** Evaluation results joined to the cohort's answers. */
  results: number;
  /** Results with a verdict (passed or failed). */
  withVerdict: number;
  failed: number;
  /** failed / withVerdict. */
  failRate: number | null;
  meanScore: number | null;
}

export interface Coverage {
  calls: number;
  /** Calls whose call span has a parent that is not a tracegate span (the application's, or a remote caller's). */
  inAppTrace: number;
  inAppTraceShare: number | null;
  /** Calls whose call span and every attempt span carry all required attributes, with no attempt span missing. */
  complete: number;
  completeShare: number | null;
}

/**
 * Trace-level figures of a cohort (definitions in docs/report.md): a trace belongs to every cohort
 * one of its attempts (or a call without attempts) touched.
 */
export interface TraceStats {
  traces: number;
  /** Root span not an error, no unhandled failed gateway call (with `--success evals`: every evaluation passed). */
  successes: number;
  successRate: number | null;
  /** Traces without a root span in the file (the earliest call's parent stood in). */
  partial: number;
  /** USD: this cohort's share of its traces' cost (the attempts it served, failed ones included). */
  costShareUsd: number;
  /** USD: the whole cost of every trace it touched (all their attempts, in any cohort). */
  costWholeUsd: number;
  /** costShareUsd / successes. */
  costPerSuccessfulTrace: number | null;
  /** costWholeUsd / successes: what a successful task that went through this cohort cost in all. */
  wholeTraceCostPerSuccessfulTrace: number | null;
  /** Gateway calls per trace (live calls of the whole trace). */
  callsPerTrace: { p50: number | null; p95: number | null; mean: number | null };
  /** Retry attempts per trace (attempts after the first on the requested alias, repairs excluded). */
  retriesPerTrace: number | null;
  /** Calls that moved to a fallback alias, per trace. */
  fallbacksPerTrace: number | null;
  /** Traces with a call of unknown price (their cost is a lower bound). */
  priceUnknown: number;
}

export interface TraceGroupingStats {
  /** `status`: root span and gateway calls; `evals`: also every evaluation passed. */
  success: 'status' | 'evals';
  /** A trace closes when the file's span end times moved this far past its last span. */
  idleMs: number;
  maxOpenTraces: number;
  /** Traces with at least one live gateway call. */
  traces: number;
  /** Traces with spans but no live gateway call (not in the figures). */
  tracesWithoutCalls: number;
  partial: number;
  closedIdle: number;
  closedCap: number;
  closedAtEnd: number;
  peakOpen: number;
  /** Spans of a trace already closed after its idle gap (in the call figures, not the trace figures). */
  late: SpanKinds;
  /** Spans of a trace closed early because too many were open. */
  overflow: SpanKinds;
  /** Evaluation results that reached a trace after it closed (late spans, or an evaluations file by trace id). */
  evaluationsAfterClose: number;
  /** Traces turned from success to failure after they closed (a late failing evaluation with `--success evals`, a late root span with an error). */
  verdictsChangedAfterClose: number;
  /** Bytes of the closed-trace index at the end. */
  indexBytes: number;
}

export interface SpanKinds {
  spans: number;
  calls: number;
  attempts: number;
  evaluations: number;
  other: number;
}

export interface CohortStats {
  /** Dimension → value, e.g. `{ route: 'support-fast', provider: 'openai' }`. */
  key: Record<string, string>;
  label: string;
  shadow: boolean;
  requests: number;
  successes: number;
  successRate: number | null;
  outcomes: Record<string, number>;
  attempts: number;
  attemptsPerRequest: number | null;
  /** Requests with at least one retry on the requested alias. */
  retried: number;
  retryRate: number | null;
  /** Requests that moved to a fallback alias. */
  fellBack: number;
  fallbackRate: number | null;
  fallbackSucceeded: number;
  fallbackSuccessRate: number | null;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
  inputTokens: number;
  outputTokens: number;
  inputTokensPerRequest: number | null;
  outputTokensPerRequest: number | null;
  /** USD over every attempt of every request (failed attempts and failed requests included). */
  costUsd: number;
  costPerRequest: number | null;
  /** costUsd / successful requests. */
  costPerSuccessfulRequest: number | null;
  /** The trace-level figure: `traces.costPerSuccessfulTrace` (the cohort's share of its traces' cost ÷ its successful traces). */
  costPerSuccessfulTrace: number | null;
  traces: TraceStats;
  /** Requests with usage but no known price (their cost is unknown, not 0). */
  priceUnknown: number;
  evals: EvaluatorStats[];
  coverage: Coverage;
}

export interface CohortTable {
  by: string[];
  cohorts: CohortStats[];
}

export interface RouteTarget {
  deployment: string;
  provider: string;
  model: string;
  requests: number;
  share: number;
  primary: boolean;
  /** Requests this deployment answered through a fallback alias. */
  viaFallback: number;
  /** With `--config`: the deployment is configured for this alias. */
  configured?: boolean;
}

export interface RouteDistribution {
  route: string;
  requests: number;
  primary: { deployment: string; provider: string; model: string; source: 'config' | 'observed' } | null;
  /** `--config` lists the alias's deployments; otherwise undefined. */
  configured?: string[];
  targets: RouteTarget[];
  /** Answered by another deployment than the primary. */
  offPrimary: number;
  offPrimaryShare: number | null;
  /** Why: a fallback alias answered; the primary failed and another deployment of the alias answered; the router chose another deployment first (breaker open, weights, rules, key); the answering deployment is not configured for the alias. */
  reasons: { fallback: number; retry: number; drift: number; unconfigured: number };
  failed: number;
  cacheHits: number;
}

/** The semantic cache on one route (calls that looked it up). */
export interface SemanticCacheRoute {
  route: string;
  /** Calls that searched the cache (hit or miss; skipped ones not counted). */
  lookups: number;
  hits: number;
  hitRate: number | null;
  /** What producing the served answers cost: what the hits saved. */
  savedUsd: number;
  meanHitSimilarity: number | null;
  /** Failed / verdicts over every evaluator, answers served from the cache. */
  cachedEvalFailRate: number | null;
  /** The same for the route's looked-up calls a provider answered. */
  answeredEvalFailRate: number | null;
  cachedEvals: EvaluatorStats[];
  answeredEvals: EvaluatorStats[];
}

export interface ProviderAttempts {
  provider: string;
  deployment: string;
  model: string;
  shadow: boolean;
  attempts: number;
  failed: number;
  failureRate: number | null;
  errorTypes: Record<string, number>;
  /** USD of these attempts, failed ones included. */
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface SampledEval {
  name: string;
  score: number | null;
  label: string | null;
  passed: boolean | null;
  threshold: number | null;
  explanation: string | null;
}

export interface SampledAttempt {
  spanId: string;
  index: number;
  route: string | null;
  provider: string | null;
  model: string | null;
  deployment: string | null;
  /** ms from the call's start. */
  offsetMs: number;
  durationMs: number;
  status: number | null;
  errorType: string | null;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  ttftMs: number | null;
  retryReason: string | null;
}

export interface SampledTrace {
  traceId: string;
  spanId: string;
  route: string;
  shadow: boolean;
  outcome: string;
  startMs: number;
  durationMs: number;
  ttftMs: number | null;
  costUsd: number | null;
  provider: string | null;
  model: string | null;
  deployment: string | null;
  fallbackAlias: string | null;
  attempts: SampledAttempt[];
  evals: SampledEval[];
}

export interface ReportInput {
  traces: ReadStats[];
  evals: { file: string; results: number; badLines: number; badLineSamples: { line: number; message: string }[] } | undefined;
  config: string | undefined;
}

export interface WindowReport {
  label: string;
  timeRange: { startMs: number; endMs: number } | null;
  totals: CohortStats;
  shadowTotals: CohortStats | null;
  tables: CohortTable[];
  routes: RouteDistribution[];
  /** Routes whose calls looked up the semantic cache (absent when none did). */
  semanticCache?: SemanticCacheRoute[];
  providers: ProviderAttempts[];
  providerTimeline: TimeSeries | null;
  traces: SampledTrace[];
}

export interface Flag {
  kind: 'route_rollback' | 'latency_regression' | 'eval_regression' | 'success_drop' | 'cost_regression' | 'provider_shift';
  cohort: string;
  shadow: boolean;
  message: string;
}

export interface MetricDelta {
  baseline: number | null;
  current: number | null;
  /** current - baseline. */
  delta: number | null;
  /** delta / baseline. */
  relative: number | null;
}

export interface CohortDelta {
  by: string[];
  key: Record<string, string>;
  label: string;
  shadow: boolean;
  /** Present in one side only. */
  only?: 'baseline' | 'current';
  requests: MetricDelta;
  successRate: MetricDelta;
  latencyP50Ms: MetricDelta;
  latencyP95Ms: MetricDelta;
  ttftP95Ms: MetricDelta;
  costPerSuccessfulTrace: MetricDelta;
  wholeTraceCostPerSuccessfulTrace: MetricDelta;
  costPerSuccessfulRequest: MetricDelta;
  traceSuccessRate: MetricDelta;
  callsPerTraceP95: MetricDelta;
  attemptsPerRequest: MetricDelta;
  fallbackRate: MetricDelta;
  evalFailRate: Record<string, MetricDelta>;
  flags: Flag['kind'][];
}

export interface Comparison {
  baseline: { label: string; source: string };
  current: { label: string; source: string };
  thresholds: CompareThresholds;
  cohorts: CohortDelta[];
  flags: Flag[];
}

export interface CompareThresholds {
  /** Relative latency change counted as a move (0.1 = 10 %). */
  latency: number;
  /** Eval-fail-rate change in absolute points counted as a move (0.05 = 5 points). */
  evalFailRate: number;
  /** Success-rate drop in absolute points. */
  successRate: number;
  /** Relative change of cost per successful trace. */
  cost: number;
  /** Share of the primary target, absolute points. */
  providerShift: number;
  /** Requests (per side) below which a cohort is not flagged. */
  minRequests: number;
  /** Results with a verdict (per side) below which an evaluator is not flagged. */
  minEvaluations: number;
}

export interface Report extends WindowReport {
  format: 'tracegate-report';
  version: typeof REPORT_FORMAT_VERSION;
  generatedAt: string;
  input: ReportInput;
  coverage: Coverage & {
    callsMissingAttempts: number;
    orphanAttempts: number;
    orphanEvaluations: number;
    required: { call: readonly string[]; answeredCall: readonly string[]; attempt: readonly string[]; failedAttempt: readonly string[]; answeredChatAttempt: readonly string[] };
  };
  join: JoinStats;
  traceGrouping: TraceGroupingStats;
  /** The baseline window's report, when `--window` split one file. */
  baseline?: WindowReport;
  comparison?: Comparison;
}
