/**
 * A separate evaluations file (`--evals`). Either JSON lines, one result per line:
 *
 *   {"traceId": "<32 hex>", "spanId": "<16 hex>", "name": "json_validity", "score": 0, "label": "fail",
 *    "passed": false, "threshold": 1, "shadow": false, "explanation": "..."}
 *
 * (`spanId`: the answer's attempt span or call span, as in `getCallInfo(c).trace`; without it the
 * result is about the trace's answer. A W3C `traceparent` may replace `traceId` and `spanId`. At
 * least one of `score`, `passed`, `label` is needed; a missing `passed` is derived from the label,
 * or from score ≥ threshold.) Or OTLP/JSON (or Jaeger) traces holding evaluation spans and
 * `gen_ai.evaluation.result` events, as `tracegate eval` exports them: only the evaluations are
 * taken from those, never calls.
 */
import { evaluationTarget, evaluationsOf, isAttemptSpan, isCallSpan, makeEval, type PendingEval } from '../model/records.js';
import { readJsonDocuments, type DocumentStats, type ReadDocumentsOptions } from './json-documents.js';
import { documentSpans } from './trace-file.js';
import { normalizeId, type SpanView } from './span.js';

export interface EvalsFileStats extends DocumentStats {
  results: number;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/i;

/** One line of the JSON-lines form → a pending evaluation, or an error message. */
export function parseEvalLine(doc: unknown): PendingEval | string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'an evaluation line must be a JSON object';
  const o = doc as Record<string, unknown>;
  let traceId = normalizeId(o.traceId ?? o.trace_id, 16);
  let spanId = o.spanId ?? o.span_id;
  if (typeof o.traceparent === 'string') {
    const m = TRACEPARENT.exec(o.traceparent.trim());
    if (!m) return `"traceparent" is not a W3C traceparent: ${JSON.stringify(o.traceparent).slice(0, 80)}`;
    traceId = m[1]!.toLowerCase();
    spanId ??= m[2]!.toLowerCase();
  }
  if (!traceId) return '"traceId" (32 hex digits) or "traceparent" is required';
  let targetSpanId: string | undefined;
  if (spanId !== undefined && spanId !== null && spanId !== '') {
    targetSpanId = normalizeId(spanId, 8);
    if (!targetSpanId) return `"spanId" must be 16 hex digits, got ${JSON.stringify(spanId).slice(0, 40)}`;
  }
  if (typeof o.name !== 'string' || !o.name) return '"name" (the evaluator) is required';
  const score = o.score;
  if (score !== undefined && score !== null && (typeof score !== 'number' || !Number.isFinite(score))) return '"score" must be a number';
  if (o.passed !== undefined && o.passed !== null && typeof o.passed !== 'boolean') return '"passed" must be true or false';
  if (o.threshold !== undefined && o.threshold !== null && typeof o.threshold !== 'number') return '"threshold" must be a number';
  if (o.label !== undefined && o.label !== null && typeof o.label !== 'string') return '"label" must be a string';
  if (score == null && o.passed == null && o.label == null) return 'one of "score", "passed", "label" is required';
  const e = makeEval({
    name: o.name,
    score: typeof score === 'number' ? score : undefined,
    label: typeof o.label === 'string' ? o.label : undefined,
    passed: typeof o.passed === 'boolean' ? o.passed : undefined,
    threshold: typeof o.threshold === 'number' ? o.threshold : undefined,
    explanation: typeof o.explanation === 'string' ? o.explanation : undefined,
    shadow: typeof o.shadow === 'boolean' ? o.shadow : undefined,
  });
  return { ...e, traceId, targetSpanId };
}

/** Evaluations a span of an evaluations trace file carries, with the answer they are about. */
export function spanEvaluations(span: SpanView): PendingEval[] {
  const results = evaluationsOf(span);
  if (results.length === 0) return [];
  const own = isCallSpan(span.attributes) || isAttemptSpan(span.attributes);
  const target = own ? { traceId: span.traceId, spanId: span.spanId } : evaluationTarget(span);
  return results.map((r) => ({ ...r, traceId: target.traceId, targetSpanId: target.spanId }));
}

export async function readEvalsFile(file: string, onEval: (e: PendingEval) => void, options: ReadDocumentsOptions = {}): Promise<EvalsFileStats> {
  let results = 0;
  const seen = { spans: 0, skipped: 0, otlp: false, jaeger: false };
  const emit = (e: PendingEval): void => {
    results++;
    onEval(e);
  };
  const handle = (doc: unknown): string | undefined => {
    if (Array.isArray(doc) && doc.every((d) => d && typeof d === 'object' && 'name' in d)) {
      for (const d of doc) {
        const r = parseEvalLine(d);
        if (typeof r === 'string') return r;
      }
      for (const d of doc) emit(parseEvalLine(d) as PendingEval);
      return undefined;
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'name' in doc) {
      const r = parseEvalLine(doc);
      if (typeof r === 'string') return r;
      emit(r);
      return undefined;
    }
    const problem = documentSpans(doc, (span) => spanEvaluations(span).forEach(emit), seen);
    return problem ? 'neither an evaluation ({traceId, spanId?, name, score, passed, ...}) nor OTLP/JSON or Jaeger traces' : undefined;
  };
  const stats = await readJsonDocuments(file, handle, { what: 'evaluations file', ...options });
  return { ...stats, results };
}
