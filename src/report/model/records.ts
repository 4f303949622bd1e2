/**
 * Compact records taken from spans: a logical call, an attempt, an evaluation result. Only these
 * few fields survive a span; everything else is dropped as soon as the span was read.
 */
import * as S from '../../../semconv/index.js';
import { attrBool, attrNumber, attrString, attrStrings, type Attributes, type SpanView } from '../read/span.js';
import {
  REQUIRED_ANSWERED_CALL_ATTRIBUTES,
  REQUIRED_ANSWERED_CHAT_ATTEMPT_ATTRIBUTES,
  REQUIRED_ATTEMPT_ATTRIBUTES,
  REQUIRED_CALL_ATTRIBUTES,
  REQUIRED_DIRECT_ATTRIBUTES,
  REQUIRED_FAILED_ATTEMPT_ATTRIBUTES,
  hasAll,
  hasCost,
} from './required.js';

/** Outcomes that count as a successful request. */
export const SUCCESS_OUTCOMES: ReadonlySet<string> = new Set(['success', 'fallback_success', 'cache_hit']);

export interface EvalResult {
  name: string;
  score: number | undefined;
  label: string | undefined;
  /** The verdict: given, or derived from the label or score and threshold; undefined when unknown. */
  passed: boolean | undefined;
  threshold: number | undefined;
  explanation: string | undefined;
  /** From an evaluations file: the answer was a shadow (mirrored) call. */
  shadow?: boolean;
}

/** An evaluation not yet joined to its answer. */
export interface PendingEval extends EvalResult {
  traceId: string;
  /** The answer's attempt span (or call span); undefined: the trace's answer. */
  targetSpanId: string | undefined;
}

export interface AttemptRecord {
  traceId: string;
  spanId: string;
  callSpanId: string | undefined;
  index: number;
  route: string | undefined;
  fallbackDepth: number;
  deploymentId: string | undefined;
  provider: string | undefined;
  model: string | undefined;
  status: number | undefined;
  errorType: string | undefined;
  failed: boolean;
  costUsd: number | undefined;
  priceUnknown: boolean;
  inTokens: number | undefined;
  outTokens: number | undefined;
  startMs: number;
  endMs: number;
  ttftMs: number | undefined;
  retryReason: string | undefined;
  /** The request overrides applied (`tracegate.request.overrides`), in order, joined with `, `. */
  overrides: string | undefined;
  /** The deployment's override variant (`tracegate.request.override_variant`). */
  variant: string | undefined;
  /** Carries every required attribute (see required.ts). */
  complete: boolean;
  evals: EvalResult[];
}

export interface CallRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  route: string;
  operation: string;
  /** The API the request came in on (`tracegate.ingress.api`); undefined for chat completions and embeddings. */
  ingress: string | undefined;
  outcome: string;
  success: boolean;
  attemptsExpected: number;
  retries: number;
  fallbackUsed: boolean;
  fallbackAlias: string | undefined;
  deploymentId: string | undefined;
  provider: string | undefined;
  model: string | undefined;
  costUsd: number | undefined;
  priceUnknown: boolean;
  inTokens: number | undefined;
  outTokens: number | undefined;
  startMs: number;
  endMs: number;
  ttftMs: number | undefined;
  shadow: boolean;
  stream: boolean;
  cacheHit: boolean;
  /** The semantic cache was consulted (`tracegate.cache.kind = semantic` on the call span): its last action, the similarity, what a hit saved. */
  semanticCache?: { action: string; similarity: number | undefined; savedUsd: number | undefined };
  service: string | undefined;
  /** How the model was reached: `gateway` (a router call), `direct` (an instrumented provider SDK call). */
  path: string;
  /** `tracegate.metadata.<key>` values asked for by `--by metadata.<key>`. */
  metadata: Record<string, string> | undefined;
  complete: boolean;
  evals: EvalResult[];
}

export function isCallSpan(a: Attributes): boolean {
  return (a.has(S.ATTR_TRACEGATE_CALL_ID) || a.has(S.ATTR_TRACEGATE_OUTCOME)) && !a.has(S.ATTR_TRACEGATE_ATTEMPT_INDEX) && !a.has(S.ATTR_TRACEGATE_ATTEMPT_ID);
}

export function isAttemptSpan(a: Attributes): boolean {
  return a.has(S.ATTR_TRACEGATE_ATTEMPT_INDEX) || a.has(S.ATTR_TRACEGATE_ATTEMPT_ID);
}

/**
 * A CLIENT span of an instrumented provider SDK calling the provider directly (not through the
 * gateway): a request of its own, on the `direct` path. SDK spans whose server was a tracegate
 * proxy (`proxy-client`) are not: that request is the proxy's call, counted once, from its spans.
 */
export function isDirectSpan(a: Attributes): boolean {
  return attrString(a, S.ATTR_TRACEGATE_PATH) === S.TRACEGATE_PATH.direct && !isAttemptSpan(a);
}

/** Route of direct calls (they have no alias). */
export const DIRECT_ROUTE = '(direct)';

/** A direct SDK call as a call with one attempt, both made of its one span. */
export function directFromSpan(span: SpanView): { call: CallRecord; attempt: AttemptRecord } {
  const a = span.attributes;
  const attempt = attemptFromSpan(span);
  attempt.route = DIRECT_ROUTE;
  attempt.callSpanId = span.spanId;
  let complete = hasAll(a, REQUIRED_DIRECT_ATTRIBUTES);
  if (complete && attempt.failed) complete = hasAll(a, REQUIRED_FAILED_ATTEMPT_ATTRIBUTES);
  if (complete && !attempt.failed && attrString(a, S.ATTR_GEN_AI_OPERATION_NAME) === 'chat') complete = hasAll(a, REQUIRED_ANSWERED_CHAT_ATTEMPT_ATTRIBUTES) && hasCost(a, 'attempt');
  attempt.complete = complete;
  const call: CallRecord = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    route: DIRECT_ROUTE,
    operation: attrString(a, S.ATTR_GEN_AI_OPERATION_NAME) ?? 'chat',
    ingress: undefined,
    outcome: attempt.failed ? 'error' : 'success',
    success: !attempt.failed,
    attemptsExpected: 1,
    retries: 0,
    fallbackUsed: false,
    fallbackAlias: undefined,
    deploymentId: undefined,
    provider: attempt.provider,
    model: attempt.model,
    costUsd: attempt.costUsd,
    priceUnknown: attempt.priceUnknown,
    inTokens: attempt.inTokens,
    outTokens: attempt.outTokens,
    startMs: span.startMs,
    endMs: span.endMs,
    ttftMs: attempt.ttftMs,
    shadow: false,
    stream: attrBool(a, S.ATTR_GEN_AI_REQUEST_STREAM) === true,
    cacheHit: false,
    service: span.service,
    path: S.TRACEGATE_PATH.direct,
    metadata: undefined,
    complete,
    evals: attempt.evals,
  };
  attempt.evals = [];
  return { call, attempt };
}

const PASS_LABELS = new Set(['pass', 'passed', 'true', 'ok', 'yes', 'valid', 'grounded', 'correct', 'relevant', 'safe']);
const FAIL_LABELS = new Set(['fail', 'failed', 'false', 'no', 'invalid', 'ungrounded', 'incorrect', 'irrelevant', 'unsafe', 'injection', 'blocked']);

/** The verdict of a result: `passed` when given; else from the label; else score ≥ threshold. */
export function verdictOf(passed: boolean | undefined, label: string | undefined, score: number | undefined, threshold: number | undefined): boolean | undefined {
  if (passed !== undefined) return passed;
  const l = label?.toLowerCase();
  if (l && PASS_LABELS.has(l)) return true;
  if (l && FAIL_LABELS.has(l)) return false;
  if (score !== undefined && threshold !== undefined) return score >= threshold;
  return undefined;
}

export function makeEval(fields: {
  name: string;
  score?: number | undefined;
  label?: string | undefined;
  passed?: boolean | undefined;
  threshold?: number | undefined;
  explanation?: string | undefined;
  shadow?: boolean | undefined;
}): EvalResult {
  const r: EvalResult = {
    name: fields.name,
    score: fields.score,
    label: fields.label,
    passed: verdictOf(fields.passed, fields.label, fields.score, fields.threshold),
    threshold: fields.threshold,
    explanation: fields.explanation,
  };
  if (fields.shadow !== undefined) r.shadow = fields.shadow;
  return r;
}

function evalFromAttributes(a: Attributes, names: { name: string; score: string; label: string; explanation: string }): EvalResult | undefined {
  const name = attrString(a, names.name);
  if (!name) return undefined;
  return makeEval({
    name,
    score: attrNumber(a, names.score),
    label: attrString(a, names.label),
    passed: attrBool(a, S.ATTR_TRACEGATE_EVALUATION_PASSED),
    threshold: attrNumber(a, S.ATTR_TRACEGATE_EVALUATION_THRESHOLD),
    explanation: attrString(a, names.explanation),
  });
}

const GEN_AI_NAMES = {
  name: S.ATTR_GEN_AI_EVALUATION_NAME,
  score: S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  label: S.ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  explanation: S.ATTR_GEN_AI_EVALUATION_EXPLANATION,
};
/** OpenInference's flattened feedback attributes (the first result), as evaluation spans carry them. */
const OPENINFERENCE_NAMES = {
  name: 'evaluations.0.evaluation.name',
  score: 'evaluations.0.evaluation.score',
  label: 'evaluations.0.evaluation.label',
  explanation: 'evaluations.0.evaluation.explanation',
};

/**
 * Evaluation results a span carries: its `gen_ai.evaluation.result` events; on an evaluation span
 * without such events, its own `gen_ai.evaluation.*` or OpenInference `evaluations.0.evaluation.*`
 * attributes.
 */
export function evaluationsOf(span: SpanView): EvalResult[] {
  const out: EvalResult[] = [];
  for (const e of span.events) {
    if (e.name !== S.EVENT_GEN_AI_EVALUATION_RESULT) continue;
    const r = evalFromAttributes(e.attributes, GEN_AI_NAMES);
    if (r) out.push(r);
  }
  if (out.length === 0) {
    const r = evalFromAttributes(span.attributes, GEN_AI_NAMES) ?? evalFromAttributes(span.attributes, OPENINFERENCE_NAMES);
    if (r) out.push(r);
  }
  return out;
}

/** The answer an evaluation span (or event on a non-tracegate span) is about: its link, else its parent. */
export function evaluationTarget(span: SpanView): { traceId: string; spanId: string | undefined } {
  const link = span.links[0];
  if (link) return { traceId: link.traceId, spanId: link.spanId };
  return { traceId: span.traceId, spanId: span.parentSpanId };
}

function ms(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

function semanticCacheOf(a: Attributes): Pick<CallRecord, 'semanticCache'> {
  if (attrString(a, S.decisionAttr('cache', 'cache.kind')) !== 'semantic') return {};
  const action = attrString(a, S.decisionAttr('cache', 'action'));
  if (action === undefined) return {};
  return { semanticCache: { action, similarity: attrNumber(a, S.decisionAttr('cache', 'cache.similarity')), savedUsd: attrNumber(a, S.decisionAttr('cache', 'cache.saved_usd')) } };
}

export function callFromSpan(span: SpanView, metadataKeys: readonly string[]): CallRecord {
  const a = span.attributes;
  const outcome = attrString(a, S.ATTR_TRACEGATE_OUTCOME) ?? (span.error ? 'error' : 'unknown');
  const cacheHit = attrBool(a, S.ATTR_TRACEGATE_CACHE_HIT) === true || outcome === 'cache_hit';
  const deploymentId = attrString(a, S.ATTR_TRACEGATE_DEPLOYMENT_ID);
  let complete = hasAll(a, REQUIRED_CALL_ATTRIBUTES);
  if (complete && deploymentId !== undefined && !cacheHit) complete = hasAll(a, REQUIRED_ANSWERED_CALL_ATTRIBUTES) && hasCost(a, 'call');
  let metadata: Record<string, string> | undefined;
  for (const k of metadataKeys) {
    const v = attrString(a, S.metadataAttr(k));
    if (v !== undefined) (metadata ??= {})[k] = v;
  }
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    route: attrString(a, S.ATTR_TRACEGATE_ROUTE) ?? '(unknown)',
    operation: attrString(a, S.ATTR_TRACEGATE_OPERATION) ?? 'chat',
    ingress: attrString(a, S.ATTR_TRACEGATE_INGRESS_API),
    outcome,
    success: SUCCESS_OUTCOMES.has(outcome),
    attemptsExpected: attrNumber(a, S.ATTR_TRACEGATE_ATTEMPTS) ?? 0,
    retries: attrNumber(a, S.ATTR_TRACEGATE_RETRIES) ?? 0,
    fallbackUsed: attrBool(a, S.ATTR_TRACEGATE_FALLBACK_USED) === true,
    fallbackAlias: attrString(a, S.ATTR_TRACEGATE_FALLBACK_ALIAS),
    deploymentId,
    provider: attrString(a, S.ATTR_TRACEGATE_PROVIDER),
    model: attrString(a, S.ATTR_TRACEGATE_MODEL),
    costUsd: attrNumber(a, S.ATTR_TRACEGATE_COST_TOTAL_USD),
    priceUnknown: attrBool(a, S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN) === true,
    inTokens: attrNumber(a, S.ATTR_TRACEGATE_USAGE_INPUT_TOKENS),
    outTokens: attrNumber(a, S.ATTR_TRACEGATE_USAGE_OUTPUT_TOKENS),
    startMs: span.startMs,
    endMs: span.endMs,
    ttftMs: ms(attrNumber(a, S.ATTR_TRACEGATE_TIME_TO_FIRST_CHUNK)),
    shadow: attrBool(a, S.ATTR_TRACEGATE_SHADOW) === true,
    stream: attrBool(a, S.ATTR_TRACEGATE_STREAM) === true,
    cacheHit,
    ...semanticCacheOf(a),
    service: span.service,
    path: S.TRACEGATE_PATH.gateway,
    metadata,
    complete,
    evals: evaluationsOf(span),
  };
}

export function attemptFromSpan(span: SpanView): AttemptRecord {
  const a = span.attributes;
  const errorType = attrString(a, S.ATTR_ERROR_TYPE);
  const failed = errorType !== undefined || span.error;
  let complete = hasAll(a, REQUIRED_ATTEMPT_ATTRIBUTES);
  if (complete && failed) complete = hasAll(a, REQUIRED_FAILED_ATTEMPT_ATTRIBUTES);
  if (complete && !failed && attrString(a, S.ATTR_GEN_AI_OPERATION_NAME) === 'chat') {
    complete = hasAll(a, REQUIRED_ANSWERED_CHAT_ATTEMPT_ATTRIBUTES) && hasCost(a, 'attempt');
  }
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    callSpanId: span.parentSpanId,
    index: attrNumber(a, S.ATTR_TRACEGATE_ATTEMPT_INDEX) ?? 0,
    route: attrString(a, S.ATTR_TRACEGATE_ROUTE),
    fallbackDepth: attrNumber(a, S.ATTR_TRACEGATE_FALLBACK_DEPTH) ?? 0,
    deploymentId: attrString(a, S.ATTR_TRACEGATE_DEPLOYMENT_ID),
    provider: attrString(a, S.ATTR_TRACEGATE_PROVIDER) ?? attrString(a, S.ATTR_GEN_AI_PROVIDER_NAME),
    model: attrString(a, S.ATTR_GEN_AI_REQUEST_MODEL) ?? attrString(a, S.ATTR_LLM_MODEL_NAME),
    status: attrNumber(a, S.ATTR_HTTP_RESPONSE_STATUS_CODE),
    errorType: errorType ?? (span.error ? '_OTHER' : undefined),
    failed,
    costUsd: attrNumber(a, S.ATTR_LLM_COST_TOTAL),
    priceUnknown: attrBool(a, S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN) === true,
    inTokens: attrNumber(a, S.ATTR_GEN_AI_USAGE_INPUT_TOKENS) ?? attrNumber(a, S.ATTR_LLM_TOKEN_COUNT_PROMPT),
    outTokens: attrNumber(a, S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ?? attrNumber(a, S.ATTR_LLM_TOKEN_COUNT_COMPLETION),
    startMs: span.startMs,
    endMs: span.endMs,
    ttftMs: ms(attrNumber(a, S.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)),
    retryReason: attrString(a, S.ATTR_TRACEGATE_RETRY_REASON),
    overrides: attrStrings(a, S.ATTR_TRACEGATE_REQUEST_OVERRIDES)?.join(', '),
    variant: attrString(a, S.ATTR_TRACEGATE_REQUEST_OVERRIDE_VARIANT),
    complete,
    evals: evaluationsOf(span),
  };
}
