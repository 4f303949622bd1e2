/**
 * Receives joined calls (the `JoinSink` of the joiner) and folds each into everything the report
 * shows: cohort tables, totals, route distributions, attempt-level provider figures, the provider
 * timeline and the trace sample. With `--window`, calls go to the window their start falls in.
 * A call's handle is the id of the interned set of cohorts it went to, so late evaluations and the
 * coverage check reach the same cohorts without keeping the call.
 */
import { CohortAcc, CohortTableAcc, DEFAULT_TABLES, OVERRIDES_TABLE, PATH_TABLE, VARIANT_TABLE, callCost, type Dimension } from './cohort.js';
import type { RouteConfig } from './config-file.js';
import type { JoinSink, JoinedCall } from './model/join.js';
import type { CallRecord, EvalResult } from './model/records.js';
import { ProviderAttemptsAcc } from './providers.js';
import { RouteDistributionAcc } from './routes.js';
import { SemanticCacheAcc } from './semantic-cache.js';
import { DEFAULT_SAMPLE_SIZE, TraceSampler } from './sample.js';
import { TimeBuckets } from './stats/time-buckets.js';
import type { TraceGrouper } from './traces.js';
import type { CohortStats, WindowReport } from './types.js';

export interface AggregateOptions {
  /** Cohort tables besides the route table (default: provider, model, deployment). */
  tables?: Dimension[][];
  /** Traces kept for the HTML trace list. */
  sampleSize?: number;
}

/** The tables to build: the route table first, then the ones asked for. */
export function tableDimensions(requested: Dimension[][] | undefined): Dimension[][] {
  const out: Dimension[][] = [['route']];
  for (const t of requested ?? DEFAULT_TABLES.slice(1)) if (!out.some((o) => o.join() === t.join())) out.push(t);
  return out;
}

export class WindowAggregator {
  readonly totals = new CohortAcc({}, false);
  readonly shadowTotals = new CohortAcc({}, true);
  private readonly tables: CohortTableAcc[];
  /** The default `model,path` table: shown when some call bypassed the gateway. */
  private readonly pathTable: CohortTableAcc | undefined;
  private sawDirect = false;
  /** The default `route,overrides` and `route,deployment,variant` tables: shown when some attempt carried overrides / a variant. */
  private readonly overridesTable: CohortTableAcc | undefined;
  private readonly variantTable: CohortTableAcc | undefined;
  private sawOverrides = false;
  private sawVariant = false;
  private readonly routes = new RouteDistributionAcc();
  private readonly semantic = new SemanticCacheAcc();
  private readonly providers = new ProviderAttemptsAcc();
  private readonly timeline = new TimeBuckets();
  readonly sampler: TraceSampler;
  private startMs = Infinity;
  private endMs = -Infinity;

  constructor(
    readonly label: string,
    options: AggregateOptions = {},
  ) {
    this.tables = tableDimensions(options.tables).map((by) => new CohortTableAcc(by));
    if (!options.tables) {
      this.tables.push((this.pathTable = new CohortTableAcc(PATH_TABLE)));
      this.tables.push((this.overridesTable = new CohortTableAcc(OVERRIDES_TABLE)));
      this.tables.push((this.variantTable = new CohortTableAcc(VARIANT_TABLE)));
    }
    this.sampler = new TraceSampler(options.sampleSize ?? DEFAULT_SAMPLE_SIZE);
  }

  /** Folds the call in everywhere; returns the cohorts it joined (for late evaluations). */
  add(j: JoinedCall): CohortAcc[] {
    const c = j.call;
    const cohorts = [c.shadow ? this.shadowTotals : this.totals, ...this.tables.map((t) => t.cohortFor(j))];
    for (const acc of cohorts) acc.add(j);
    cohorts.push(...this.semantic.add(j));
    if (c.path !== 'gateway') this.sawDirect = true;
    for (const a of j.attempts) {
      if (a.overrides !== undefined) this.sawOverrides = true;
      if (a.variant !== undefined) this.sawVariant = true;
    }
    this.routes.add(j);
    this.providers.add(j);
    if (!c.shadow) this.timeline.add(c.startMs, timelineLabel(c));
    this.sampler.add(j);
    if (c.startMs < this.startMs) this.startMs = c.startMs;
    if (c.endMs > this.endMs) this.endMs = c.endMs;
    return cohorts;
  }

  /**
   * Adds a live call's spend to its trace's cohort shares: the totals get the whole call; in each
   * table, every attempt's cost goes to the cohort of the attempt (a fallback hop to the alias and
   * provider that served it), and what the attempts do not account for (a call without attempt
   * spans, lost spans) to the call's own cohort. A cohort a call touched is in the map even at $0.
   */
  traceShares(j: JoinedCall, into: { addShare(acc: CohortAcc, usd: number): void }): void {
    const cost = callCost(j) ?? 0;
    into.addShare(this.totals, cost);
    for (const t of this.tables) {
      let attributed = 0;
      for (const a of j.attempts) {
        const c = a.costUsd ?? 0;
        attributed += c;
        into.addShare(t.cohortForUnit(j, a), c);
      }
      const rest = cost - attributed;
      if (j.attempts.length === 0 || Math.abs(rest) > 1e-12 * Math.max(1, cost)) into.addShare(t.cohortForUnit(j, undefined), rest);
    }
  }

  /** A conditional default table is shown only when its traffic was seen. */
  private shows(t: CohortTableAcc): boolean {
    if (t === this.pathTable) return this.sawDirect;
    if (t === this.overridesTable) return this.sawOverrides;
    if (t === this.variantTable) return this.sawVariant;
    return true;
  }

  snapshot(config: RouteConfig | undefined): WindowReport {
    const shadow = this.shadowTotals.requests > 0 ? this.shadowTotals.stats() : null;
    const semantic = this.semantic.list();
    return {
      label: this.label,
      timeRange: Number.isFinite(this.startMs) ? { startMs: this.startMs, endMs: this.endMs } : null,
      totals: this.totals.stats(),
      shadowTotals: shadow,
      tables: this.tables.filter((t) => this.shows(t)).map((t) => ({ by: [...t.by], cohorts: t.stats() })),
      routes: this.routes.distributions(config),
      ...(semantic.length ? { semanticCache: semantic } : {}),
      providers: this.providers.list(),
      providerTimeline: this.timeline.snapshot() ?? null,
      traces: this.sampler.list(),
    };
  }
}

function timelineLabel(c: CallRecord): string {
  if (c.cacheHit) return '(cache)';
  if (!c.success) return '(failed)';
  return c.provider ?? '?';
}

interface CohortSet {
  window: WindowAggregator;
  cohorts: CohortAcc[];
}

/** The joiner's sink: routes each call to its window and interns the cohort sets. */
export class ReportSink implements JoinSink {
  private readonly sets: CohortSet[] = [];
  private readonly setIds = new Map<string, number>();
  /** Trace grouping (set by the caller once the joiner exists). */
  traces: TraceGrouper | undefined;

  constructor(
    readonly windows: WindowAggregator[],
    private readonly select: (call: CallRecord) => number = () => 0,
  ) {}

  call(j: JoinedCall): number {
    const window = this.windows[this.select(j.call)] ?? this.windows[0]!;
    const cohorts = window.add(j);
    this.traces?.call(j, window);
    const key = cohorts.map((c) => c.id).join(',');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push({ window, cohorts });
      this.setIds.set(key, id);
    }
    return id;
  }

  lateEval(handle: number, targetSpanId: string, result: EvalResult, traceId: string): void {
    const set = this.sets[handle];
    if (!set) return;
    for (const c of set.cohorts) c.addEval(result);
    set.window.sampler.addEval(targetSpanId, result);
    this.traces?.evaluation(traceId, result, set.cohorts[0]?.shadow ?? false);
  }

  appParent(handle: number): void {
    const set = this.sets[handle];
    if (!set) return;
    for (const c of set.cohorts) c.addAppParent();
  }
}

/** Coverage over live and shadow calls together. */
export function overallCoverage(w: WindowAggregator): CohortStats['coverage'] {
  const a = w.totals.coverage();
  const b = w.shadowTotals.coverage();
  const calls = a.calls + b.calls;
  const inApp = a.inAppTrace + b.inAppTrace;
  const complete = a.complete + b.complete;
  return {
    calls,
    inAppTrace: inApp,
    inAppTraceShare: calls ? inApp / calls : null,
    complete,
    completeShare: calls ? complete / calls : null,
  };
}
