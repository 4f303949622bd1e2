/**
 * tracegate: an OpenAI-shaped LLM router whose every call is traced and can be scored.
 *
 * This entry loads the router and what a router call needs, nothing else: the proxy server is
 * `tracegate/proxy`, the fake providers `tracegate/mock`, the evaluators `tracegate/evals`.
 * test/core/entry-footprint.test.ts fails when one of them (or yaml, ajv, ...) is imported here.
 */
export { Router } from './router/router.js';
export type { ChatCompletions, ChatCompletionCreateParamsStreaming, ChatCompletionCreateParamsNonStreaming } from './router/router.js';
export type { RequestOptions } from './router/call.js';
export { MemoryStore, type MemoryStoreOptions } from './router/store/memory.js';
export type { StateStore, ReserveResult, WindowAddResult } from './router/store/types.js';
export type {
  GuardrailHooks,
  PreCallHook,
  PostCallHook,
  PreCallVerdict,
  PostCallVerdict,
  HookRequestContext,
  PostCallContext,
} from './router/hooks.js';
export type { BreakerSnapshot, BreakerState } from './router/breaker.js';
export type { BudgetRule, BudgetScope, BudgetWindow, CallIdentity } from './router/budget.js';
export type { RoutingRule } from './router/strategies/rules.js';
export type { StrategyName } from './router/strategies/index.js';
export type { RoutingAdjustments, RoutingAdjustmentsSnapshot, AdjustOptions } from './router/routing-adjust.js';
export type { Clock } from './router/clock.js';
export type { RouterOptions, ModelEntry } from './router/config.js';
export { ChatCompletionStream } from './router/stream.js';
export * from './errors.js';
export * from './wire/index.js';
export * from './call-info.js';
export { CHANNEL_NAMES } from './channels.js';
export type * from './channels.js';
export { registerProvider, listProviders } from './providers/registry.js';
export type * from './providers/types.js';
export { computeCost } from './providers/catalog/cost.js';
export { registerCatalog, resolveModelInfo } from './providers/catalog/index.js';
export type { CatalogEntry } from './providers/catalog/index.js';
