/**
 * What every router call reports about itself, without changing the OpenAI shape: it is
 * attached to completions and streams as the non-enumerable `tracegate` property (so
 * `JSON.stringify(completion)` is still pure OpenAI) and read with `getCallInfo()`.
 */
import type { ErrorClass } from './errors.js';
import type { Usage } from './wire/chat-response.js';

/** A deployment as it may appear in results, spans and logs: never holds credentials. */
export interface DeploymentRef {
  /** Unique id of the deployment (the model entry's `id`, or `<alias>#<n>`). */
  id: string;
  /** The alias (group name) the deployment belongs to. */
  name: string;
  provider: string;
  /** OpenTelemetry `gen_ai.provider.name` of the provider (from its adapter). */
  genAiProvider?: string;
  model: string;
  serverAddress?: string;
  serverPort?: number;
}

/** Cost of one call or attempt in USD, from normalized usage and the price table. */
export interface Cost {
  currency: 'USD';
  total: number;
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export type CallOutcome =
  | 'success'
  | 'fallback_success'
  | 'cache_hit'
  | 'error'
  | 'exhausted'
  | 'budget_rejected'
  | 'rate_limited'
  | 'circuit_open'
  | 'blocked'
  | 'aborted'
  | 'stream_interrupted';

export interface AttemptRecord {
  index: number;
  deployment: DeploymentRef;
  /** The alias this attempt served (differs from the call's alias after a fallback). */
  alias: string;
  fallbackDepth: number;
  /** Time waited (backoff or retry-after) before this attempt started. */
  waitMs: number;
  durationMs: number;
  status?: number;
  errorClass?: ErrorClass;
  errorMessage?: string;
  ttftMs?: number;
  usage?: Usage;
  /** USD; null when the deployment has no known price, undefined when no usage was reported. */
  cost?: Cost | null;
  /** `usage` and `cost` are estimated (a stream that ended before the provider reported usage). */
  usageEstimated?: boolean;
  /** Why this attempt exists when it is not the first (the previous attempt's error class, or `repair`). */
  retryReason?: string;
  /** Names of the deployment's request overrides applied to this attempt (`defaults.temperature`, `dropParams.n`). */
  overrides?: string[];
  /** The override variant of the deployment chosen for this attempt. */
  variant?: string;
}

/** Budget bookkeeping of a call (see the router's budgets). */
export interface BudgetRecord {
  /** Labels of the budgets the call counted against. */
  budgets: string[];
  /** Worst-case USD reserved over all attempts. */
  reservedUsd: number;
  /** USD the reservations were reconciled to (the real cost). */
  settledUsd: number;
}

/** A guardrail hook's verdict on the call. */
export interface GuardrailVerdictRecord {
  hook: string;
  stage: 'pre' | 'post';
  action: 'allow' | 'flag' | 'block' | 'rewrite' | 'pass' | 'repair';
  reason?: string;
  score?: number;
  /** The deployment whose answer was judged (post-call). */
  deployment?: string;
  /** The hook itself failed; it is then treated as `block` (fail closed). */
  error?: string;
}

/** Trace coordinates of a call, filled in by the instrumentation when it is on. */
export interface TraceTarget {
  traceId: string;
  /** The logical (router call) span. */
  spanId: string;
  /** The attempt span that produced the answer, when there is one. */
  attemptSpanId?: string;
  traceFlags: number;
  /** W3C traceparent of the answer's span (attempt span when known, else logical span). */
  traceparent: string;
}

export interface CallInfo {
  callId: string;
  operation: 'chat' | 'embeddings';
  /** The model/alias the caller asked for. */
  alias: string;
  outcome: CallOutcome;
  /** The deployment that produced the answer. */
  deployment?: DeploymentRef;
  /** The override variant of that deployment that produced the answer (deployments with `variants`). */
  variant?: string;
  attempts: AttemptRecord[];
  retries: number;
  fallbackUsed: boolean;
  /** The alias that finally answered when a fallback was used. */
  fallbackAlias?: string;
  usage?: Usage;
  /** Cost of the answering attempt; null when the price is unknown. */
  cost?: Cost | null;
  /** Cost of every attempt of the call, failed ones included; null when any priced attempt is unknown. */
  totalCostUsd?: number | null;
  latencyMs: number;
  ttftMs?: number;
  cacheHit: boolean;
  /** Which cache answered (with `cacheHit`): the exact-match cache or the semantic cache. */
  cacheKind?: 'exact' | 'semantic';
  /** A semantic cache hit: how similar the request was to the cached one, the call that produced the answer, what that answer cost. */
  semanticHit?: { similarity: number; source?: { traceId: string; spanId: string }; savedUsd?: number };
  shadow: boolean;
  trace?: TraceTarget;
  errorClass?: ErrorClass;
  /** Alias actually routed after a runtime redirect (eval-aware routing). */
  routedAlias?: string;
  /** Budget reservations of the call, when budgets are configured. */
  budget?: BudgetRecord;
  /** Verdicts of guardrail hooks, in order. */
  guardrails?: GuardrailVerdictRecord[];
  /** Repairs asked by post-call hooks. */
  repairs?: number;
  /** The shadow alias this call was mirrored to. */
  mirroredTo?: string;
  /** The shared state store (Redis) was unavailable during the call: its features followed their failure policies. */
  storeDegraded?: boolean;
}

const KEY = 'tracegate';

/** Attaches call info to a completion or stream as a non-enumerable `tracegate` property. */
export function attachCallInfo<T extends object>(target: T, info: CallInfo): T {
  Object.defineProperty(target, KEY, { value: info, enumerable: false, configurable: true, writable: true });
  return target;
}

/** The call info of a completion, embeddings response or stream returned by the router. */
export function getCallInfo(target: unknown): CallInfo | undefined {
  if (target && typeof target === 'object') {
    const v = (target as Record<string, unknown>)[KEY];
    if (v && typeof v === 'object' && typeof (v as CallInfo).callId === 'string') return v as CallInfo;
  }
  return undefined;
}

// ---- answers of direct SDK calls ----------------------------------------------------------------
// The SDK instrumentations (instrumentations/sdk) remember the span of each answer an official
// provider SDK returned, so `recordEvaluation(answer, ...)` can join a score to that call's span.
// Kept per answer object (weakly) and per response id (bounded, for copies such as openai's
// `.parse()` result), in one process-global store shared by the CommonJS and ESM builds.

interface TraceTargetStore {
  byObject: WeakMap<object, TraceTarget>;
  byId: Map<string, TraceTarget>;
}

const STORE_KEY = Symbol.for('tracegate.sdk-trace-targets');
/** Most response ids remembered (oldest forgotten first). */
export const REMEMBERED_RESPONSE_IDS = 10_000;

function store(): TraceTargetStore {
  const g = globalThis as Record<symbol, unknown>;
  let s = g[STORE_KEY] as TraceTargetStore | undefined;
  if (!s) {
    s = { byObject: new WeakMap(), byId: new Map() };
    Object.defineProperty(g, STORE_KEY, { value: s, enumerable: false, configurable: true, writable: true });
  }
  return s;
}

/** Remembers the span of an answer returned by a provider SDK (called by the instrumentation). */
export function rememberTraceTarget(answer: object, target: TraceTarget, responseId?: string): void {
  const s = store();
  s.byObject.set(answer, target);
  if (responseId) {
    s.byId.delete(responseId);
    s.byId.set(responseId, target);
    if (s.byId.size > REMEMBERED_RESPONSE_IDS) s.byId.delete(s.byId.keys().next().value as string);
  }
}

/** The span of an answer a provider SDK returned, when an SDK instrumentation recorded it. */
export function rememberedTraceTarget(answer: object): TraceTarget | undefined {
  const s = (globalThis as Record<symbol, unknown>)[STORE_KEY] as TraceTargetStore | undefined;
  if (!s) return undefined;
  const hit = s.byObject.get(answer);
  if (hit) return hit;
  const id = (answer as { id?: unknown }).id;
  return typeof id === 'string' && id ? s.byId.get(id) : undefined;
}
