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

/** Extra calls of an open trace (its first call is kept in the typed arrays). */
interface MoreCalls {
  parents: (string | undefined)[];
  starts: number[];
  ok: boolean[];
}

const ROOT_ERROR = 1;
const PRICE_UNKNOWN = 2;
const OK0 = 4;

/**
 * The open traces, stored compactly so that nothing of an open trace but its id is a heap object
 * of its own (open traces outlive many lines of the file; as objects they were promoted to V8's
 * old generation and their garbage made it grow): a slot per open trace in typed arrays (struct
 * of arrays, slots reused through a free list), its cohort shares as entries of a pooled linked
 * list (cohort id, USD, next entry). Only a trace's rare parts are objects: its error span ids,
 * its calls after the first.
 */
class OpenTraces {
  private cap = 0;
  touched = new Float64Array(0);
  movedAt = new Float64Array(0);
  rootStart = new Float64Array(0);
  costUsd = new Float64Array(0);
  start0 = new Float64Array(0);
  calls = new Int32Array(0);
  retries = new Int32Array(0);
  fallbacks = new Int32Array(0);
  evaluationsFailed = new Int32Array(0);
  flags = new Uint8Array(0);
  /** First share entry of the slot, -1: none. */
  private head = new Int32Array(0);
  window: (WindowAggregator | undefined)[] = [];
  parent0: (string | undefined)[] = [];
  more: (MoreCalls | undefined)[] = [];
  errorSpans: (Set<string> | undefined)[] = [];
  private freeSlots: number[] = [];
  private used = 0;
  // Share entries: cohort, USD, next entry (-1: end); free entries chained through `next`.
  private entryCap = 0;
  private entryAcc = new Int32Array(0);
  private entryUsd = new Float64Array(0);
  private entryNext = new Int32Array(0);
  private freeEntry = -1;
  private entriesUsed = 0;
  /** Cohort id → the cohort (ids are small process-wide counters). */
  private readonly accs: CohortAcc[] = [];

  alloc(touched: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.used === this.cap) this.grow(Math.max(64, this.cap * 2));
      slot = this.used++;
    }
    this.touched[slot] = touched;
    this.movedAt[slot] = touched;
    this.rootStart[slot] = NaN;
    this.costUsd[slot] = 0;
    this.start0[slot] = 0;
    this.calls[slot] = 0;
    this.retries[slot] = 0;
    this.fallbacks[slot] = 0;
    this.evaluationsFailed[slot] = 0;
    this.flags[slot] = 0;
    this.head[slot] = -1;
    return slot;
  }

  release(slot: number): void {
    let e = this.head[slot]!;
    while (e >= 0) {
      const next = this.entryNext[e]!;
      this.entryNext[e] = this.freeEntry;
      this.freeEntry = e;
      e = next;
    }
    this.head[slot] = -1;
    this.window[slot] = undefined;
    this.parent0[slot] = undefined;
    this.more[slot] = undefined;
    this.errorSpans[slot] = undefined;
    this.freeSlots.push(slot);
  }

  flag(slot: number, bit: number): boolean {
    return (this.flags[slot]! & bit) !== 0;
  }

  setFlag(slot: number, bit: number, on: boolean): void {
    this.flags[slot] = on ? this.flags[slot]! | bit : this.flags[slot]! & ~bit;
  }

  addCall(slot: number, parent: string | undefined, startMs: number, ok: boolean): void {
    if (this.calls[slot]!++ === 0) {
      this.parent0[slot] = parent;
      this.start0[slot] = startMs;
      this.setFlag(slot, OK0, ok);
      return;
    }
    const more = (this.more[slot] ??= { parents: [], starts: [], ok: [] });
    more.parents.push(parent);
    more.starts.push(startMs);
    more.ok.push(ok);
  }

  callParent(slot: number, i: number): string | undefined {
    return i === 0 ? this.parent0[slot] : this.more[slot]!.parents[i - 1];
  }

  callStart(slot: number, i: number): number {
    return i === 0 ? this.start0[slot]! : this.more[slot]!.starts[i - 1]!;
  }

  callOk(slot: number, i: number): boolean {
    return i === 0 ? this.flag(slot, OK0) : this.more[slot]!.ok[i - 1]!;
  }

  addShare(slot: number, acc: CohortAcc, usd: number): void {
    this.accs[acc.id] = acc;
    let last = -1;
    for (let e = this.head[slot]!; e >= 0; e = this.entryNext[e]!) {
      if (this.entryAcc[e] === acc.id) {
        this.entryUsd[e] = this.entryUsd[e]! + usd;
        return;
      }
      last = e;
    }
    let e = this.freeEntry;
    if (e >= 0) this.freeEntry = this.entryNext[e]!;
    else {
      if (this.entriesUsed === this.entryCap) this.growEntries(Math.max(256, this.entryCap * 2));
      e = this.entriesUsed++;
    }
    this.entryAcc[e] = acc.id;
    this.entryUsd[e] = usd;
    this.entryNext[e] = -1;
    // Appended at the end: cohorts keep the order they were first touched in.
    if (last >= 0) this.entryNext[last] = e;
    else this.head[slot] = e;
  }

  /** Calls `f` with each cohort the trace touched and its share, in the order first touched. */
  eachShare(slot: number, f: (acc: CohortAcc, usd: number) => void): void {
    for (let e = this.head[slot]!; e >= 0; e = this.entryNext[e]!) f(this.accs[this.entryAcc[e]!]!, this.entryUsd[e]!);
  }

  /**
   * A failed call is handled when a later call of the same parent span (the app's step) succeeded.
   * "Later" is by start time: a call span may be ended a moment after the app already caught its
   * error and asked again.
   */
  unhandledFailure(slot: number): boolean {
    const calls = this.calls[slot]!;
    for (let i = 0; i < calls; i++) {
      if (this.callOk(slot, i)) continue;
      let handled = false;
      for (let k = 0; k < calls && !handled; k++) handled = this.callOk(slot, k) && this.callParent(slot, k) === this.callParent(slot, i) && this.callStart(slot, k) > this.callStart(slot, i);
      if (!handled) return true;
    }
    return false;
  }

  private grow(cap: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.touched = f64(this.touched);
    this.movedAt = f64(this.movedAt);
    this.rootStart = f64(this.rootStart);
    this.costUsd = f64(this.costUsd);
    this.start0 = f64(this.start0);
    this.calls = i32(this.calls);
    this.retries = i32(this.retries);
    this.fallbacks = i32(this.fallbacks);
    this.evaluationsFailed = i32(this.evaluationsFailed);
    this.head = i32(this.head);
    const flags = new Uint8Array(cap);
    flags.set(this.flags);
    this.flags = flags;
    this.cap = cap;
  }

  private growEntries(cap: number): void {
    const acc = new Int32Array(cap);
    acc.set(this.entryAcc);
    const usd = new Float64Array(cap);
    usd.set(this.entryUsd);
    const next = new Int32Array(cap);
    next.set(this.entryNext);
    this.entryAcc = acc;
    this.entryUsd = usd;
    this.entryNext = next;
    this.entryCap = cap;
  }
}

const SUCCESS_BIT = 1;
const CAP_BIT = 2;

function noSpans(): SpanKinds {
  return { spans: 0, calls: 0, attempts: 0, evaluations: 0, other: 0 };
}

export class TraceGrouper {
  /** Trace id → its slot in `slots`, in order of last activity (idle ones at the head). */
  private readonly open = new Map<string, number>();
  private readonly slots = new OpenTraces();
  /** The slot `addShare` adds to (set around `WindowAggregator.traceShares`). */
  private shareSlot = -1;
  private readonly shareInto = { addShare: (acc: CohortAcc, usd: number): void => this.slots.addShare(this.shareSlot, acc, usd) };
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
    const o = this.slots;
    let t = this.open.get(span.traceId);
    if (t !== undefined) {
      // Most recently active last — moved only once it fell an eighth of the idle gap behind, so
      // a busy trace is not re-inserted on every span (a Map delete + set churns its table).
      if (this.watermark - o.movedAt[t]! > this.idleMs / 8) {
        this.open.delete(span.traceId);
        this.open.set(span.traceId, t);
        o.movedAt[t] = this.watermark;
      }
    } else {
      const closed = this.closed.get(span.traceId);
      if (closed !== undefined) {
        this.afterClose(span, closed);
        return;
      }
      t = o.alloc(this.watermark);
      this.open.set(span.traceId, t);
      if (this.open.size > this.stats.peakOpen) this.stats.peakOpen = this.open.size;
      if (this.open.size > this.maxOpen) {
        const [id, slot] = this.open.entries().next().value!;
        this.close(id, slot, 'cap');
      }
    }
    o.touched[t] = this.watermark;
    if (span.error || span.parentSpanId === undefined) {
      if (isAttemptSpan(span.attributes)) return;
      if (span.error) (o.errorSpans[t] ??= new Set()).add(span.spanId);
      if (span.parentSpanId === undefined && !(span.startMs >= o.rootStart[t]!) && !isEvaluationSpan(span)) {
        o.rootStart[t] = span.startMs;
        o.setFlag(t, ROOT_ERROR, span.error);
      }
    }
  }

  /** A joined call (from the report sink), with the window its trace's figures go to. */
  call(j: JoinedCall, window: WindowAggregator): void {
    if (j.call.shadow) return; // mirrored calls are not part of the user's task
    const t = this.open.get(j.call.traceId);
    if (t === undefined) return; // its spans were counted as late or overflow
    const o = this.slots;
    const w = (o.window[t] ??= window);
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
    const t = this.open.get(traceId);
    if (t !== undefined) {
      if (result.passed === false) this.slots.evaluationsFailed[t]!++;
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
    for (const [id, t] of this.open) {
      if (this.watermark - this.slots.touched[t]! <= this.idleMs) break;
      this.close(id, t, 'idle');
    }
  }

  /** Closes every open trace (after the joiner finished: its leftover calls and evaluations are in). */
  finish(): TraceGroupingStats {
    for (const [id, t] of [...this.open]) this.close(id, t, 'end');
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

  private close(traceId: string, t: number, reason: 'idle' | 'cap' | 'end'): void {
    this.flushCalls(traceId);
    this.open.delete(traceId);
    if (reason === 'idle') this.stats.closedIdle++;
    else if (reason === 'cap') this.stats.closedCap++;
    else this.stats.closedAtEnd++;
    const capBit = reason === 'cap' ? CAP_BIT : 0;
    const o = this.slots;
    const calls = o.calls[t]!;
    if (calls === 0) {
      this.stats.tracesWithoutCalls++;
      this.closed.set(traceId, capBit);
      o.release(t);
      return;
    }
    let rootError = o.flag(t, ROOT_ERROR);
    const partial = Number.isNaN(o.rootStart[t]!);
    if (partial) {
      // A partial export: the earliest call's parent stands in for the root.
      let earliest = 0;
      for (let i = 1; i < calls; i++) if (o.callStart(t, i) < o.callStart(t, earliest)) earliest = i;
      const parent = o.callParent(t, earliest);
      rootError = parent !== undefined && (o.errorSpans[t]?.has(parent) ?? false);
      this.stats.partial++;
    }
    const success = !rootError && !o.unhandledFailure(t) && (this.mode !== 'evals' || o.evaluationsFailed[t] === 0);
    const closed: ClosedTrace = { success, partial, costUsd: o.costUsd[t]!, calls, retries: o.retries[t]!, fallbacks: o.fallbacks[t]!, priceUnknown: o.flag(t, PRICE_UNKNOWN) };
    const cohorts: CohortAcc[] = [];
    o.eachShare(t, (acc, usd) => {
      acc.traces.add(closed, usd);
      cohorts.push(acc);
    });
    o.release(t);
    this.stats.traces++;
    this.closed.set(traceId, ((this.intern(cohorts) + 1) << 2) | (success ? SUCCESS_BIT : 0) | capBit);
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
