/**
 * `recordEvaluation(target, result)`: attaches an evaluation result to the answer's trace. The
 * target is the answer itself (a completion or stream returned by the router, with its call
 * info), its trace target (`getCallInfo(answer).trace`), a span context (`{ traceId, spanId,
 * traceFlags }`), or a W3C `traceparent` string (for evaluators in another process, or run
 * later from a file). The result is published on the `tracegate:evaluation` channel; the
 * instrumentation's evaluation bridge turns it into a `gen_ai.evaluation.result` event on the
 * answer's span while that span is open, else into an `evaluation {name}` span in the same
 * trace (see docs/evals.md). Eval-aware routing policies listen on the same channel.
 * Without tracing nothing is recorded on a trace, and the call costs almost nothing.
 */
import { getCallInfo, rememberedTraceTarget, type TraceTarget } from '../call-info.js';
import { publishEvaluation, type EvaluationEventResult, type EvaluationRecording, type EvaluationTargetRef } from '../channels.js';
import { BadRequestError } from '../errors.js';
import { routeOf } from './response.js';
import type { EvaluationResult } from './types.js';

/** What `recordEvaluation` accepts as a target. */
export type EvaluationTargetLike = string | TraceTarget | { traceId: string; spanId: string; traceFlags?: number; traceState?: unknown } | object;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** Parses a W3C traceparent (version 00, or a later version's first four fields). */
export function parseTraceparent(value: string, tracestate?: string): EvaluationTargetRef {
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!) || (m[1] === '00' && value.trim().length !== 55)) {
    throw new BadRequestError(`invalid traceparent ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)} (expected 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>)`, {
      param: 'traceparent',
    });
  }
  return { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16), ...(tracestate ? { tracestate } : {}) };
}

function fromTraceTarget(t: TraceTarget): EvaluationTargetRef {
  const spanId = t.attemptSpanId ?? t.spanId;
  return { traceId: t.traceId, spanId, traceFlags: t.traceFlags, ...(t.attemptSpanId && t.attemptSpanId !== t.spanId ? { callSpanId: t.spanId } : {}) };
}

/**
 * The span an evaluation belongs to. Returns undefined for an answer without trace coordinates
 * (produced with tracing off); throws BadRequestError for a target that is not one of the
 * accepted forms.
 */
export function resolveTarget(target: EvaluationTargetLike | undefined): EvaluationTargetRef | undefined {
  if (target === undefined || target === null) return undefined;
  if (typeof target === 'string') return parseTraceparent(target);
  if (typeof target !== 'object') throw new BadRequestError(`evaluation target must be an answer, a trace target, a span context or a traceparent, got ${typeof target}`, { param: 'target' });
  const info = getCallInfo(target);
  if (info) return info.trace ? fromTraceTarget(info.trace) : undefined;
  // An answer returned by an instrumented provider SDK (openai ChatCompletion, Anthropic Message...).
  const direct = rememberedTraceTarget(target);
  if (direct) return fromTraceTarget(direct);
  const t = target as Partial<TraceTarget> & { traceState?: { serialize?: () => string } };
  if (typeof t.traceId === 'string' && typeof t.spanId === 'string') {
    const traceId = t.traceId.toLowerCase();
    const spanId = (t.attemptSpanId ?? t.spanId).toLowerCase();
    if (!HEX32.test(traceId) || !HEX16.test(spanId) || /^0+$/.test(traceId) || /^0+$/.test(spanId)) {
      throw new BadRequestError('evaluation target: traceId must be 32 and spanId 16 lower-case hex digits, not all zero', { param: 'target' });
    }
    const ref: EvaluationTargetRef = { traceId, spanId, traceFlags: typeof t.traceFlags === 'number' ? t.traceFlags : 1 };
    if (t.attemptSpanId && t.attemptSpanId !== t.spanId) ref.callSpanId = t.spanId.toLowerCase();
    const state = typeof t.traceState?.serialize === 'function' ? t.traceState.serialize() : undefined;
    if (state) ref.tracestate = state;
    return ref;
  }
  if (typeof t.traceparent === 'string') return parseTraceparent(t.traceparent);
  if (Array.isArray((target as { choices?: unknown }).choices)) return undefined; // a completion not from the router
  if (isSdkAnswer(target)) return undefined; // an SDK answer made while no SDK instrumentation was on
  throw new BadRequestError('evaluation target must be an answer from the router, a trace target, a span context or a traceparent', { param: 'target' });
}

/** An answer object of a provider SDK (Anthropic Message, Responses API response, Gemini or Bedrock answer). */
function isSdkAnswer(target: object): boolean {
  const t = target as { type?: unknown; object?: unknown; candidates?: unknown; output?: unknown };
  return t.type === 'message' || t.object === 'response' || Array.isArray(t.candidates) || (typeof t.output === 'object' && t.output !== null);
}

/** How `recordEvaluation` went: recorded by the bridge, skipped (unsampled trace), or not on any trace. */
export type RecordOutcome = EvaluationRecording | 'not_traced';

/** The published (plain data) form of a result; route and shadow flag from the target's call info when the result has none. */
export function toEventResult(result: EvaluationResult, target?: EvaluationTargetLike): EvaluationEventResult {
  if (!result || typeof result.name !== 'string' || typeof result.score !== 'number' || typeof result.passed !== 'boolean') {
    throw new BadRequestError('recordEvaluation: result must be an evaluation result ({ name, score, label, passed, threshold })', { param: 'result' });
  }
  const info = target && typeof target === 'object' ? getCallInfo(target) : undefined;
  const route = result.route ?? routeOf(info);
  const shadow = result.shadow ?? info?.shadow;
  return {
    name: result.name,
    score: result.score,
    label: result.label,
    passed: result.passed,
    threshold: result.threshold,
    ...(result.explanation !== undefined ? { explanation: result.explanation } : {}),
    ...(result.evaluatorVersion !== undefined ? { evaluatorVersion: result.evaluatorVersion } : {}),
    ...(result.annotatorKind !== undefined ? { annotatorKind: result.annotatorKind } : {}),
    ...(shadow ? { shadow: true } : {}),
    ...(route ? { route } : {}),
    ...(result.responseId !== undefined ? { responseId: result.responseId } : {}),
  };
}

/**
 * Records an evaluation on the answer's trace. `target` defaults to `result.target` (set by
 * `evaluate()` when the answer came from the router with tracing on). Returns how it was
 * recorded: `event` (on the answer's open span), `span` (a late `evaluation {name}` span in the
 * answer's trace), `new_trace` (the answer's trace was not sampled and the bridge is set to link
 * from a new trace), `skipped` (not sampled), or `not_traced` (no target, or tracing is off).
 */
export function recordEvaluation(target: EvaluationTargetLike | undefined, result: EvaluationResult): RecordOutcome {
  const chosen = target ?? result?.target;
  const ref = resolveTarget(chosen);
  const event = { result: toEventResult(result, chosen), ...(ref ? { target: ref } : {}) };
  return publishEvaluation(event) ?? 'not_traced';
}
