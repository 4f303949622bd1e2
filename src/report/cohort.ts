/**
 * Cohorts: requests grouped by route (alias), provider, model, deployment, or any `--by`
 * combination of dimensions, shadow (mirrored) calls always apart from live ones. Each cohort
 * keeps running sums and two bounded percentile structures; nothing per request.
 *
 * A request's provider, model and deployment are those that answered it; for a failed request,
 * those of its last attempt; `(none)` when no attempt was made (budget rejection, cache hit).
 */
import type { JoinedCall } from './model/join.js';
import type { AttemptRecord, EvalResult } from './model/records.js';
import { Quantiles } from './stats/quantiles.js';
import { TraceFiguresAcc } from './trace-figures.js';
import type { CohortStats, Coverage, EvaluatorStats, Percentiles } from './types.js';

export const DIMENSIONS = ['route', 'provider', 'model', 'deployment', 'operation', 'ingress', 'service', 'stream', 'outcome', 'path', 'overrides', 'variant'] as const;
export type Dimension = (typeof DIMENSIONS)[number] | `metadata.${string}`;

export const DEFAULT_TABLES: Dimension[][] = [['route'], ['provider'], ['model'], ['deployment']];

/**
 * Shown by default only when the traces hold direct SDK calls: each model called directly and
 * through the gateway, side by side.
 */
export const PATH_TABLE: Dimension[] = ['model', 'path'];

/**
 * Shown by default only when some attempt carried request overrides: each route's answers with
 * the overrides applied (`system.append, defaults.temperature`) next to those without (`(none)`).
 */
export const OVERRIDES_TABLE: Dimension[] = ['route', 'overrides'];

/** Shown by default only when some attempt ran an override variant: each deployment's variants side by side. */
export const VARIANT_TABLE: Dimension[] = ['route', 'deployment', 'variant'];

export const NONE = '(none)';

export function isDimension(name: string): name is Dimension {
  return (DIMENSIONS as readonly string[]).includes(name) || (name.startsWith('metadata.') && name.length > 'metadata.'.length);
}

/** Parses `route,provider` into dimensions; throws with the bad name otherwise. */
export function parseDimensions(spec: string): Dimension[] {
  const dims = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s === 'alias' ? 'route' : s));
  if (dims.length === 0) throw new Error(`--by needs at least one dimension (${DIMENSIONS.join(', ')}, metadata.<key>)`);
  for (const d of dims) {
    if (!isDimension(d)) throw new Error(`--by: unknown dimension "${d}" (use ${DIMENSIONS.join(', ')}, or metadata.<key>)`);
  }
  return [...new Set(dims)] as Dimension[];
}

function last<T>(list: readonly T[]): T | undefined {
  return list[list.length - 1];
}

export function dimensionValue(j: JoinedCall, dim: Dimension): string {
  const c = j.call;
  const lastAttempt = last(j.attempts);
  switch (dim) {
    case 'route':
      return c.route;
    case 'provider':
      return c.provider ?? lastAttempt?.provider ?? NONE;
    case 'model':
      return c.model ?? lastAttempt?.model ?? NONE;
    case 'deployment':
      return c.deploymentId ?? lastAttempt?.deploymentId ?? NONE;
    case 'operation':
      return c.operation;
    case 'ingress':
      return c.ingress ?? (c.operation === 'embeddings' ? 'embeddings' : 'chat.completions');
    case 'service':
      return c.service ?? '(unknown)';
    case 'stream':
      return c.stream ? 'stream' : 'unary';
    case 'outcome':
      return c.outcome;
    case 'path':
      return c.path;
    case 'overrides':
      return lastAttempt?.overrides ?? NONE;
    case 'variant':
      return lastAttempt?.variant ?? NONE;
    default:
      return c.metadata?.[dim.slice('metadata.'.length)] ?? NONE;
  }
}

/**
 * The cohort value of one unit of a trace's spend: an attempt (its own provider, model and
 * deployment), or a call without attempt spans (the call's values). The route is always the alias
 * the call asked for: a fallback hop is part of the price of the route that was asked (it shows in
 * fallbacks per trace), as in the request-level tables. Other dimensions come from the call.
 */
export function unitDimensionValue(j: JoinedCall, a: AttemptRecord | undefined, dim: Dimension): string {
  if (a) {
    switch (dim) {
      case 'provider':
        return a.provider ?? NONE;
      case 'model':
        return a.model ?? NONE;
      case 'deployment':
        return a.deploymentId ?? NONE;
      case 'overrides':
        return a.overrides ?? NONE;
      case 'variant':
        return a.variant ?? NONE;
    }
  }
  return dimensionValue(j, dim);
}

/** Retry attempts of a call: attempts after the first on the requested alias (fallback depth 0), repairs excluded. */
export function retryAttempts(j: JoinedCall): number {
  if (j.attempts.length === 0) return j.call.fallbackUsed ? 0 : j.call.retries;
  let n = 0;
  j.attempts.forEach((a, i) => {
    if (i > 0 && a.fallbackDepth === 0 && a.retryReason !== 'repair') n++;
  });
  return n;
}

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

function percentiles(q: Quantiles): Percentiles {
  return { count: q.count, p50: q.quantile(0.5) ?? null, p95: q.quantile(0.95) ?? null, p99: q.quantile(0.99) ?? null, mean: q.mean ?? null, exact: q.isExact };
}

class EvaluatorAcc {
  results = 0;
  withVerdict = 0;
  failed = 0;
  scoreSum = 0;
  scored = 0;
  add(e: EvalResult): void {
    this.results++;
    if (e.passed !== undefined) {
      this.withVerdict++;
      if (!e.passed) this.failed++;
    }
    if (e.score !== undefined && Number.isFinite(e.score)) {
      this.scoreSum += e.score;
      this.scored++;
    }
  }
}

/** True when a call moved to a fallback alias. */
export function fellBack(j: JoinedCall): boolean {
  return j.call.fallbackUsed || j.attempts.some((a) => a.fallbackDepth > 0) || j.call.fallbackAlias !== undefined;
}

/** True when a call retried on the alias it asked for (an attempt after the first at fallback depth 0). */
export function retried(j: JoinedCall): boolean {
  if (j.attempts.length > 0) return j.attempts.some((a, i) => i > 0 && a.fallbackDepth === 0 && a.retryReason !== 'repair');
  return j.call.retries > 0 && !j.call.fallbackUsed;
}

/** USD of a call over all its attempts: the call span's total, else the sum of its attempt spans. */
export function callCost(j: JoinedCall): number | undefined {
  if (j.call.costUsd !== undefined) return j.call.costUsd;
  let sum: number | undefined;
  for (const a of j.attempts) if (a.costUsd !== undefined) sum = (sum ?? 0) + a.costUsd;
  return sum;
}

function callTokens(j: JoinedCall, which: 'inTokens' | 'outTokens'): number {
  const v = j.call[which];
  if (v !== undefined) return v;
  let sum = 0;
  for (const a of j.attempts) sum += a[which] ?? 0;
  return sum;
}

export function callComplete(j: JoinedCall): boolean {
  return j.call.complete && j.missingAttempts === 0 && j.attempts.every((a) => a.complete);
}

let nextCohortId = 0;

export class CohortAcc {
  /** Process-unique id (used to intern the set of cohorts a call belongs to). */
  readonly id = nextCohortId++;
  requests = 0;
  successes = 0;
  readonly outcomes = new Map<string, number>();
  attempts = 0;
  retried = 0;
  fellBack = 0;
  fallbackSucceeded = 0;
  readonly latency = new Quantiles();
  readonly ttft = new Quantiles();
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  priceUnknown = 0;
  readonly evals = new Map<string, EvaluatorAcc>();
  inAppTrace = 0;
  complete = 0;
  /** Trace-level figures: the traces that touched this cohort. */
  readonly traces = new TraceFiguresAcc();

  constructor(
    readonly key: Record<string, string>,
    readonly shadow: boolean,
  ) {}

  add(j: JoinedCall): void {
    const c = j.call;
    this.requests++;
    if (c.success) this.successes++;
    this.outcomes.set(c.outcome, (this.outcomes.get(c.outcome) ?? 0) + 1);
    this.attempts += Math.max(j.attempts.length, c.attemptsExpected);
    if (retried(j)) this.retried++;
    if (fellBack(j)) {
      this.fellBack++;
      if (c.success) this.fallbackSucceeded++;
    }
    this.latency.add(c.endMs - c.startMs);
    if (c.ttftMs !== undefined) this.ttft.add(c.ttftMs);
    this.inputTokens += callTokens(j, 'inTokens');
    this.outputTokens += callTokens(j, 'outTokens');
    const cost = callCost(j);
    if (cost !== undefined) this.costUsd += cost;
    if (c.priceUnknown || j.attempts.some((a) => a.priceUnknown)) this.priceUnknown++;
    if (callComplete(j)) this.complete++;
    for (const e of j.evals) this.addEval(e);
  }

  addEval(e: EvalResult): void {
    let acc = this.evals.get(e.name);
    if (!acc) this.evals.set(e.name, (acc = new EvaluatorAcc()));
    acc.add(e);
  }

  addAppParent(): void {
    this.inAppTrace++;
  }

  label(): string {
    const parts = Object.values(this.key);
    return (parts.length ? parts.join(' · ') : 'all') + (this.shadow ? ' (shadow)' : '');
  }

  coverage(): Coverage {
    return {
      calls: this.requests,
      inAppTrace: this.inAppTrace,
      inAppTraceShare: ratio(this.inAppTrace, this.requests),
      complete: this.complete,
      completeShare: ratio(this.complete, this.requests),
    };
  }

  stats(): CohortStats {
    const evals: EvaluatorStats[] = [...this.evals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([evaluator, e]) => ({
        evaluator,
        results: e.results,
        withVerdict: e.withVerdict,
        failed: e.failed,
        failRate: ratio(e.failed, e.withVerdict),
        meanScore: ratio(e.scoreSum, e.scored),
      }));
    const traces = this.traces.stats();
    return {
      key: { ...this.key },
      label: this.label(),
      shadow: this.shadow,
      requests: this.requests,
      successes: this.successes,
      successRate: ratio(this.successes, this.requests),
      outcomes: Object.fromEntries([...this.outcomes.entries()].sort((a, b) => b[1] - a[1])),
      attempts: this.attempts,
      attemptsPerRequest: ratio(this.attempts, this.requests),
      retried: this.retried,
      retryRate: ratio(this.retried, this.requests),
      fellBack: this.fellBack,
      fallbackRate: ratio(this.fellBack, this.requests),
      fallbackSucceeded: this.fallbackSucceeded,
      fallbackSuccessRate: ratio(this.fallbackSucceeded, this.fellBack),
      latencyMs: percentiles(this.latency),
      ttftMs: percentiles(this.ttft),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      inputTokensPerRequest: ratio(this.inputTokens, this.requests),
      outputTokensPerRequest: ratio(this.outputTokens, this.requests),
      costUsd: this.costUsd,
      costPerRequest: ratio(this.costUsd, this.requests),
      costPerSuccessfulRequest: ratio(this.costUsd, this.successes),
      costPerSuccessfulTrace: traces.costPerSuccessfulTrace,
      traces,
      priceUnknown: this.priceUnknown,
      evals,
      coverage: this.coverage(),
    };
  }
}

/** Values of a table's dimensions, the last level holding the cohort. */
type CohortTrie = Map<string, CohortTrie | CohortAcc>;

/** The cohorts of one table (one `--by` combination). */
export class CohortTableAcc {
  /** Live and shadow cohorts by their values (looked up without building a key string). */
  private readonly live: CohortTrie = new Map();
  private readonly shadow: CohortTrie = new Map();
  /** In the order created. */
  private readonly cohorts: CohortAcc[] = [];
  constructor(readonly by: readonly Dimension[]) {}

  /** The cohort of a call (its answering deployment's values). */
  cohortFor(j: JoinedCall): CohortAcc {
    return this.cohortOf(j, undefined, false);
  }

  /** The cohort of one unit of a trace's spend (an attempt, or a call without attempts); see `unitDimensionValue`. */
  cohortForUnit(j: JoinedCall, a: AttemptRecord | undefined): CohortAcc {
    return this.cohortOf(j, a, true);
  }

  private valueOf(j: JoinedCall, a: AttemptRecord | undefined, unit: boolean, dim: Dimension): string {
    return unit ? unitDimensionValue(j, a, dim) : dimensionValue(j, dim);
  }

  private cohortOf(j: JoinedCall, a: AttemptRecord | undefined, unit: boolean): CohortAcc {
    const shadow = j.call.shadow;
    let node = shadow ? this.shadow : this.live;
    const lastDim = this.by.length - 1;
    for (let i = 0; i < lastDim; i++) {
      const v = this.valueOf(j, a, unit, this.by[i]!);
      let next = node.get(v) as CohortTrie | undefined;
      if (!next) node.set(v, (next = new Map()));
      node = next;
    }
    const v = this.valueOf(j, a, unit, this.by[lastDim]!);
    let acc = node.get(v) as CohortAcc | undefined;
    if (!acc) {
      const key: Record<string, string> = {};
      for (const d of this.by) key[d] = this.valueOf(j, a, unit, d);
      node.set(v, (acc = new CohortAcc(key, shadow)));
      this.cohorts.push(acc);
    }
    return acc;
  }

  /** Cohorts by requests, then by traces (a cohort only failed attempts touched has traces but no requests). */
  stats(): CohortStats[] {
    return this.cohorts
      .map((c) => c.stats())
      .sort((a, b) => Number(a.shadow) - Number(b.shadow) || b.requests - a.requests || b.traces.traces - a.traces.traces || (a.label < b.label ? -1 : 1));
  }
}
