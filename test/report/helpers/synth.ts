/**
 * Synthetic tracegate spans as OTLP/JSON lines, for report tests that need constructed data
 * (regressions between windows, many cohorts, hostile strings) rather than a live router.
 * Each call is a call span, its attempt spans and, optionally, evaluation events on the answer
 * attempt and an application parent span.
 */
import * as S from '../../../semconv/index.js';

export interface SynthAttempt {
  deployment: string;
  provider: string;
  model: string;
  route?: string;
  fallbackDepth?: number;
  errorType?: string;
  status?: number;
  costUsd?: number;
  inTokens?: number;
  outTokens?: number;
  durationMs?: number;
  /** Usage but no known price: no cost attribute, `tracegate.cost.price_unknown` set. */
  priceUnknown?: boolean;
}

export interface SynthEval {
  name: string;
  score?: number;
  passed?: boolean;
  label?: string;
  explanation?: string;
}

export interface SynthCall {
  route: string;
  startMs: number;
  latencyMs: number;
  outcome?: string;
  attempts: SynthAttempt[];
  ttftMs?: number;
  evals?: SynthEval[];
  appParent?: boolean;
  shadow?: boolean;
  fallbackAlias?: string;
  metadata?: Record<string, string>;
  /** Calls with the same key share one trace (an agent making several calls per request). */
  traceKey?: string;
}

let counter = 0;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const sharedTraces = new Map<string, string>();
export function nextIds(traceKey?: string): { traceId: string; spanId: () => string } {
  const t = ++counter;
  let s = 0;
  let traceId = hex(0xabc00000 + t, 32);
  if (traceKey !== undefined) {
    traceId = sharedTraces.get(traceKey) ?? traceId;
    sharedTraces.set(traceKey, traceId);
  }
  return { traceId, spanId: () => hex(t * 4096 + ++s, 16) };
}

type Value = string | number | boolean | string[];
function kv(attrs: Record<string, Value | undefined>): { key: string; value: Record<string, unknown> }[] {
  const out: { key: string; value: Record<string, unknown> }[] = [];
  for (const [key, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (typeof v === 'string') out.push({ key, value: { stringValue: v } });
    else if (typeof v === 'boolean') out.push({ key, value: { boolValue: v } });
    else if (Array.isArray(v)) out.push({ key, value: { arrayValue: { values: v.map((x) => ({ stringValue: x })) } } });
    else if (Number.isInteger(v)) out.push({ key, value: { intValue: String(v) } });
    else out.push({ key, value: { doubleValue: v } });
  }
  return out;
}

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/** OTLP spans of one call (app parent first when asked, then attempts, then the call span). */
export function synthSpans(call: SynthCall): object[] {
  const ids = nextIds(call.traceKey);
  const spans: object[] = [];
  const callSpanId = ids.spanId();
  let parentSpanId: string | undefined;
  const end = call.startMs + call.latencyMs;
  if (call.appParent) {
    parentSpanId = ids.spanId();
    spans.push({ traceId: ids.traceId, spanId: parentSpanId, name: 'ticket', kind: 1, startTimeUnixNano: nanos(call.startMs - 1), endTimeUnixNano: nanos(end + 1), attributes: [], events: [], links: [], status: { code: 0 } });
  }
  const outcome = call.outcome ?? (call.attempts.some((a) => !a.errorType) ? (call.fallbackAlias ? 'fallback_success' : 'success') : 'exhausted');
  const success = outcome === 'success' || outcome === 'fallback_success';
  let t = call.startMs;
  let answer: SynthAttempt | undefined;
  let answerId: string | undefined;
  let cost = 0;
  let inT = 0;
  let outT = 0;
  const priceUnknown = call.attempts.some((a) => a.priceUnknown);
  call.attempts.forEach((a, i) => {
    const id = ids.spanId();
    const dur = a.durationMs ?? call.latencyMs / call.attempts.length;
    const failed = a.errorType !== undefined;
    if (!failed) {
      answer = a;
      answerId = id;
    }
    cost += a.costUsd ?? 0;
    inT += a.inTokens ?? 0;
    outT += a.outTokens ?? 0;
    const evals = !failed && i === call.attempts.length - 1 ? (call.evals ?? []) : [];
    spans.push({
      traceId: ids.traceId,
      spanId: id,
      parentSpanId: callSpanId,
      name: `chat ${a.model}`,
      kind: 3,
      startTimeUnixNano: nanos(t),
      endTimeUnixNano: nanos(t + dur),
      attributes: kv({
        [S.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
        [S.ATTR_GEN_AI_PROVIDER_NAME]: a.provider,
        [S.ATTR_GEN_AI_REQUEST_MODEL]: a.model,
        [S.ATTR_TRACEGATE_ATTEMPT_INDEX]: i,
        [S.ATTR_TRACEGATE_ROUTE]: a.route ?? call.route,
        [S.ATTR_TRACEGATE_DEPLOYMENT_ID]: a.deployment,
        [S.ATTR_TRACEGATE_PROVIDER]: a.provider,
        [S.ATTR_TRACEGATE_FALLBACK_DEPTH]: a.fallbackDepth ?? 0,
        [S.ATTR_HTTP_RESPONSE_STATUS_CODE]: a.status ?? (failed ? 500 : 200),
        [S.ATTR_ERROR_TYPE]: a.errorType,
        [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: failed ? undefined : (a.inTokens ?? 0),
        [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: failed ? undefined : (a.outTokens ?? 0),
        [S.ATTR_LLM_COST_TOTAL]: failed || a.priceUnknown ? undefined : (a.costUsd ?? 0),
        [S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN]: a.priceUnknown || undefined,
        [S.ATTR_TRACEGATE_RETRY_REASON]: i > 0 ? (call.attempts[i - 1]!.errorType ?? 'repair') : undefined,
        [S.ATTR_TRACEGATE_SHADOW]: call.shadow || undefined,
      }),
      events: evals.map((e) => ({
        name: S.EVENT_GEN_AI_EVALUATION_RESULT,
        timeUnixNano: nanos(t + dur),
        attributes: kv({
          [S.ATTR_GEN_AI_EVALUATION_NAME]: e.name,
          [S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: e.score,
          [S.ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: e.label,
          [S.ATTR_TRACEGATE_EVALUATION_PASSED]: e.passed,
          [S.ATTR_GEN_AI_EVALUATION_EXPLANATION]: e.explanation,
        }),
      })),
      links: [],
      status: { code: failed ? 2 : 0 },
    });
    t += dur;
  });
  spans.push({
    traceId: ids.traceId,
    spanId: callSpanId,
    parentSpanId,
    name: `chat ${call.route}`,
    kind: 1,
    startTimeUnixNano: nanos(call.startMs),
    endTimeUnixNano: nanos(end),
    attributes: kv({
      [S.ATTR_TRACEGATE_CALL_ID]: `call_${callSpanId}`,
      [S.ATTR_TRACEGATE_OPERATION]: 'chat',
      [S.ATTR_TRACEGATE_ROUTE]: call.route,
      [S.ATTR_TRACEGATE_OUTCOME]: outcome,
      [S.ATTR_TRACEGATE_ATTEMPTS]: call.attempts.length,
      [S.ATTR_TRACEGATE_RETRIES]: Math.max(0, call.attempts.length - 1),
      [S.ATTR_TRACEGATE_FALLBACK_USED]: call.fallbackAlias !== undefined,
      [S.ATTR_TRACEGATE_FALLBACK_ALIAS]: call.fallbackAlias,
      [S.ATTR_TRACEGATE_DEPLOYMENT_ID]: success ? answer?.deployment : undefined,
      [S.ATTR_TRACEGATE_PROVIDER]: success ? answer?.provider : undefined,
      [S.ATTR_TRACEGATE_MODEL]: success ? answer?.model : undefined,
      [S.ATTR_TRACEGATE_USAGE_INPUT_TOKENS]: inT,
      [S.ATTR_TRACEGATE_USAGE_OUTPUT_TOKENS]: outT,
      [S.ATTR_TRACEGATE_COST_TOTAL_USD]: priceUnknown && cost === 0 ? undefined : cost,
      [S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN]: priceUnknown || undefined,
      [S.ATTR_TRACEGATE_TIME_TO_FIRST_CHUNK]: call.ttftMs !== undefined ? call.ttftMs / 1000 : undefined,
      [S.ATTR_TRACEGATE_STREAM]: call.ttftMs !== undefined,
      [S.ATTR_TRACEGATE_SHADOW]: call.shadow || undefined,
      ...Object.fromEntries(Object.entries(call.metadata ?? {}).map(([k, v]) => [S.metadataAttr(k), v])),
    }),
    events: [],
    links: [],
    status: { code: success ? 0 : 2 },
  });
  void answerId;
  return spans;
}

/** OTLP/JSON lines, `perLine` calls' spans per ExportTraceServiceRequest. */
export function synthLines(calls: SynthCall[], perLine = 25, service = 'synthetic'): string {
  const lines: string[] = [];
  for (let i = 0; i < calls.length; i += perLine) {
    const spans = calls.slice(i, i + perLine).flatMap(synthSpans);
    lines.push(
      JSON.stringify({
        resourceSpans: [{ resource: { attributes: kv({ 'service.name': service }) }, scopeSpans: [{ scope: { name: 'tracegate' }, spans }] }],
      }),
    );
  }
  return lines.join('\n') + '\n';
}
