/**
 * Maps the core's call and attempt events to span attributes (pure functions, no OTel state).
 * Request parameters are checked with `!= null`, so `temperature: 0` is recorded.
 */
import type { Attributes } from '@opentelemetry/api';
import type { AttemptRecord, CallInfo, Cost } from '../src/call-info.js';
import type { AttemptEvent, CallEvent } from '../src/channels.js';
import type { Usage } from '../src/wire/chat-response.js';
import * as S from '../semconv/index.js';
import { requestToolNames, toolNames } from './content.js';
import { genAiProviderName, openInferenceProvider, openInferenceSystem } from './provider-names.js';

type Rec = Readonly<Record<string, unknown>>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Sets `name` to `v` when `v` is a finite number. */
function setNum(a: Attributes, name: string, v: unknown): void {
  if (typeof v === 'number' && Number.isFinite(v)) a[name] = v;
}

/** `error.type` of anything thrown: tracegate's error class, else `_OTHER`. */
export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const cls = (err as { errorClass?: unknown }).errorClass;
    if (typeof cls === 'string' && cls) return cls;
  }
  return S.ERROR_TYPE_OTHER;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

/** `exception.type` (the error's class name) and `exception.message`, for the span event and the GenAI exception event. */
export function exceptionAttributes(err: unknown): Attributes {
  return { [S.ATTR_EXCEPTION_TYPE]: err instanceof Error ? err.name : errorType(err), [S.ATTR_EXCEPTION_MESSAGE]: errorMessage(err) };
}

// ---- call span ----------------------------------------------------------------------------------

export function callSpanName(ev: CallEvent): string {
  return `${ev.operation} ${ev.alias}`;
}

export function callStartAttributes(ev: CallEvent): Attributes {
  const a: Attributes = {
    [S.ATTR_OPENINFERENCE_SPAN_KIND]: S.OPENINFERENCE_SPAN_KIND.chain,
    [S.ATTR_TRACEGATE_CALL_ID]: ev.callId,
    [S.ATTR_TRACEGATE_OPERATION]: ev.operation,
    [S.ATTR_TRACEGATE_ROUTE]: ev.alias,
  };
  if (ev.operation === 'chat') a[S.ATTR_TRACEGATE_STREAM] = ev.stream;
  if (ev.shadow) a[S.ATTR_TRACEGATE_SHADOW] = true;
  if (ev.tags.length) a[S.ATTR_TAG_TAGS] = [...ev.tags];
  for (const [k, v] of Object.entries(ev.metadata)) if (typeof v === 'string') a[S.metadataAttr(k)] = v;
  if (ev.server) {
    if (ev.server.method) a[S.ATTR_HTTP_REQUEST_METHOD] = ev.server.method;
    if (ev.server.route) a[S.ATTR_HTTP_ROUTE] = ev.server.route;
  }
  if (ev.ingress) {
    a[S.ATTR_TRACEGATE_INGRESS_API] = ev.ingress.api;
    if (ev.ingress.droppedTools?.length) a[S.ATTR_TRACEGATE_INGRESS_DROPPED_TOOLS] = [...ev.ingress.droppedTools];
  }
  return a;
}

interface Totals {
  input: number;
  output: number;
  total: number;
  any: boolean;
  priceUnknown: boolean;
}

function totals(attempts: readonly AttemptRecord[]): Totals {
  const t: Totals = { input: 0, output: 0, total: 0, any: false, priceUnknown: false };
  for (const a of attempts) {
    if (a.usage) {
      t.any = true;
      t.input += a.usage.prompt_tokens ?? 0;
      t.output += a.usage.completion_tokens ?? 0;
      t.total += a.usage.total_tokens ?? (a.usage.prompt_tokens ?? 0) + (a.usage.completion_tokens ?? 0);
    }
    if (a.cost === null) t.priceUnknown = true;
  }
  return t;
}

/** Attributes of the call span once the call settled (from the live CallInfo). */
export function callEndAttributes(ev: CallEvent, ttfcSeconds: number | undefined): Attributes {
  const info: CallInfo = ev.info;
  const a: Attributes = {
    [S.ATTR_TRACEGATE_OUTCOME]: info.outcome,
    [S.ATTR_TRACEGATE_ATTEMPTS]: info.attempts.length,
    [S.ATTR_TRACEGATE_RETRIES]: info.retries,
    [S.ATTR_TRACEGATE_FALLBACK_USED]: info.fallbackUsed,
    [S.ATTR_TRACEGATE_CACHE_HIT]: info.cacheHit,
  };
  if (info.fallbackAlias) a[S.ATTR_TRACEGATE_FALLBACK_ALIAS] = info.fallbackAlias;
  if (info.deployment) {
    a[S.ATTR_TRACEGATE_DEPLOYMENT_ID] = info.deployment.id;
    a[S.ATTR_TRACEGATE_PROVIDER] = info.deployment.provider;
    a[S.ATTR_TRACEGATE_MODEL] = info.deployment.model;
  }
  const t = totals(info.attempts);
  if (t.any) {
    a[S.ATTR_TRACEGATE_USAGE_INPUT_TOKENS] = t.input;
    a[S.ATTR_TRACEGATE_USAGE_OUTPUT_TOKENS] = t.output;
    a[S.ATTR_TRACEGATE_USAGE_TOTAL_TOKENS] = t.total;
  }
  if (typeof info.totalCostUsd === 'number') a[S.ATTR_TRACEGATE_COST_TOTAL_USD] = info.totalCostUsd;
  if (info.totalCostUsd === null || t.priceUnknown) a[S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN] = true;
  if (ttfcSeconds !== undefined) a[S.ATTR_TRACEGATE_TIME_TO_FIRST_CHUNK] = ttfcSeconds;
  if (info.routedAlias) a[S.ATTR_TRACEGATE_ROUTED_ALIAS] = info.routedAlias;
  if (info.mirroredTo) a[S.decisionAttr('mirror', 'mirror.alias')] = info.mirroredTo;
  if (info.repairs) a[S.ATTR_TRACEGATE_REPAIRS] = info.repairs;
  if (info.storeDegraded) a[S.ATTR_TRACEGATE_STORE_DEGRADED] = true;
  if (info.guardrails?.length) a[S.ATTR_TRACEGATE_GUARDRAIL_VERDICTS] = info.guardrails.map((g) => `${g.hook}:${g.stage}:${g.action}`);
  if (info.budget) {
    a[S.decisionAttr('budget', 'budget.names')] = [...info.budget.budgets];
    a[S.decisionAttr('budget', 'budget.reserved_usd')] = info.budget.reservedUsd;
    a[S.decisionAttr('budget', 'budget.settled_usd')] = info.budget.settledUsd;
  }
  if (ev.streamOutcome) a[S.ATTR_TRACEGATE_STREAM_OUTCOME] = ev.streamOutcome;
  if (ev.error !== undefined) a[S.ATTR_ERROR_TYPE] = errorType(ev.error);
  return a;
}

// ---- attempt span -------------------------------------------------------------------------------

export function attemptSpanName(ev: AttemptEvent): string {
  return `${ev.call.operation} ${ev.deployment.model}`;
}

/** Request parameters as `gen_ai.request.*` (chat). */
export function chatRequestAttributes(params: Rec, a: Attributes = {}): Attributes {
  const maxTokens = num(params.max_completion_tokens) ?? num(params.max_tokens);
  if (maxTokens !== undefined) a[S.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
  setNum(a, S.ATTR_GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  setNum(a, S.ATTR_GEN_AI_REQUEST_TOP_P, params.top_p);
  setNum(a, S.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, params.frequency_penalty);
  setNum(a, S.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, params.presence_penalty);
  setNum(a, S.ATTR_GEN_AI_REQUEST_SEED, params.seed);
  if (params.stop != null) {
    const stop = Array.isArray(params.stop) ? params.stop.filter((s): s is string => typeof s === 'string') : typeof params.stop === 'string' ? [params.stop] : [];
    if (stop.length) a[S.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  }
  const n = num(params.n);
  if (n !== undefined && n !== 1) a[S.ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = n;
  const rf = params.response_format as { type?: unknown } | null | undefined;
  if (rf && typeof rf === 'object') {
    if (rf.type === 'json_object' || rf.type === 'json_schema') a[S.ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
    else if (rf.type === 'text') a[S.ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
  }
  const tools = requestToolNames(params);
  if (tools.length) a[S.ATTR_TRACEGATE_REQUEST_TOOLS] = tools;
  return a;
}

const INVOCATION_KEYS = [
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'n',
  'stop',
  'reasoning_effort',
  'tool_choice',
  'parallel_tool_calls',
  'encoding_format',
  'dimensions',
];

/** OpenInference `llm.invocation_parameters`: sampling parameters only, never messages or tools. */
export function invocationParameters(model: string, params: Rec): string {
  const out: Record<string, unknown> = { model };
  for (const k of INVOCATION_KEYS) {
    const v = params[k];
    if (v != null && (typeof v !== 'object' || Array.isArray(v) || k === 'tool_choice')) out[k] = v;
  }
  const rf = params.response_format as { type?: unknown } | null | undefined;
  if (rf && typeof rf === 'object' && typeof rf.type === 'string') out.response_format = { type: rf.type };
  return JSON.stringify(out);
}

/**
 * One upstream model call as its CLIENT span sees it at the start: a router attempt, or a call an
 * instrumented provider SDK makes (instrumentations/sdk). `params` are in the OpenAI shape.
 */
export interface ModelCallStart {
  readonly operation: 'chat' | 'embeddings';
  /** `gen_ai.provider.name`. */
  readonly genAiProvider: string;
  readonly model: string;
  readonly params: Rec;
  readonly stream: boolean;
  readonly serverAddress?: string | undefined;
  readonly serverPort?: number | undefined;
}

/** GenAI and OpenInference attributes of a model call's CLIENT span at its start (shared by router attempts and SDK calls). */
export function modelCallStartAttributes(c: ModelCallStart, a: Attributes = {}): Attributes {
  const chat = c.operation === 'chat';
  a[S.ATTR_GEN_AI_OPERATION_NAME] = c.operation;
  a[S.ATTR_GEN_AI_PROVIDER_NAME] = c.genAiProvider;
  a[S.ATTR_GEN_AI_REQUEST_MODEL] = c.model;
  a[S.ATTR_OPENINFERENCE_SPAN_KIND] = chat ? S.OPENINFERENCE_SPAN_KIND.llm : S.OPENINFERENCE_SPAN_KIND.embedding;
  a[S.ATTR_LLM_MODEL_NAME] = c.model;
  a[S.ATTR_LLM_PROVIDER] = openInferenceProvider(c.genAiProvider);
  a[S.ATTR_LLM_INVOCATION_PARAMETERS] = invocationParameters(c.model, c.params);
  const system = openInferenceSystem(c.genAiProvider, c.model);
  if (system) a[S.ATTR_LLM_SYSTEM] = system;
  if (c.serverAddress) a[S.ATTR_SERVER_ADDRESS] = c.serverAddress;
  if (c.serverPort !== undefined) a[S.ATTR_SERVER_PORT] = c.serverPort;
  if (chat) {
    // Set only on streaming calls (left out on unary ones rather than `false`).
    if (c.stream) a[S.ATTR_GEN_AI_REQUEST_STREAM] = true;
    chatRequestAttributes(c.params, a);
  } else {
    a[S.ATTR_EMBEDDING_MODEL_NAME] = c.model;
    const fmt = c.params.encoding_format;
    if (typeof fmt === 'string') a[S.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [fmt];
  }
  return a;
}

export function attemptStartAttributes(ev: AttemptEvent): Attributes {
  const d = ev.deployment;
  const a = modelCallStartAttributes({
    operation: ev.call.operation,
    genAiProvider: d.genAiProvider ?? genAiProviderName(d.provider),
    model: d.model,
    params: ev.params,
    stream: ev.stream,
    serverAddress: d.serverAddress,
    serverPort: d.serverPort,
  });
  a[S.ATTR_TRACEGATE_PATH] = S.TRACEGATE_PATH.gateway;
  a[S.ATTR_TRACEGATE_ATTEMPT_ID] = ev.attemptId;
  a[S.ATTR_TRACEGATE_ATTEMPT_INDEX] = ev.index;
  a[S.ATTR_TRACEGATE_ROUTE] = ev.alias;
  a[S.ATTR_TRACEGATE_DEPLOYMENT_ID] = d.id;
  a[S.ATTR_TRACEGATE_PROVIDER] = d.provider;
  a[S.ATTR_TRACEGATE_FALLBACK_DEPTH] = ev.fallbackDepth;
  if (ev.retryReason) a[S.ATTR_TRACEGATE_RETRY_REASON] = ev.retryReason;
  if (ev.waitMs > 0) a[S.ATTR_TRACEGATE_RETRY_WAIT_MS] = ev.waitMs;
  if (ev.overrides?.length) a[S.ATTR_TRACEGATE_REQUEST_OVERRIDES] = [...ev.overrides];
  if (ev.variant !== undefined) a[S.ATTR_TRACEGATE_REQUEST_OVERRIDE_VARIANT] = ev.variant;
  if (ev.call.shadow) a[S.ATTR_TRACEGATE_SHADOW] = true;
  return a;
}

/** Token counts (embeddings have no output tokens: those are left out rather than reported as 0). */
export function usageAttributes(usage: Usage, hasOutput = true, a: Attributes = {}): Attributes {
  const set = (genAi: string | undefined, oi: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    if (genAi) a[genAi] = v;
    a[oi] = v;
  };
  set(S.ATTR_GEN_AI_USAGE_INPUT_TOKENS, S.ATTR_LLM_TOKEN_COUNT_PROMPT, usage.prompt_tokens);
  if (hasOutput) set(S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, S.ATTR_LLM_TOKEN_COUNT_COMPLETION, usage.completion_tokens);
  set(undefined, S.ATTR_LLM_TOKEN_COUNT_TOTAL, usage.total_tokens);
  const prompt = usage.prompt_tokens_details;
  if (prompt) {
    set(S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, S.ATTR_LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ, prompt.cached_tokens);
    set(S.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, S.ATTR_LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE, prompt.cache_creation_tokens);
  }
  if (usage.completion_tokens_details) set(S.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, S.ATTR_LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING, usage.completion_tokens_details.reasoning_tokens);
  return a;
}

export function costAttributes(cost: Cost | null | undefined, a: Attributes = {}): Attributes {
  if (cost === null) {
    a[S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN] = true;
    return a;
  }
  if (!cost) return a;
  a[S.ATTR_LLM_COST_PROMPT] = cost.input;
  a[S.ATTR_LLM_COST_COMPLETION] = cost.output;
  a[S.ATTR_LLM_COST_TOTAL] = cost.total;
  if (cost.cachedInput !== undefined) a[S.ATTR_LLM_COST_PROMPT_DETAILS_CACHE_READ] = cost.cachedInput;
  if (cost.cacheWrite !== undefined) a[S.ATTR_LLM_COST_PROMPT_DETAILS_CACHE_WRITE] = cost.cacheWrite;
  if (cost.reasoning !== undefined) a[S.ATTR_LLM_COST_COMPLETION_DETAILS_REASONING] = cost.reasoning;
  return a;
}

function embeddingDimensions(result: unknown): number | undefined {
  const data = (result as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data) || data.length === 0) return undefined;
  const emb = (data[0] as { embedding?: unknown } | undefined)?.embedding;
  return Array.isArray(emb) ? emb.length : undefined;
}

/** A model call's outcome as its CLIENT span records it (router attempts and SDK calls). */
export interface ModelCallEnd {
  readonly operation: 'chat' | 'embeddings';
  /** `gen_ai.provider.name` (the `openai.*` response attributes are for OpenAI answers only). */
  readonly genAiProvider?: string | undefined;
  readonly stream: boolean;
  readonly status?: number | undefined;
  readonly responseId?: string | undefined;
  readonly responseModel?: string | undefined;
  readonly finishReasons?: readonly string[] | undefined;
  /** Left out for calls whose usage and cost are recorded elsewhere (an SDK call through a tracegate proxy). */
  readonly usage?: Usage | undefined;
  /** The usage was estimated by tracegate (the provider reported none). */
  readonly usageEstimated?: boolean | undefined;
  readonly cost?: Cost | null | undefined;
  readonly ttftMs?: number | undefined;
  readonly streamOutcome?: string | undefined;
  /** The answer in the OpenAI shape (completion or embeddings). */
  readonly result?: unknown;
  readonly error?: unknown;
}

/** `openai.response.service_tier` and `openai.response.system_fingerprint` of an OpenAI answer that has them. */
function openAiResponseAttributes(result: unknown, a: Attributes): Attributes {
  if (!result || typeof result !== 'object') return a;
  const r = result as { service_tier?: unknown; system_fingerprint?: unknown };
  if (typeof r.service_tier === 'string' && r.service_tier) a[S.ATTR_OPENAI_RESPONSE_SERVICE_TIER] = r.service_tier;
  if (typeof r.system_fingerprint === 'string' && r.system_fingerprint) a[S.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = r.system_fingerprint;
  return a;
}

/** Attributes of a model call's CLIENT span once it settled (shared by router attempts and SDK calls). */
export function modelCallEndAttributes(e: ModelCallEnd, a: Attributes = {}): Attributes {
  return outcomeAttributes(e, e.operation, e.genAiProvider, a);
}

/** What a model call's outcome needs besides its operation and provider (a router attempt event has it all). */
type ModelCallOutcome = Omit<ModelCallEnd, 'operation' | 'genAiProvider'>;

function outcomeAttributes(e: ModelCallOutcome, operation: ModelCallEnd['operation'], genAiProvider: string | undefined, a: Attributes): Attributes {
  if (e.status !== undefined) a[S.ATTR_HTTP_RESPONSE_STATUS_CODE] = e.status;
  if (e.responseId) a[S.ATTR_GEN_AI_RESPONSE_ID] = e.responseId;
  if (e.responseModel) {
    a[S.ATTR_GEN_AI_RESPONSE_MODEL] = e.responseModel;
    a[S.ATTR_LLM_MODEL_NAME] = e.responseModel;
    if (operation === 'embeddings') a[S.ATTR_EMBEDDING_MODEL_NAME] = e.responseModel;
  }
  if (e.finishReasons?.length) {
    a[S.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [...e.finishReasons];
    if (operation === 'chat' && e.finishReasons[0]) a[S.ATTR_LLM_FINISH_REASON] = e.finishReasons[0];
  }
  if (e.usage) usageAttributes(e.usage, operation === 'chat', a);
  if (e.usageEstimated) a[S.ATTR_TRACEGATE_USAGE_ESTIMATED] = true;
  costAttributes(e.cost, a);
  if (e.stream) {
    if (e.ttftMs !== undefined) a[S.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = e.ttftMs / 1000;
    if (e.streamOutcome) a[S.ATTR_TRACEGATE_STREAM_OUTCOME] = e.streamOutcome;
  }
  if (operation === 'chat') {
    if (genAiProvider === 'openai' || genAiProvider === 'azure.ai.openai') openAiResponseAttributes(e.result, a);
    const tools = toolNames(e.result);
    if (tools.length) a[S.ATTR_TRACEGATE_RESPONSE_TOOL_CALLS] = tools;
  } else {
    const dims = embeddingDimensions(e.result);
    if (dims !== undefined) a[S.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = dims;
  }
  if (e.error !== undefined) a[S.ATTR_ERROR_TYPE] = errorType(e.error);
  return a;
}

/** Attributes of the attempt span once the attempt settled. */
export function attemptEndAttributes(ev: AttemptEvent): Attributes {
  const d = ev.deployment;
  const a = outcomeAttributes(ev, ev.call.operation, d.genAiProvider ?? genAiProviderName(d.provider), {});
  if (ev.stream && ev.delivered) a[S.ATTR_TRACEGATE_STREAM_DELIVERED_CHUNKS] = ev.delivered.chunks;
  return a;
}
