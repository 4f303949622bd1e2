/**
 * tracegate's own names: what no standard covers (route, deployment, attempts, retries,
 * fallbacks, outcome, router decisions, totals of a call). All live under `tracegate.*`.
 * Totals of a call use `tracegate.usage.*` / `tracegate.cost.*`, never `gen_ai.usage.*` or
 * `llm.token_count.*`, so backends summing those do not count a call twice.
 */
import type { DecisionKind } from './decision-kind.js';
import { attribute, event, metric, spanName } from './registry.js';
import { GEN_AI_DURATION_BUCKETS } from './gen-ai.js';

// ---- span names ---------------------------------------------------------------------------------
export const SPAN_TRACEGATE_CALL = spanName('tracegate', '{tracegate.operation} {tracegate.route}', {
  description: 'The logical router call, e.g. `chat support-fast`: INTERNAL, or SERVER when it serves a proxy request.',
  on: ['call'],
});
export const SPAN_TRACEGATE_EVALUATION = spanName('tracegate', 'evaluation {gen_ai.evaluation.name}', {
  description: 'A late evaluation of an answer (see `tracegate/evals`): child of the answer\'s span, linked to it.',
  on: ['evaluation'],
});

// ---- call span ------------------------------------------------------------------------------------
export const ATTR_TRACEGATE_CALL_ID = attribute('tracegate', 'tracegate.call.id', { type: 'string', on: ['call'], description: 'Process-unique id of the call.' });
export const ATTR_TRACEGATE_OPERATION = attribute('tracegate', 'tracegate.operation', {
  type: 'string',
  on: ['call', 'metric'],
  description: '`chat` or `embeddings`.',
});
export const ATTR_TRACEGATE_ROUTE = attribute('tracegate', 'tracegate.route', {
  type: 'string',
  on: ['call', 'attempt', 'evaluation', 'metric'],
  description:
    'Call span: the alias the caller asked for. Attempt span: the alias the attempt serves (the fallback alias after a fallback). Evaluation span: the alias the caller asked for when the evaluated answer was produced.',
});
export const ATTR_TRACEGATE_STREAM = attribute('tracegate', 'tracegate.stream', { type: 'boolean', on: ['call'], description: 'The caller asked for a stream.' });
export const ATTR_TRACEGATE_OUTCOME = attribute('tracegate', 'tracegate.outcome', {
  type: 'string',
  on: ['call', 'metric'],
  description:
    '`success`, `fallback_success`, `cache_hit`, `error`, `exhausted`, `budget_rejected`, `rate_limited`, `circuit_open`, `blocked`, `aborted`, `stream_interrupted`.',
});
export const ATTR_TRACEGATE_ATTEMPTS = attribute('tracegate', 'tracegate.attempts', { type: 'int', on: ['call'], description: 'Upstream attempts made.' });
export const ATTR_TRACEGATE_RETRIES = attribute('tracegate', 'tracegate.retries', {
  type: 'int',
  on: ['call'],
  description: 'Attempts after the first (retries and fallback hops).',
});
export const ATTR_TRACEGATE_FALLBACK_USED = attribute('tracegate', 'tracegate.fallback.used', {
  type: 'boolean',
  on: ['call'],
  description: 'The answer came from a fallback alias.',
});
export const ATTR_TRACEGATE_FALLBACK_ALIAS = attribute('tracegate', 'tracegate.fallback.alias', {
  type: 'string',
  on: ['call', 'metric'],
  description: 'The fallback alias that answered.',
});
export const ATTR_TRACEGATE_DEPLOYMENT_ID = attribute('tracegate', 'tracegate.deployment.id', {
  type: 'string',
  on: ['call', 'attempt', 'event', 'evaluation', 'metric'],
  description: 'Deployment (model entry) id; on the call span, the deployment that answered; on decision events, the deployment decided about.',
});
export const ATTR_TRACEGATE_PROVIDER = attribute('tracegate', 'tracegate.provider', {
  type: 'string',
  on: ['call', 'attempt', 'evaluation'],
  description: 'tracegate provider id (`openai`, `azure`, `vllm`, ...); on the call span, the one that answered.',
});
export const ATTR_TRACEGATE_MODEL = attribute('tracegate', 'tracegate.model', {
  type: 'string',
  on: ['call', 'evaluation'],
  description: 'Model of the deployment that answered (evaluation span: that produced the evaluated answer).',
});
export const ATTR_TRACEGATE_USAGE_INPUT_TOKENS = attribute('tracegate', 'tracegate.usage.input_tokens', {
  type: 'int',
  on: ['call'],
  description: 'Prompt tokens over every attempt of the call.',
});
export const ATTR_TRACEGATE_USAGE_OUTPUT_TOKENS = attribute('tracegate', 'tracegate.usage.output_tokens', {
  type: 'int',
  on: ['call'],
  description: 'Completion tokens over every attempt of the call.',
});
export const ATTR_TRACEGATE_USAGE_TOTAL_TOKENS = attribute('tracegate', 'tracegate.usage.total_tokens', {
  type: 'int',
  on: ['call'],
  description: 'Total tokens over every attempt of the call.',
});
export const ATTR_TRACEGATE_COST_TOTAL_USD = attribute('tracegate', 'tracegate.cost.total_usd', {
  type: 'double',
  on: ['call'],
  description: 'USD over every attempt of the call, failed ones included.',
});
export const ATTR_TRACEGATE_COST_PRICE_UNKNOWN = attribute('tracegate', 'tracegate.cost.price_unknown', {
  type: 'boolean',
  on: ['call', 'attempt'],
  description: 'Usage was reported but the deployment has no known price (cost is not 0, it is unknown).',
});
export const ATTR_TRACEGATE_CACHE_HIT = attribute('tracegate', 'tracegate.cache.hit', {
  type: 'boolean',
  on: ['call'],
  description: 'The answer came from tracegate\'s response cache.',
});
export const ATTR_TRACEGATE_TIME_TO_FIRST_CHUNK = attribute('tracegate', 'tracegate.time_to_first_chunk', {
  type: 'double',
  on: ['call'],
  description: 'Streams: seconds from the call\'s start to the first chunk, retries included.',
});
export const ATTR_TRACEGATE_STREAM_OUTCOME = attribute('tracegate', 'tracegate.stream.outcome', {
  type: 'string',
  on: ['call', 'attempt'],
  description: 'How a stream ended: `completed`, `error`, `aborted`, `cancelled` (consumer broke out), `abandoned` (never consumed).',
});
export const ATTR_TRACEGATE_STREAM_DELIVERED_CHUNKS = attribute('tracegate', 'tracegate.stream.delivered_chunks', {
  type: 'int',
  on: ['attempt'],
  description: 'Chunks handed to the caller before the stream ended.',
});
export const ATTR_TRACEGATE_USAGE_ESTIMATED = attribute('tracegate', 'tracegate.usage.estimated', {
  type: 'boolean',
  on: ['attempt'],
  description:
    'The attempt\'s token counts and cost are tracegate\'s estimate, not the provider\'s: a stream that ended (client abort, stream error, timeout) before the provider reported usage is charged its estimated prompt plus the text received (see docs/router.md).',
});
export const ATTR_TRACEGATE_SHADOW = attribute('tracegate', 'tracegate.shadow', {
  type: 'boolean',
  on: ['call', 'attempt', 'event', 'evaluation'],
  description:
    'A mirrored (shadow) call; set only when true. A shadow call is the root of its own trace, with a span link to the live call it mirrors. On evaluation results: the evaluated answer came from a shadow call.',
});
export const ATTR_TRACEGATE_ROUTED_ALIAS = attribute('tracegate', 'tracegate.routed_alias', {
  type: 'string',
  on: ['call'],
  description: 'The alias actually routed when eval-aware routing redirected the call.',
});
export const ATTR_TRACEGATE_GUARDRAIL_VERDICTS = attribute('tracegate', 'tracegate.guardrail.verdicts', {
  type: 'string[]',
  on: ['call'],
  description: 'Every guardrail verdict of the call, in order, as `<hook>:<stage>:<action>` (e.g. `json:post:repair`).',
});
export const ATTR_TRACEGATE_REPAIRS = attribute('tracegate', 'tracegate.repairs', {
  type: 'int',
  on: ['call'],
  description: 'Repairs asked by post-call guardrails (the same deployment asked again); set when > 0.',
});
export const ATTR_TRACEGATE_STORE_DEGRADED = attribute('tracegate', 'tracegate.store.degraded', {
  type: 'boolean',
  on: ['call'],
  description: 'The shared state store (Redis) was unavailable during the call, so its features followed their failure policies (budgets fail closed, rate limits on a local share, breakers local); set only when true.',
});
export const ATTR_TRACEGATE_METADATA = attribute('tracegate', 'tracegate.metadata.<key>', {
  type: 'string',
  on: ['call'],
  description: 'Each entry of the call\'s `metadata` request option.',
});
export const ATTR_TRACEGATE_INGRESS_API = attribute('tracegate', 'tracegate.ingress.api', {
  type: 'string',
  on: ['call'],
  description: 'The API the request came in on when it is not chat completions: `responses` (OpenAI Responses API) or `messages` (Anthropic Messages API); the call itself runs as a chat call.',
});
export const ATTR_TRACEGATE_INGRESS_DROPPED_TOOLS = attribute('tracegate', 'tracegate.ingress.dropped_tools', {
  type: 'string[]',
  on: ['call'],
  description: 'Tools of the request that the alias cannot run and that were dropped (hosted or custom tool types, as `<type>` or `<type>:<name>`).',
});
export const ATTR_TRACEGATE_INSTRUMENTATION_DISABLED = attribute('tracegate', 'tracegate.instrumentation.disabled', {
  type: 'boolean',
  on: ['call', 'attempt'],
  description: 'The span was ended early because the instrumentation was disabled while it was open.',
});

// ---- call path (router attempts and instrumented provider SDK calls) -----------------------------
/** Values of `tracegate.path`. */
export const TRACEGATE_PATH = {
  /** A router attempt: the gateway made the call. */
  gateway: 'gateway',
  /** An official provider SDK called the provider directly, bypassing the gateway. */
  direct: 'direct',
  /** An official provider SDK called a `tracegate proxy` (detected from its `x-tracegate-attempts` response header). */
  proxyClient: 'proxy-client',
} as const;
export type TracegatePath = (typeof TRACEGATE_PATH)[keyof typeof TRACEGATE_PATH];
export const ATTR_TRACEGATE_PATH = attribute('tracegate', 'tracegate.path', {
  type: 'string',
  on: ['attempt', 'evaluation'],
  description:
    'How the model was reached: `gateway` (a router attempt span), `direct` (a CLIENT span of an instrumented provider SDK calling the provider), `proxy-client` (an SDK CLIENT span whose server answered as a `tracegate proxy`; its usage and cost sit on the proxy\'s attempt spans, not here).',
});
export const ATTR_TRACEGATE_SDK = attribute('tracegate', 'tracegate.sdk', {
  type: 'string',
  on: ['attempt'],
  description: 'SDK client spans: the instrumented SDK package (`openai`, `@anthropic-ai/sdk`, `@google/genai`, `@aws-sdk/client-bedrock-runtime`).',
});
export const ATTR_TRACEGATE_SDK_METHOD = attribute('tracegate', 'tracegate.sdk.method', {
  type: 'string',
  on: ['attempt'],
  description: 'SDK client spans: the SDK method called (`chat.completions.create`, `responses.create`, `embeddings.create`, `messages.create`, `models.generateContent`, `models.generateContentStream`, `Converse`, `ConverseStream`).',
});
/** Response header by which an SDK instrumentation recognizes a `tracegate proxy` (sent on every proxied answer and error). */
export const TRACEGATE_PROXY_RESPONSE_HEADER = 'x-tracegate-attempts';

// ---- attempt span ---------------------------------------------------------------------------------
export const ATTR_TRACEGATE_ATTEMPT_ID = attribute('tracegate', 'tracegate.attempt.id', { type: 'string', on: ['attempt'], description: 'Process-unique id of the attempt.' });
export const ATTR_TRACEGATE_ATTEMPT_INDEX = attribute('tracegate', 'tracegate.attempt.index', {
  type: 'int',
  on: ['attempt'],
  description: '0-based index over all attempts of the call.',
});
export const ATTR_TRACEGATE_FALLBACK_DEPTH = attribute('tracegate', 'tracegate.fallback.depth', {
  type: 'int',
  on: ['attempt', 'event'],
  description: '0 for the requested alias, 1 for the first fallback alias, ... (on `tracegate.fallback` events: the depth switched to).',
});
export const ATTR_TRACEGATE_RETRY_REASON = attribute('tracegate', 'tracegate.retry.reason', {
  type: 'string',
  on: ['attempt', 'event', 'metric'],
  description:
    'Attempt span: why this attempt exists when it is not the first (the previous attempt\'s error class, or `repair`). On `tracegate.retry` events: why the router switched or gave up.',
});
export const ATTR_TRACEGATE_RETRY_WAIT_MS = attribute('tracegate', 'tracegate.retry.wait_ms', {
  type: 'double',
  on: ['attempt'],
  description: 'Attempt span: milliseconds waited (backoff or retry-after) before this attempt, set when > 0. On `tracegate.retry` events: the wait decided.',
});
export const ATTR_TRACEGATE_REQUEST_TOOLS = attribute('tracegate', 'tracegate.request.tools', {
  type: 'string[]',
  on: ['attempt'],
  description: 'Names of the tools offered to the model (always recorded; no schemas).',
});
export const ATTR_TRACEGATE_REQUEST_OVERRIDES = attribute('tracegate', 'tracegate.request.overrides', {
  type: 'string[]',
  on: ['attempt'],
  description:
    'Names of the deployment\'s request overrides applied to this attempt (`defaults.temperature`, `override.max_tokens`, `system.prepend`, `drop.seed`, `dropParams.n`, `extraBody.top_k`, `extraHeaders.x-foo`); never their values.',
});
export const ATTR_TRACEGATE_REQUEST_OVERRIDE_VARIANT = attribute('tracegate', 'tracegate.request.override_variant', {
  type: 'string',
  on: ['attempt', 'evaluation'],
  description:
    'Name of the override variant of the deployment chosen for this attempt (an entry with `variants`); absent when the deployment has none or every variant is rolled back. Evaluation span: the variant that produced the evaluated answer.',
});
export const ATTR_TRACEGATE_RESPONSE_TOOL_CALLS = attribute('tracegate', 'tracegate.response.tool_calls', {
  type: 'string[]',
  on: ['attempt'],
  description: 'Names of the tools the model chose, in order (always recorded; arguments only with content capture).',
});

// ---- router decisions -----------------------------------------------------------------------------
export const EVENT_TRACEGATE_DECISION = event('tracegate', 'tracegate.<kind>', {
  on: ['call', 'attempt'],
  description:
    'A router decision (`tracegate.retry`, `tracegate.fallback`, `tracegate.breaker`, `tracegate.budget`, `tracegate.rate_limit`, `tracegate.cache`, `tracegate.guardrail`, `tracegate.mirror`, `tracegate.route`, `tracegate.context_window`, `tracegate.eval_routing`): on the attempt span it concerns when that is open, else on the call span.',
});
export const ATTR_TRACEGATE_DECISION_ACTION = attribute('tracegate', 'tracegate.decision.action', {
  type: 'string',
  on: ['event', 'metric'],
  description: 'The decision\'s verb (`wait`, `switch`, `open`, `half_open`, `close`, `reject`, `hit`, `block`, ...).',
});
export const ATTR_TRACEGATE_DECISION_KIND_ACTION = attribute('tracegate', 'tracegate.<kind>.action', {
  type: 'string',
  on: ['call'],
  description: 'The last action of a call-level decision kind (e.g. `tracegate.guardrail.action = block`), on the call span.',
});
export const ATTR_TRACEGATE_BREAKER_STATE = attribute('tracegate', 'tracegate.breaker.state', {
  type: 'string',
  on: ['event', 'call', 'metric'],
  description: 'State of a deployment\'s circuit breaker after a `breaker` decision (`open`, `half_open`, `closed`).',
});

// Details of decisions: the router publishes them as dotted keys (`retry.wait_ms`, see
// docs/router.md); each becomes `tracegate.<key>` on the decision's event (`error.type` stays
// `error.type`). For the call-level kinds they are also set on the call span, except
// `deployment.id` and `error.type`, which describe the call span itself.
const detail = (name: string, type: 'string' | 'int' | 'double' | 'string[]', description: string): string =>
  attribute('tracegate', name, { type, on: ['event', 'call'], description });
export const DECISION_DETAIL_ATTRIBUTES = [
  detail('tracegate.route.alias', 'string', '`route`, `retry`, `context_window`, `eval_routing`: the alias the decision is about.'),
  detail('tracegate.route.strategy', 'string', '`route`: the selection strategy used.'),
  detail('tracegate.route.candidates', 'int', '`route`: deployments that could serve.'),
  detail('tracegate.route.rule', 'int', '`route/rule`: index of the routing rule that matched.'),
  detail('tracegate.retry.count', 'int', '`retry`: retries used so far.'),
  detail('tracegate.retry.wait_source', 'string', '`retry/wait`: where the wait came from (`backoff`, `retry_after`).'),
  detail('tracegate.retry.round', 'int', '`retry/wait`: round over the alias\'s deployments.'),
  detail('tracegate.retry.retry_after_ms', 'double', '`retry`: the provider\'s retry-after, ms.'),
  detail('tracegate.fallback.from', 'string', '`fallback`: alias given up.'),
  detail('tracegate.fallback.to', 'string', '`fallback/switch`: alias tried next.'),
  detail('tracegate.fallback.kind', 'string', '`fallback/switch`: which fallback list (`general`, `context_window`, `content_policy`, `bad_request`, `guardrail`).'),
  detail('tracegate.fallback.max_depth', 'int', '`fallback/depth_limit`: the configured maximum depth.'),
  detail('tracegate.breaker.reason', 'string', '`breaker`: why it opened.'),
  detail('tracegate.breaker.retry_at', 'double', '`breaker`: epoch ms of the next probe.'),
  detail('tracegate.budget.names', 'string[]', '`budget/reserve`: budgets the attempt counted against; call span: all of the call\'s.'),
  detail('tracegate.budget.name', 'string', '`budget/reject`: the budget that was exhausted.'),
  detail('tracegate.budget.reserved_usd', 'double', '`budget`: USD reserved (worst case); call span: over the call.'),
  detail('tracegate.budget.settled_usd', 'double', '`budget/settle`: USD the reservation was settled to (the real cost); call span: over the call.'),
  detail('tracegate.budget.limit_usd', 'double', '`budget/reject`: the budget\'s limit.'),
  detail('tracegate.budget.spent_usd', 'double', '`budget/reject`: what it had spent.'),
  detail('tracegate.rate_limit.scope', 'string', '`rate_limit`: `deployment` or `key`.'),
  detail('tracegate.rate_limit.limit', 'string', '`rate_limit`: which limit was full (`rpm`, `tpm`, `max_in_flight`).'),
  detail('tracegate.rate_limit.max_in_flight', 'int', '`rate_limit/skip`: the deployment\'s `maxInFlight` it was at.'),
  detail('tracegate.rate_limit.retry_after_ms', 'double', '`rate_limit`: ms until the window frees enough.'),
  detail('tracegate.cache.key', 'string', '`cache`: prefix of the request\'s cache key hash.'),
  detail('tracegate.cache.ttl_ms', 'double', '`cache/store`: lifetime of the stored entry.'),
  detail('tracegate.cache.bytes', 'int', '`cache/skip`: size of the answer that was not stored (JSON bytes).'),
  detail('tracegate.cache.max_entry_bytes', 'int', '`cache/skip`: the per-entry limit it exceeded.'),
  detail(
    'tracegate.cache.kind',
    'string',
    '`cache`: which cache the decision is about, `exact` or `semantic`; call span: that of the call\'s last cache decision, so `tracegate.cache.action = hit` with `tracegate.cache.kind = semantic` marks a semantic cache hit.',
  ),
  detail('tracegate.cache.similarity', 'double', '`cache` (semantic `hit`, `miss`): cosine similarity of the closest cached request in the namespace.'),
  detail('tracegate.cache.threshold', 'double', '`cache` (semantic): the similarity a hit needs.'),
  detail('tracegate.cache.namespace', 'string', '`cache` (semantic): prefix of the namespace hash (scope value, alias, request fields other than the messages).'),
  detail('tracegate.cache.reason', 'string', '`cache/skip` (semantic): why the request was not looked up or stored (`n`, `tool_results`, `temperature`, `non_text_content`, `no_text`, `no_scope_value`, `embedding_error`, `store_unavailable`, `incomplete_answer`).'),
  detail('tracegate.cache.saved_usd', 'double', '`cache/hit` (semantic): what producing the cached answer cost, i.e. what the hit saved.'),
  detail('tracegate.cache.source_trace_id', 'string', '`cache/hit` (semantic): trace of the call that produced the answer (the call span also links to it).'),
  detail('tracegate.guardrail.name', 'string', '`guardrail`: the hook.'),
  detail('tracegate.guardrail.stage', 'string', '`guardrail`: `pre` or `post`.'),
  detail('tracegate.guardrail.reason', 'string', '`guardrail`: the hook\'s reason for its verdict.'),
  detail('tracegate.guardrail.score', 'double', '`guardrail`: the hook\'s score.'),
  detail('tracegate.guardrail.hook_error', 'string', '`guardrail`: the hook itself failed (treated as block).'),
  detail('tracegate.mirror.alias', 'string', '`mirror`: the shadow alias; call span: the alias the call was mirrored to.'),
  detail('tracegate.mirror.sample_rate', 'double', '`mirror/send`: the sampling rate.'),
  detail('tracegate.context_window.needed_tokens', 'int', '`context_window`: estimated tokens the request needs.'),
  detail('tracegate.context_window.skipped', 'int', '`context_window/skip`: deployments skipped as too small.'),
  detail('tracegate.routing.weight_multiplier', 'double', '`eval_routing/weight`: multiplier applied to a deployment\'s weight.'),
  detail('tracegate.routing.redirect_to', 'string', '`eval_routing/redirect`: alias the call was redirected to.'),
  detail('tracegate.routing.variant', 'string', '`eval_routing` decisions about one override variant of a deployment (`weight`, and the policy\'s `demote`, `rollback`, `probe`, `restore`): the variant.'),
  detail('tracegate.routing.reason', 'string', '`eval_routing`: why the adjustment was made.'),
  detail('tracegate.eval_routing.evaluator', 'string', '`eval_routing` policy decisions (`demote`, `rollback`, `probe`, `restore`): the evaluation watched.'),
  detail('tracegate.eval_routing.fail_rate', 'double', '`eval_routing` policy decisions: the cohort\'s fail rate when deciding.'),
  detail('tracegate.eval_routing.samples', 'int', '`eval_routing` policy decisions: results in the cohort\'s window when deciding.'),
  detail('tracegate.eval_routing.threshold', 'double', '`eval_routing` policy decisions: the fail rate compared with (restoreBelow for `restore`).'),
] as const;

/** Decision kinds whose details are also summarized as call-span attributes (the others repeat per attempt). */
export const CALL_LEVEL_DECISIONS: ReadonlySet<DecisionKind> = new Set<DecisionKind>([
  'budget',
  'breaker',
  'rate_limit',
  'cache',
  'guardrail',
  'context_window',
  'eval_routing',
]);

export function decisionEventName(kind: string): string {
  return `tracegate.${kind}`;
}
/**
 * Span attribute name of a decision detail key: dotted keys (as the router publishes them) go
 * under `tracegate.`, `error.type` keeps its standard name, a bare key goes under `tracegate.<kind>.`.
 */
export function decisionAttr(kind: string, key: string): string {
  if (key === 'error.type') return key;
  return key.includes('.') ? `tracegate.${key}` : `tracegate.${kind}.${key}`;
}

/** Detail keys not copied to the call span (they would describe something else than the call). */
export const DETAILS_NOT_ON_CALL: ReadonlySet<string> = new Set(['deployment.id', 'error.type', 'routing.variant']);
export function metadataAttr(key: string): string {
  return `tracegate.metadata.${key}`;
}

// ---- evaluations (emitted by tracegate/evals) ---------------------------------------------------
export const ATTR_TRACEGATE_EVALUATION_PASSED = attribute('tracegate', 'tracegate.evaluation.passed', {
  type: 'boolean',
  on: ['event', 'evaluation'],
  description: 'The score met the threshold.',
});
export const ATTR_TRACEGATE_EVALUATION_THRESHOLD = attribute('tracegate', 'tracegate.evaluation.threshold', {
  type: 'double',
  on: ['event', 'evaluation'],
  description: 'Threshold the score was compared with.',
});
export const ATTR_TRACEGATE_EVALUATION_SERVED_ALIAS = attribute('tracegate', 'tracegate.evaluation.served_alias', {
  type: 'string',
  on: ['evaluation'],
  description: 'Evaluation span: the alias whose deployment produced the evaluated answer, when it differs from `tracegate.route` (fallback, redirect).',
});
export const ATTR_TRACEGATE_EVALUATION_EVALUATOR_VERSION = attribute('tracegate', 'tracegate.evaluation.evaluator_version', {
  type: 'string',
  on: ['event', 'evaluation'],
  description: 'Version of the evaluator.',
});

// ---- eval-aware routing -----------------------------------------------------------------------------
/** Policy decisions of eval-aware routing (`tracegate/evals` EvalRoutingPolicy), as `tracegate.decision.action` values. */
export const EVAL_ROUTING_POLICY_ACTIONS: ReadonlySet<string> = new Set(['demote', 'rollback', 'probe', 'restore']);

// ---- metrics --------------------------------------------------------------------------------------
export const METRIC_TRACEGATE_CALL_DURATION = metric('tracegate', 'tracegate.call.duration', {
  instrument: 'histogram',
  unit: 's',
  buckets: GEN_AI_DURATION_BUCKETS,
  description: 'Duration of each logical call (all attempts; streams until they end), by route, operation, outcome, `error.type`.',
});
export const METRIC_TRACEGATE_RETRIES = metric('tracegate', 'tracegate.retries', {
  instrument: 'counter',
  unit: '{retry}',
  description: 'Retries on the same alias, by route, provider and retry reason.',
});
export const METRIC_TRACEGATE_FALLBACKS = metric('tracegate', 'tracegate.fallbacks', {
  instrument: 'counter',
  unit: '{fallback}',
  description: 'Switches to a fallback alias, by route and fallback alias.',
});
export const METRIC_TRACEGATE_BREAKER_TRANSITIONS = metric('tracegate', 'tracegate.breaker.transitions', {
  instrument: 'counter',
  unit: '{transition}',
  description: 'Circuit breaker state changes, by deployment and new state.',
});
export const METRIC_TRACEGATE_BUDGET_REJECTIONS = metric('tracegate', 'tracegate.budget.rejections', {
  instrument: 'counter',
  unit: '{rejection}',
  description: 'Budget rejections (a call refused, or a deployment skipped for a route or provider budget), by route and budget name.',
});
export const METRIC_TRACEGATE_EVAL_ROUTING_DECISIONS = metric('tracegate', 'tracegate.eval_routing.decisions', {
  instrument: 'counter',
  unit: '{decision}',
  description:
    'Eval-aware routing policy decisions (`demote`, `rollback`, `probe`, `restore`), counted when published on the next call of the route, by route, deployment, action and evaluation name.',
});
export const METRIC_TRACEGATE_STORE_DEGRADED_CALLS = metric('tracegate', 'tracegate.store.degraded_calls', {
  instrument: 'counter',
  unit: '{call}',
  description: 'Calls served while the shared state store (Redis) was unavailable, by route and outcome.',
});
export const METRIC_TRACEGATE_COST = metric('tracegate', 'tracegate.client.cost', {
  instrument: 'counter',
  unit: '{USD}',
  description: 'USD spent, per attempt with a known price, by route, provider and model.',
});
