/**
 * Joins spans into calls, in any order across lines, without keeping whole spans. A logical call
 * span becomes a compact `CallRecord`, each attempt span an `AttemptRecord`; a call is handed to
 * the sink as soon as its call span and all of its `tracegate.attempts` attempt spans are known
 * (attempts end before their call, so this is normally within the same batch). Evaluations are
 * joined to the answer they are about, whichever arrives first: events on the answer's span, late
 * `evaluation {name}` spans (link, else parent), or an evaluations file. What stays in memory for
 * the whole run is only the `SpanIndex` of call and answer span ids (for evaluations that arrive
 * after their answer, and the parent check of span coverage at the end): ~60 bytes per call.
 */
import type { SpanView } from '../read/span.js';
import {
  attemptFromSpan,
  callFromSpan,
  directFromSpan,
  evaluationTarget,
  evaluationsOf,
  isAttemptSpan,
  isCallSpan,
  isDirectSpan,
  type AttemptRecord,
  type CallRecord,
  type EvalResult,
  type PendingEval,
} from './records.js';
import { CallRows, SpanIndex } from './span-index.js';

export interface JoinedCall {
  call: CallRecord;
  /** By attempt index. */
  attempts: AttemptRecord[];
  /** The attempt that produced the answer (the last one that did not fail), when the call succeeded. */
  answer: AttemptRecord | undefined;
  /** Evaluations known when the call was joined (events, earlier evaluation spans, evaluations file). */
  evals: EvalResult[];
  /** `tracegate.attempts` minus the attempt spans found (lost or unsampled spans). */
  missingAttempts: number;
}

export interface JoinSink {
  /** A joined call; returns a handle by which late evaluations and the coverage check refer to it. */
  call(joined: JoinedCall): number;
  /** An evaluation of a call already handed over (`targetSpanId`: its call or answer span; `traceId`: the call's trace). */
  lateEval(handle: number, targetSpanId: string, result: EvalResult, traceId: string): void;
  /** The call's parent is not a tracegate span: it sits inside an application's trace. */
  appParent(handle: number): void;
}

export interface JoinStats {
  callSpans: number;
  attemptSpans: number;
  /** CLIENT spans of provider SDK calls that bypassed the gateway (each a request on the `direct` path). */
  directSpans: number;
  evaluationSpans: number;
  otherSpans: number;
  duplicateSpans: number;
  evaluations: number;
  evaluationsJoined: number;
  /** Evaluations whose answer was never found. */
  orphanEvaluations: number;
  /** Attempt spans whose call span was never found. */
  orphanAttempts: number;
  /** Calls joined with fewer attempt spans than `tracegate.attempts` says. */
  callsMissingAttempts: number;
  /** Bytes held by the late-join index at the end. */
  indexBytes: number;
}

/** Row value for span ids that are tracegate evaluation spans (not calls). */
const EVALUATION_ROW = -1;

interface PendingCall {
  call: CallRecord;
  attempts: AttemptRecord[];
}

interface TraceEvals {
  evals: PendingEval[];
  /** The trace's answer so far: the latest-ending successful call (else the latest call). */
  candidate?: { handle: number; spanId: string; endMs: number; success: boolean };
}

export interface JoinOptions {
  /** `tracegate.metadata.<key>` keys to keep on call records (for `--by metadata.<key>`). */
  metadataKeys?: readonly string[];
}

export class Joiner {
  private readonly pendingCalls = new Map<string, PendingCall>();
  /** Trace id → span ids of its pending calls (so a trace can be flushed when it closes). */
  private readonly pendingByTrace = new Map<string, string[]>();
  private readonly pendingAttempts = new Map<string, AttemptRecord[]>();
  private readonly evalsBySpan = new Map<string, PendingEval[]>();
  private readonly evalsByTrace = new Map<string, TraceEvals>();
  private readonly index = new SpanIndex();
  private readonly rows = new CallRows();
  private readonly metadataKeys: readonly string[];
  private finished = false;
  readonly stats: JoinStats = {
    callSpans: 0,
    attemptSpans: 0,
    directSpans: 0,
    evaluationSpans: 0,
    otherSpans: 0,
    duplicateSpans: 0,
    evaluations: 0,
    evaluationsJoined: 0,
    orphanEvaluations: 0,
    orphanAttempts: 0,
    callsMissingAttempts: 0,
    indexBytes: 0,
  };

  constructor(
    private readonly sink: JoinSink,
    options: JoinOptions = {},
  ) {
    this.metadataKeys = options.metadataKeys ?? [];
  }

  /** An evaluation from an evaluations file (or any source outside the traces). */
  addEvaluation(e: PendingEval): void {
    this.stats.evaluations++;
    this.routeEval(e);
  }

  addSpan(span: SpanView): void {
    const a = span.attributes;
    if (isDirectSpan(a)) {
      this.stats.directSpans++;
      if (this.index.get(span.spanId) !== undefined) {
        this.stats.duplicateSpans++;
        return;
      }
      const { call, attempt } = directFromSpan(span);
      this.join(call, [attempt]);
      return;
    }
    if (isCallSpan(a)) {
      this.stats.callSpans++;
      if (this.pendingCalls.has(span.spanId) || this.index.get(span.spanId) !== undefined) {
        this.stats.duplicateSpans++;
        return;
      }
      const call = callFromSpan(span, this.metadataKeys);
      const attempts = this.pendingAttempts.get(span.spanId) ?? [];
      this.pendingAttempts.delete(span.spanId);
      if (attempts.length >= call.attemptsExpected) this.join(call, attempts);
      else this.addPending(call, attempts);
      return;
    }
    if (isAttemptSpan(a)) {
      this.stats.attemptSpans++;
      const attempt = attemptFromSpan(span);
      const parent = attempt.callSpanId;
      if (!parent) {
        this.stats.orphanAttempts++;
        return;
      }
      const pending = this.pendingCalls.get(parent);
      if (pending) {
        if (pending.attempts.some((x) => x.spanId === attempt.spanId)) {
          this.stats.duplicateSpans++;
          return;
        }
        pending.attempts.push(attempt);
        if (pending.attempts.length >= pending.call.attemptsExpected) this.joinPending(parent);
        return;
      }
      if (this.index.get(parent) !== undefined) {
        // The call was joined already (a duplicate, or more attempt spans than it counted).
        this.stats.duplicateSpans++;
        return;
      }
      const list = this.pendingAttempts.get(parent);
      if (list) list.push(attempt);
      else this.pendingAttempts.set(parent, [attempt]);
      return;
    }
    const evals = evaluationsOf(span);
    if (evals.length === 0) {
      this.stats.otherSpans++;
      return;
    }
    this.stats.evaluationSpans++;
    this.index.set(span.spanId, EVALUATION_ROW);
    const target = evaluationTarget(span);
    for (const e of evals) {
      this.stats.evaluations++;
      this.routeEval({ ...e, traceId: target.traceId, targetSpanId: target.spanId });
    }
  }

  private addPending(call: CallRecord, attempts: AttemptRecord[]): void {
    this.pendingCalls.set(call.spanId, { call, attempts });
    const list = this.pendingByTrace.get(call.traceId);
    if (list) list.push(call.spanId);
    else this.pendingByTrace.set(call.traceId, [call.spanId]);
  }

  private joinPending(spanId: string): void {
    const p = this.pendingCalls.get(spanId);
    if (!p) return;
    this.pendingCalls.delete(spanId);
    const list = this.pendingByTrace.get(p.call.traceId);
    if (list) {
      const i = list.indexOf(spanId);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.pendingByTrace.delete(p.call.traceId);
    }
    this.join(p.call, p.attempts);
  }

  /** Calls waiting for attempt spans. */
  get pendingCallCount(): number {
    return this.pendingCalls.size;
  }

  /** Joins the calls of a trace still waiting for attempt spans (the trace is closing: they are lost). */
  flushTrace(traceId: string): void {
    const list = this.pendingByTrace.get(traceId);
    if (!list) return;
    for (const spanId of [...list]) this.joinPending(spanId);
  }

  private routeEval(e: PendingEval): void {
    if (e.targetSpanId === undefined) {
      const t = this.evalsByTrace.get(e.traceId);
      if (t) t.evals.push(e);
      else this.evalsByTrace.set(e.traceId, { evals: [e] });
      return;
    }
    const row = this.index.get(e.targetSpanId);
    if (row !== undefined && row >= 0) {
      this.stats.evaluationsJoined++;
      this.sink.lateEval(this.rows.handleOf(row), e.targetSpanId, stripTarget(e), e.traceId);
      return;
    }
    const list = this.evalsBySpan.get(e.targetSpanId);
    if (list) list.push(e);
    else this.evalsBySpan.set(e.targetSpanId, [e]);
  }

  private takeEvals(spanId: string, into: EvalResult[]): void {
    const list = this.evalsBySpan.get(spanId);
    if (!list) return;
    this.evalsBySpan.delete(spanId);
    this.stats.evaluationsJoined += list.length;
    for (const e of list) into.push(stripTarget(e));
  }

  private join(call: CallRecord, attempts: AttemptRecord[]): void {
    attempts.sort((x, y) => x.index - y.index || x.startMs - y.startMs);
    let answer: AttemptRecord | undefined;
    if (call.success) {
      for (let i = attempts.length - 1; i >= 0; i--) {
        if (!attempts[i]!.failed) {
          answer = attempts[i];
          break;
        }
      }
    }
    const evals: EvalResult[] = [...call.evals];
    this.takeEvals(call.spanId, evals);
    for (const at of attempts) {
      for (const e of at.evals) evals.push(e);
      this.takeEvals(at.spanId, evals);
    }
    // Evaluations counted when read from events on call and attempt spans.
    this.stats.evaluations += call.evals.length + attempts.reduce((n, at) => n + at.evals.length, 0);
    this.stats.evaluationsJoined += call.evals.length + attempts.reduce((n, at) => n + at.evals.length, 0);
    const missingAttempts = Math.max(0, call.attemptsExpected - attempts.length);
    if (missingAttempts > 0) this.stats.callsMissingAttempts++;
    const handle = this.sink.call({ call, attempts, answer, evals, missingAttempts });
    const row = this.rows.push(handle, call.parentSpanId);
    this.index.set(call.spanId, row);
    if (answer) this.index.set(answer.spanId, row);
    const t = this.evalsByTrace.get(call.traceId);
    if (t) {
      const c = t.candidate;
      const better = !c || (call.success && !c.success) || (call.success === c.success && call.endMs >= c.endMs);
      if (better) t.candidate = { handle, spanId: answer?.spanId ?? call.spanId, endMs: call.endMs, success: call.success };
    }
  }

  /** Joins what is left (calls with lost attempt spans), applies trace-level evaluations and the coverage check. */
  finish(): JoinStats {
    if (this.finished) return this.stats;
    this.finished = true;
    for (const spanId of [...this.pendingCalls.keys()]) this.joinPending(spanId);
    for (const list of this.pendingAttempts.values()) this.stats.orphanAttempts += list.length;
    this.pendingAttempts.clear();
    for (const [spanId, list] of this.evalsBySpan) {
      const row = this.index.get(spanId);
      if (row !== undefined && row >= 0) {
        for (const e of list) this.sink.lateEval(this.rows.handleOf(row), spanId, stripTarget(e), e.traceId);
        this.stats.evaluationsJoined += list.length;
      } else this.stats.orphanEvaluations += list.length;
    }
    this.evalsBySpan.clear();
    for (const [traceId, t] of this.evalsByTrace) {
      if (!t.candidate) {
        this.stats.orphanEvaluations += t.evals.length;
        continue;
      }
      for (const e of t.evals) this.sink.lateEval(t.candidate.handle, t.candidate.spanId, stripTarget(e), traceId);
      this.stats.evaluationsJoined += t.evals.length;
    }
    this.evalsByTrace.clear();
    this.rows.forEachWithParent((handle, hi, lo) => {
      if (this.index.getHalves(hi, lo) === undefined) this.sink.appParent(handle);
    });
    this.stats.indexBytes = this.index.bytes + this.rows.bytes;
    return this.stats;
  }
}

function stripTarget(e: PendingEval | EvalResult): EvalResult {
  const r: EvalResult = { name: e.name, score: e.score, label: e.label, passed: e.passed, threshold: e.threshold, explanation: e.explanation };
  if (e.shadow !== undefined) r.shadow = e.shadow;
  return r;
}
