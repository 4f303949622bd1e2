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
 * trace, are never split; the open traces (`OpenTraces`, typed arrays) are kept in order of last
 * activity, so the idle ones are always at its head.
 */
import type { CohortAcc } from './cohort.js';
import { fellBack, callCost, retryAttempts } from './cohort.js';
import type { WindowAggregator } from './aggregate.js';
import type { JoinedCall } from './model/join.js';
import { evaluationsOf, isAttemptSpan, isCallSpan, type EvalResult } from './model/records.js';
import { OpenTraces, PRICE_UNKNOWN, ROOT_ERROR } from './model/open-traces.js';
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

const SUCCESS_BIT = 1;
const CAP_BIT = 2;

function noSpans(): SpanKinds {
  return { spans: 0, calls: 0, attempts: 0, evaluations: 0, other: 0 };
}

/** The joiner's calls still waiting for attempt spans (joined when their trace closes). */
export interface PendingCalls {
  /** How many calls wait (0: nothing to flush). */
  readonly pendingCallCount: number;
  /** Joins the calls of a trace still waiting for attempt spans. */
  flushTrace(traceId: string): void;
}

export class TraceGrouper {
  /** The open traces, in order of last activity (idle ones at the head). */
  private readonly open = new OpenTraces();
  /** The slot `addShare` adds to (set around `WindowAggregator.traceShares`). */
  private shareSlot = -1;
  private readonly shareInto = { addShare: (acc: CohortAcc, usd: number): void => this.open.addShare(this.shareSlot, acc, usd) };
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
    /** Its calls are joined before a trace closes. */
    private readonly pending: PendingCalls,
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
    const o = this.open;
    let t = o.find(span.traceId);
    if (t >= 0) o.touch(t, this.watermark);
    else {
      const [w0, w1, w2, w3] = o.queried;
      const closed = this.closed.getWords(w0, w1, w2, w3);
      if (closed !== undefined) {
        this.afterClose(span, closed);
        return;
      }
      t = o.add(this.watermark);
      if (o.size > this.stats.peakOpen) this.stats.peakOpen = o.size;
      if (o.size > this.maxOpen) this.close(o.oldest(), 'cap');
    }
    if (span.error || span.parentSpanId === undefined) {
      if (isAttemptSpan(span.attributes)) return;
      if (span.error) o.addErrorSpan(t, span.spanId);
      if (span.parentSpanId === undefined && !(span.startMs >= o.rootStart[t]!) && !isEvaluationSpan(span)) {
        o.rootStart[t] = span.startMs;
        o.setFlag(t, ROOT_ERROR, span.error);
      }
    }
  }

  /** A joined call (from the report sink), with the window its trace's figures go to. */
  call(j: JoinedCall, window: WindowAggregator): void {
    if (j.call.shadow) return; // mirrored calls are not part of the user's task
    const o = this.open;
    const t = o.find(j.call.traceId);
    if (t < 0) return; // its spans were counted as late or overflow
    const w = o.windowFor(t, window);
    const c = j.call;
    o.addCall(t, c.parentSpanId, c.startMs, c.success);
    this.shareSlot = t;
    w.traceShares(j, this.shareInto);
    const cost = callCost(j);
    if (cost !== undefined) o.costUsd[t] = o.costUsd[t]! + cost;
    if (c.priceUnknown || j.attempts.some((a) => a.priceUnknown)) o.setFlag(t, PRICE_UNKNOWN, true);
    o.retries[t] = o.retries[t]! + retryAttempts(j);
    if (fellBack(j)) o.fallbacks[t]!++;
    for (const e of j.evals) if (e.passed === false) o.evaluationsFailed[t]!++;
  }

  /** An evaluation joined after its call was (from the report sink). */
  evaluation(traceId: string, result: EvalResult, shadow: boolean): void {
    if (shadow) return;
    const t = this.open.find(traceId);
    if (t >= 0) {
      if (result.passed === false) this.open.evaluationsFailed[t]!++;
      return;
    }
    const [w0, w1, w2, w3] = this.open.queried;
    const closed = this.closed.getWords(w0, w1, w2, w3);
    if (closed === undefined) return;
    this.stats.evaluationsAfterClose++;
    if (this.mode === 'evals' && result.passed === false) this.unsucceed(traceId, closed);
  }

  /** Between documents: closes the traces idle for longer than `idleMs`, from the head of the activity order. */
  endOfDocument(): void {
    for (let t = this.open.oldest(); t >= 0 && this.watermark - this.open.touched[t]! > this.idleMs; t = this.open.oldest()) this.close(t, 'idle');
  }

  /** Closes every open trace (after the joiner finished: its leftover calls and evaluations are in). */
  finish(): TraceGroupingStats {
    for (let t = this.open.oldest(); t >= 0; t = this.open.oldest()) this.close(t, 'end');
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

  private close(t: number, reason: 'idle' | 'cap' | 'end'): void {
    const o = this.open;
    // Its calls still waiting for lost attempt spans are joined first (they add to the trace).
    if (this.pending.pendingCallCount > 0) this.pending.flushTrace(o.idOf(t));
    const [w0, w1, w2, w3] = o.wordsOf(t);
    if (reason === 'idle') this.stats.closedIdle++;
    else if (reason === 'cap') this.stats.closedCap++;
    else this.stats.closedAtEnd++;
    const capBit = reason === 'cap' ? CAP_BIT : 0;
    const calls = o.calls[t]!;
    if (calls === 0) {
      this.stats.tracesWithoutCalls++;
      o.remove(t);
      this.closed.setWords(w0, w1, w2, w3, capBit);
      return;
    }
    let rootError = o.flag(t, ROOT_ERROR);
    const partial = Number.isNaN(o.rootStart[t]!);
    if (partial) {
      // A partial export: the earliest call's parent stands in for the root.
      const parent = o.earliestCallParent(t);
      rootError = parent !== undefined && o.hasErrorSpan(t, parent);
      this.stats.partial++;
    }
    const success = !rootError && !o.unhandledFailure(t) && (this.mode !== 'evals' || o.evaluationsFailed[t] === 0);
    const closed: ClosedTrace = { success, partial, costUsd: o.costUsd[t]!, calls, retries: o.retries[t]!, fallbacks: o.fallbacks[t]!, priceUnknown: o.flag(t, PRICE_UNKNOWN) };
    const cohorts: CohortAcc[] = [];
    o.eachShare(t, (acc, usd) => {
      acc.traces.add(closed, usd);
      cohorts.push(acc);
    });
    o.remove(t);
    this.stats.traces++;
    this.closed.setWords(w0, w1, w2, w3, ((this.intern(cohorts) + 1) << 2) | (success ? SUCCESS_BIT : 0) | capBit);
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
