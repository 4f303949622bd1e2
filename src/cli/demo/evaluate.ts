/**
 * The demo's evaluators: JSON validity (the answer parses and follows `ANSWER_SCHEMA`) and
 * groundedness (every number in the answer appears in the knowledge base, and most of its content
 * words do). Results are recorded on the answer's trace as a late `evaluation {name}` span: a
 * child of the answer's attempt span with one link to it, carrying a `gen_ai.evaluation.result`
 * event (the names of `tracegate/evals`'s bridge).
 *
 * Interim: these stand in for `JsonSchemaValidation`, `Groundedness` and `recordEvaluation` from
 * `tracegate/evals` until that module is on main.
 */
import { context, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import * as S from '../../../semconv/index.js';
import type { TraceTarget } from '../../call-info.js';
import { ANSWER_SCHEMA, CATEGORIES, KNOWLEDGE_BASE } from './support-kb.js';

export interface DemoEvaluation {
  name: string;
  score: number;
  label: string;
  passed: boolean;
  threshold: number;
  explanation: string;
}

export function jsonValidity(text: string): DemoEvaluation {
  const base = { name: 'json_schema', threshold: 1 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ...base, score: 0, label: 'invalid', passed: false, explanation: `not JSON: ${(err as Error).message}` };
  }
  const problems: string[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) problems.push('/: must be an object');
  else {
    const o = value as Record<string, unknown>;
    for (const k of ANSWER_SCHEMA.required) if (!(k in o)) problems.push(`/: must have required property "${k}"`);
    if ('answer' in o && (typeof o.answer !== 'string' || !o.answer)) problems.push('/answer: must be a non-empty string');
    if ('category' in o && !(CATEGORIES as readonly unknown[]).includes(o.category)) problems.push(`/category: must be one of ${CATEGORIES.join(', ')}`);
    for (const k of Object.keys(o)) if (!(k in ANSWER_SCHEMA.properties)) problems.push(`/: must not have additional property "${k}"`);
  }
  return problems.length
    ? { ...base, score: 0, label: 'invalid', passed: false, explanation: problems.join('; ') }
    : { ...base, score: 1, label: 'valid', passed: true, explanation: 'valid against the answer schema' };
}

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'is', 'are', 'to', 'of', 'in', 'on', 'within', 'until', 'it', 'be', 'can', 'your', 'you', 'yes']);
const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g)?.filter((w) => !STOP.has(w)) ?? [];

export function groundedness(answerText: string): DemoEvaluation {
  let answer = answerText;
  try {
    const v = JSON.parse(answerText) as { answer?: unknown };
    if (typeof v.answer === 'string') answer = v.answer;
  } catch {
    /* evaluate the raw text */
  }
  const kb = new Set(words(KNOWLEDGE_BASE.join(' ')));
  const content = words(answer);
  const numbers = content.filter((w) => /^\d+$/.test(w));
  const missingNumbers = numbers.filter((n) => !kb.has(n));
  const covered = content.filter((w) => kb.has(w)).length;
  const score = content.length ? (covered / content.length) * (missingNumbers.length ? 0.5 : 1) : 0;
  const passed = score >= 0.7;
  const explanation = missingNumbers.length
    ? `numbers not in the context: ${missingNumbers.join(', ')}`
    : `${covered} of ${content.length} content words found in the context`;
  return { name: 'groundedness', score: Math.round(score * 1000) / 1000, label: passed ? 'grounded' : 'ungrounded', passed, threshold: 0.7, explanation };
}

/** Records a result on the answer's trace as a late evaluation span (child of the answer, linked to it). */
export function recordOnTrace(target: TraceTarget, e: DemoEvaluation): void {
  const answer: SpanContext = { traceId: target.traceId, spanId: target.attemptSpanId ?? target.spanId, traceFlags: target.traceFlags ?? TraceFlags.SAMPLED, isRemote: true };
  const tracer = trace.getTracer('tracegate-demo-evals');
  const span = tracer.startSpan(
    `evaluation ${e.name}`,
    {
      links: [{ context: answer }],
      attributes: { [S.ATTR_GEN_AI_EVALUATION_NAME]: e.name, [S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: e.score, [S.ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: e.label },
    },
    trace.setSpanContext(context.active(), answer),
  );
  span.addEvent(S.EVENT_GEN_AI_EVALUATION_RESULT, {
    [S.ATTR_GEN_AI_EVALUATION_NAME]: e.name,
    [S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: e.score,
    [S.ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: e.label,
    [S.ATTR_GEN_AI_EVALUATION_EXPLANATION]: e.explanation,
    [S.ATTR_TRACEGATE_EVALUATION_PASSED]: e.passed,
    [S.ATTR_TRACEGATE_EVALUATION_THRESHOLD]: e.threshold,
  });
  span.end();
}
