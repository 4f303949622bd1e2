/**
 * Traces as the unit: groups every span of the input by trace id (the application's spans,
 * tracegate's call and attempt spans, evaluation spans) while the file streams by, in bounded
 * memory. A trace stays open while its spans keep coming; it closes once the file's span end times
 * (the watermark: the latest end time read so far) moved `idleMs` past the moment its last span
 * was read, or, when more than `maxOpenTraces` are open, the least recently active one closes
 * early. A closed trace is folded into every cohort it touched (see `WindowAggregator.traceShares`)
 * and only a few bytes of it stay (`TraceIdIndex`), so a span that arrives later is recognized:
 * counted as late (or overflow, when its trace closed early), never silently dropped. A late
 * verdict that turns a successful trace into a failed one (a failing evaluation with `--success
 * evals`, a root span with an error) still corrects the figures.
 *
 * Closing is checked between documents (lines), so spans of one export batch, or one Jaeger
 * trace, are never split; the open traces are a `Map` in order of last activity, so the idle ones
 * are always at its head.
 */
import type { CohortAcc } from './cohort.js';
import { fellBack, callCost, retryAttempts } from './cohort.js';
import type { WindowAggregator } from './aggregate.js';
import type { JoinedCall } from './model/join.js';
import { evaluationsOf, isAttemptSpan, isCallSpan, type EvalResult } from './model/records.js';
import { TraceIdIndex } from './model/trace-index.js';
import type { SpanView } from './read/span.js';
import type { ClosedTrace } from './trace-figures.js';
import type { SpanKinds, TraceGroupingStats } from './types.js';

export type SuccessMode = 'status' | 'evals';

export const DEFAULT_TRACE_IDLE_MS = 5 * 60_000;
export const DEFAULT_MAX_OPEN_TRACES = 50_000;

export interface TraceGroupingOptions {
  /** How far the file's span end times must move past a trace's last span before it closes (default 5 min). */
  idleMs?: number;
  /** Open traces kept at most; past that the least recently active closes early (default 50 000). */
  maxOpenTraces?: number;
  success?: SuccessMode;
}

/**
 * An open trace, kept small (it lives until its idle gap passed; thousands may be open): its first
 * call inline, later calls in arrays made on demand; its cohort shares as two exact-size arrays (a
 * trace touches a handful of cohorts). About 0.5 KB for a one-call trace.
 */
class OpenTrace {
  /** The watermark when its last span was read. */
  touched: number;
  /** The watermark when it was last put at the end of the activity order. */
  movedAt: number;
  window: WindowAggregator | undefined = undefined;
  /** Start of the parentless span (not an attempt or evaluation span) that started first; NaN: none yet. */
  rootStart = NaN;
  rootError = false;
  /** Span ids with an error status (for a root that is not in the file). */
  errorSpans: Set<string> | undefined = undefined;
  /** Live calls: the first one's parent span id, start time and success inline, the others in `more`. */
  calls = 0;
  private parent0: string | undefined = undefined;
  private start0 = 0;
  private ok0 = false;
  private more: { parents: (string | undefined)[]; starts: number[]; ok: boolean[] } | undefined = undefined;
  /** Cohort → its share of the trace's cost (USD), as parallel arrays. */
  cohorts: CohortAcc[] = [];
  shares: number[] = [];
  private grown = false;
  costUsd = 0;
  priceUnknown = false;
  retries = 0;
  fallbacks = 0;
  evaluationsFailed = 0;

  constructor(
    readonly traceId: string,
    touched: number,
  ) {
    this.touched = touched;
    this.movedAt = touched;
  }

  addCall(parent: string | undefined, startMs: number, ok: boolean): void {
    if (this.calls++ === 0) {
      this.parent0 = parent;
      this.start0 = startMs;
      this.ok0 = ok;
      return;
    }
    this.more ??= { parents: [], starts: [], ok: [] };
    this.more.parents.push(parent);
    this.more.starts.push(startMs);
    this.more.ok.push(ok);
  }

  callParent(i: number): string | undefined {
    return i === 0 ? this.parent0 : this.more!.parents[i - 1];
  }

  callStart(i: number): number {
    return i === 0 ? this.start0 : this.more!.starts[i - 1]!;
  }

  callOk(i: number): boolean {
    return i === 0 ? this.ok0 : this.more!.ok[i - 1]!;
  }

  addShare(acc: CohortAcc, usd: number): void {
    const i = this.cohorts.indexOf(acc);
    if (i >= 0) this.shares[i] = this.shares[i]! + usd;
    else {
      this.cohorts.push(acc);
      this.shares.push(usd);
      this.grown = true;
    }
  }

  /** Arrays grown by push keep spare room (17 slots at first): copy them to their exact size. */
  compact(): void {
    if (!this.grown) return;
    this.grown = false;
    this.cohorts = this.cohorts.slice();
    this.shares = this.shares.slice();
  }

  /**
   * A failed call is handled when a later call of the same parent span (the app's step) succeeded.
   * "Later" is by start time: a call span may be ended a moment after the app already caught its
   * error and asked again.
   */
  unhandledFailure(): boolean {
    for (let i = 0; i < this.calls; i++) {
      if (this.callOk(i)) continue;
      let handled = false;
      for (let k = 0; k < this.calls && !handled; k++) handled = this.callOk(k) && this.callParent(k) === this.callParent(i) && this.callStart(k) > this.callStart(i);
      if (!handled) return true;
    }
    return false;
  }
}

const SUCCESS_BIT = 1;
const CAP_BIT = 2;

function noSpans(): SpanKinds {
  return { spans: 0, calls: 0, attempts: 0, evaluations: 0, other: 0 };
}

export class TraceGrouper {
  private readonly open = new Map<string, OpenTrace>();
  private readonly closed = new TraceIdIndex();
  /** Interned cohort sets of closed traces (for corrections after close). */
  private readonly sets: CohortAcc[][] = [];
  private readonly setIds = new Map<string, number>();
  private watermark = -Infinity;
  private readonly idleMs: number;
  private readonly maxOpen: number;
  private readonly mode: SuccessMode;
  readonly stats: TraceGroupingStats;

  constructor(
    options: TraceGroupingOptions,
    /** Joins the calls of a trace still waiting for attempt spans, before it closes. */
    private readonly flushCalls: (traceId: string) => void,
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_TRACE_IDLE_MS;
    this.maxOpen = Math.max(1, options.maxOpenTraces ?? DEFAULT_MAX_OPEN_TRACES);
    this.mode = options.success ?? 'status';
    this.stats = {
      success: this.mode,
      idleMs: this.idleMs,
      maxOpenTraces: this.maxOpen,
      traces: 0,
      tracesWithoutCalls: 0,
      partial: 0,
      closedIdle: 0,
      closedCap: 0,
      closedAtEnd: 0,
      peakOpen: 0,
      late: noSpans(),
      overflow: noSpans(),
      evaluationsAfterClose: 0,
      verdictsChangedAfterClose: 0,
      indexBytes: 0,
    };
  }

  /** Every span, before the joiner sees it. */
  span(span: SpanView): void {
    if (span.endMs > this.watermark) this.watermark = span.endMs;
    let t = this.open.get(span.traceId);
    if (t) {
      // Most recently active last — moved only once it fell an eighth of the idle gap behind, so
      // a busy trace is not re-inserted on every span (a Map delete + set churns its table).
      if (this.watermark - t.movedAt > this.idleMs / 8) {
        this.open.delete(span.traceId);
        this.open.set(span.traceId, t);
        t.movedAt = this.watermark;
      }
    } else {
      const closed = this.closed.get(span.traceId);
      if (closed !== undefined) {
        this.afterClose(span, closed);
        return;
      }
      t = new OpenTrace(span.traceId, this.watermark);
      this.open.set(span.traceId, t);
      if (this.open.size > this.stats.peakOpen) this.stats.peakOpen = this.open.size;
      if (this.open.size > this.maxOpen) this.close(this.open.values().next().value!, 'cap');
    }
    t.touched = this.watermark;
    if (span.error || span.parentSpanId === undefined) {
      if (isAttemptSpan(span.attributes)) return;
      if (span.error) (t.errorSpans ??= new Set()).add(span.spanId);
      if (span.parentSpanId === undefined && !(span.startMs >= t.rootStart) && !isEvaluationSpan(span)) {
        t.rootStart = span.startMs;
        t.rootError = span.error;
      }
    }
  }

  /** A joined call (from the report sink), with the window its trace's figures go to. */
  call(j: JoinedCall, window: WindowAggregator): void {
    if (j.call.shadow) return; // mirrored calls are not part of the user's task
    const t = this.open.get(j.call.traceId);
    if (!t) return; // its spans were counted as late or overflow
    t.window ??= window;
    const c = j.call;
    t.addCall(c.parentSpanId, c.startMs, c.success);
    t.window.traceShares(j, t);
    t.compact();
    const cost = callCost(j);
    if (cost !== undefined) t.costUsd += cost;
    if (c.priceUnknown || j.attempts.some((a) => a.priceUnknown)) t.priceUnknown = true;
    t.retries += retryAttempts(j);
    if (fellBack(j)) t.fallbacks++;
    for (const e of j.evals) if (e.passed === false) t.evaluationsFailed++;
  }

  /** An evaluation joined after its call was (from the report sink). */
  evaluation(traceId: string, result: EvalResult, shadow: boolean): void {
    if (shadow) return;
    const t = this.open.get(traceId);
    if (t) {
      if (result.passed === false) t.evaluationsFailed++;
      return;
    }
    const closed = this.closed.get(traceId);
    if (closed === undefined) return;
    this.stats.evaluationsAfterClose++;
    if (this.mode === 'evals' && result.passed === false) this.unsucceed(traceId, closed);
  }

  /**
   * Between documents: closes the traces idle for longer than `idleMs`, from the head of the
   * activity order (a trace touched again within an eighth of the gap keeps its place, so one may
   * close up to that much later than its gap).
   */
  endOfDocument(): void {
    for (const t of this.open.values()) {
      if (this.watermark - t.touched <= this.idleMs) break;
      this.close(t, 'idle');
    }
  }

  /** Closes every open trace (after the joiner finished: its leftover calls and evaluations are in). */
  finish(): TraceGroupingStats {
    for (const t of [...this.open.values()]) this.close(t, 'end');
    this.stats.indexBytes = this.closed.bytes;
    return this.stats;
  }

  private afterClose(span: SpanView, closed: number): void {
    const kinds = closed & CAP_BIT ? this.stats.overflow : this.stats.late;
    kinds.spans++;
    const a = span.attributes;
    if (isCallSpan(a)) kinds.calls++;
    else if (isAttemptSpan(a)) kinds.attempts++;
    else if (isEvaluationSpan(span)) kinds.evaluations++;
    else {
      kinds.other++;
      if (span.parentSpanId === undefined && span.error) this.unsucceed(span.traceId, closed);
    }
  }

  private unsucceed(traceId: string, closed: number): void {
    if (!(closed & SUCCESS_BIT)) return;
    this.closed.set(traceId, closed & ~SUCCESS_BIT);
    const handle = (closed >> 2) - 1;
    for (const acc of this.sets[handle] ?? []) acc.traces.unsucceed();
    this.stats.verdictsChangedAfterClose++;
  }

  private close(t: OpenTrace, reason: 'idle' | 'cap' | 'end'): void {
    this.flushCalls(t.traceId);
    this.open.delete(t.traceId);
    if (reason === 'idle') this.stats.closedIdle++;
    else if (reason === 'cap') this.stats.closedCap++;
    else this.stats.closedAtEnd++;
    const capBit = reason === 'cap' ? CAP_BIT : 0;
    const calls = t.calls;
    if (calls === 0) {
      this.stats.tracesWithoutCalls++;
      this.closed.set(t.traceId, capBit);
      return;
    }
    let rootError = t.rootError;
    const partial = Number.isNaN(t.rootStart);
    if (partial) {
      // A partial export: the earliest call's parent stands in for the root.
      let earliest = 0;
      for (let i = 1; i < calls; i++) if (t.callStart(i) < t.callStart(earliest)) earliest = i;
      const parent = t.callParent(earliest);
      rootError = parent !== undefined && (t.errorSpans?.has(parent) ?? false);
      this.stats.partial++;
    }
    const success = !rootError && !t.unhandledFailure() && (this.mode !== 'evals' || t.evaluationsFailed === 0);
    const closed: ClosedTrace = { success, partial, costUsd: t.costUsd, calls, retries: t.retries, fallbacks: t.fallbacks, priceUnknown: t.priceUnknown };
    for (let i = 0; i < t.cohorts.length; i++) t.cohorts[i]!.traces.add(closed, t.shares[i]!);
    this.stats.traces++;
    this.closed.set(t.traceId, ((this.intern(t.cohorts) + 1) << 2) | (success ? SUCCESS_BIT : 0) | capBit);
  }

  private intern(cohorts: CohortAcc[]): number {
    const key = cohorts
      .map((c) => c.id)
      .sort((a, b) => a - b)
      .join(',');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(cohorts);
      this.setIds.set(key, id);
    }
    return id;
  }
}

function isEvaluationSpan(span: SpanView): boolean {
  return evaluationsOf(span).length > 0;
}
