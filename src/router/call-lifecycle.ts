/**
 * Beginning and settling a router call: the CallState, the logical call event, key-level rate
 * limiting, and settling exactly once (for streams: when the stream ends).
 */
import { attachCallInfo, getCallInfo, type CallInfo } from '../call-info.js';
import { callChannel, publishSettled, publishStart, runInScope, type CallEvent } from '../channels.js';
import { NotFoundError, RateLimitError } from '../errors.js';
import type { Deployment } from '../providers/types.js';
import type { CallIdentity } from './budget.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import type { GuardrailHooks } from './hooks.js';
import { nextId } from './ids.js';
import { admittedWindows, rateWindows, type RateLimit } from './limits.js';
import { admitWith } from './store/compose.js';
import { markFailure, newCallInfo } from './outcome.js';
import { estimateChatPromptTokens, estimateEmbeddingTokens, requestedMaxOutput } from './token-estimate.js';

/** Per-call options, the second argument of `create()`. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Total time for the call in ms, all attempts included. */
  timeout?: number;
  /** Free-form labels (user, team, feature...) for routing rules, budgets and spans. */
  metadata?: Record<string, string>;
  tags?: string[];
  /** Set by the proxy when the call serves an incoming HTTP request. */
  server?: CallEvent['server'];
  /** Set by an ingress that translated another API (Responses, Messages) into this chat call. */
  ingress?: CallEvent['ingress'];
  /** A mirrored (shadow) call: marked on its CallInfo and spans, never mirrored again. */
  shadow?: boolean;
  /** Who is calling (the proxy passes its virtual key's id, user and team): budgets and key rate limits. */
  identity?: CallIdentity;
  /** Use the response cache for this call (overrides the router's `cache.enabled`); `ttlMs` for what it stores. */
  cache?: boolean | { ttlMs?: number };
  /** Guardrail hooks for this call, run after the router's own. */
  hooks?: GuardrailHooks;
  /** Attempts for this call (at most the router's `retry.maxAttempts`). */
  maxAttempts?: number;
}

export function groupFor(core: RouterCore, alias: string): readonly Deployment[] {
  const group = core.groups.get(alias);
  if (!group || group.length === 0) {
    throw new NotFoundError(`model "${alias}" is not configured (known aliases: ${[...core.groups.keys()].sort().join(', ')})`, {
      code: 'model_not_found',
      param: 'model',
    });
  }
  return group;
}

/** Per-call state (the key admission fields live on CallState: the attempt admission takes them). */
export type LiveCall = CallState;

export function beginCall(
  core: RouterCore,
  operation: CallInfo['operation'],
  alias: string,
  params: Record<string, unknown>,
  stream: boolean,
  options: RequestOptions,
): LiveCall {
  const callId = nextId('call');
  const shadow = options.shadow === true;
  const event: CallEvent = {
    callId,
    operation,
    alias,
    params,
    stream,
    metadata: options.metadata ?? {},
    tags: options.tags ?? [],
    shadow,
    info: newCallInfo(callId, operation, alias, shadow),
    ...(options.server ? { server: options.server } : {}),
    ...(options.ingress ? { ingress: options.ingress } : {}),
  };
  const totalMs = options.timeout ?? core.timeouts.totalMs;
  const startedAt = performance.now();
  publishStart(callChannel, event);
  const maxOut = operation === 'chat' ? requestedMaxOutput(params) : 0;
  const state: LiveCall = {
    event,
    signal: options.signal,
    deadlineAt: Date.now() + totalMs,
    totalMs,
    maxResponseBytes: core.maxResponseBytes,
    includeUsage: Boolean((params.stream_options as { include_usage?: boolean } | null | undefined)?.include_usage),
    nextAttemptIndex: 0,
    startedAt,
    maxAttempts: Math.min(core.policies.retry.maxAttempts, options.maxAttempts ?? Infinity),
    promptTokens: operation === 'chat' ? estimateChatPromptTokens(params) : estimateEmbeddingTokens(params),
  };
  if (maxOut !== undefined) state.maxOutputTokens = maxOut;
  if (options.identity && !shadow) state.identity = options.identity;
  markStoreDegraded(core, state);
  return state;
}

/**
 * Notes the caller key's RPM/TPM for admission. Nothing is asked of the store here: the key's
 * windows go with the call's first attempt admission (one store operation for both), or are
 * checked on their own by `admitKeyNow` when the call needs it earlier or ends without attempting.
 * Either way a call refused by its key's limit gets the same error, before any upstream call.
 */
export function admitKey(core: RouterCore, state: LiveCall): void {
  const id = state.identity;
  if (!id?.key) return;
  const own = id.rpm !== undefined || id.tpm !== undefined ? { rpm: id.rpm, tpm: id.tpm } : undefined;
  const limit = own ?? core.policies.keyLimits[id.key] ?? core.policies.defaultKeyLimit;
  if (!limit || (limit.rpm === undefined && limit.tpm === undefined)) return;
  const clean: RateLimit = {};
  if (limit.rpm !== undefined) clean.rpm = limit.rpm;
  if (limit.tpm !== undefined) clean.tpm = limit.tpm;
  state.pendingKey = { scope: `key:${id.key}`, limit: clean };
}

/** Checks a pending key admission now, on its own (throws the key's RateLimitError when refused). */
export async function admitKeyNow(core: RouterCore, state: CallState): Promise<void> {
  const p = state.pendingKey;
  if (!p) return;
  state.pendingKey = undefined;
  const windows = rateWindows(p.scope, p.limit, state.promptTokens);
  const out = await admitWith(core.store, { now: core.clock.now(), callWindows: windows.slots });
  if (!out.ok && out.stage === 'call') throw keyRefused(state, windows.kinds[out.index]!, out.retryAfterMs);
  state.keyAdmission = admittedWindows(p.scope, p.limit, state.promptTokens);
}

/** The error (and decision) of a call refused by its key's rate limit. */
export function keyRefused(state: CallState, limit: 'rpm' | 'tpm', retryAfterMs: number): RateLimitError {
  decide(state.event, 'rate_limit', 'reject', { 'rate_limit.scope': 'key', 'rate_limit.limit': limit, 'rate_limit.retry_after_ms': retryAfterMs });
  return new RateLimitError(`rate limit of key "${state.identity?.key}" reached (${limit})`, { code: 'rate_limit_exceeded', retryAfterMs });
}

/** Marks the call when the shared store is answering from its failure policies (span attribute, metric). */
function markStoreDegraded(core: RouterCore, state: LiveCall): void {
  if (core.store.degraded?.()) state.event.info.storeDegraded = true;
}

function reconcileKey(core: RouterCore, state: LiveCall): void {
  const a = state.keyAdmission;
  if (!a) return;
  state.keyAdmission = undefined;
  let tokens = 0;
  for (const att of state.event.info.attempts) tokens += att.usage?.total_tokens ?? 0;
  void core.limiter.reconcile(a, tokens).catch(() => {});
}

export function settleSuccess<T extends object>(core: RouterCore, state: LiveCall, result: T): T {
  reconcileKey(core, state);
  markStoreDegraded(core, state);
  attachCallInfo(result, state.event.info);
  state.event.result = result;
  publishSettled(callChannel, state.event);
  return result;
}

export function settleFailure(core: RouterCore, state: LiveCall, error: unknown): void {
  reconcileKey(core, state);
  markStoreDegraded(core, state);
  markFailure(state.event.info, error, state.startedAt);
  // The error reports its call too (attempts, trace), unless it already belongs to another call
  // (a caller's abort reason shared by several calls).
  if (error instanceof Error && getCallInfo(error) === undefined) attachCallInfo(error, state.event.info);
  publishSettled(callChannel, state.event, error);
}

/**
 * Runs `body` inside the call's scope and settles the call as failed if it throws. Streams
 * settle themselves when they end, so `body` returning means nothing for them.
 */
export async function guarded<T>(core: RouterCore, state: LiveCall, body: () => Promise<T>): Promise<T> {
  return runInScope(state.event, async () => {
    try {
      return await body();
    } catch (err) {
      settleFailure(core, state, err);
      throw err;
    }
  });
}
