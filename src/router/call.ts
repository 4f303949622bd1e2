/**
 * The call path of one router call: validate, resolve the alias, run pre-call guardrails, admit
 * the caller's key, answer from the cache or run the retry/fallback loop (execute.ts), run
 * post-call guardrails (block, repair on the same deployment), mirror a sample to a shadow
 * alias, and settle the call exactly once (for streams: when the stream ends).
 */
import { AbortedError, GuardrailError } from '../errors.js';
import { ChatCompletionCreateParamsSchema, type ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion } from '../wire/chat-response.js';
import { EmbeddingCreateParamsSchema, type CreateEmbeddingResponse } from '../wire/embeddings.js';
import { assertDepth } from '../wire/nesting.js';
import { parseOrThrow } from '../wire/validate.js';
import { isSimpleChatRequest } from '../wire/fast-check.js';
import { cacheKey, type CachedAnswer } from './cache.js';
import { admitKey, admitKeyNow, beginCall, groupFor, guarded, settleSuccess, type LiveCall, type RequestOptions } from './call-lifecycle.js';
import { replayStream, startStream } from './call-stream.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import { executeCall, type Answer } from './execute.js';
import type { Deployment } from '../providers/types.js';
import { mergeHooks, runPostCallHooks, runPreCallHooks, type PostCallDecision } from './guardrails.js';
import { repairParams, type GuardrailHooks } from './hooks.js';
import { mirrorCall } from './mirror.js';
import { chatRunner, embeddingsRunner } from './operations.js';
import { markCacheHit, markSuccess } from './outcome.js';
import { semanticLookup, semanticStore, type SemanticSlot } from './semantic-cache/lookup.js';
import { nextAliases } from './policy/fallback.js';
import { jsonBytes } from './store/byte-lru.js';
import type { ChatCompletionStream } from './stream.js';
import { estimateChatPromptTokens } from './token-estimate.js';

export type { RequestOptions } from './call-lifecycle.js';
export type { RouterCore } from './core.js';

interface CacheSlot {
  key: string;
  ttlMs: number;
}

function cacheSlot(core: RouterCore, state: LiveCall, operation: 'chat' | 'embeddings', params: Record<string, unknown>, options: RequestOptions): CacheSlot | undefined {
  const c = core.policies.cache;
  const on = options.cache === undefined ? c.enabled : options.cache !== false;
  if (!on || state.event.shadow) return undefined;
  const ttlMs = (typeof options.cache === 'object' ? options.cache.ttlMs : undefined) ?? c.ttlMs;
  return { key: cacheKey(operation, params, c.perKey ? (state.identity?.key ?? '') : undefined), ttlMs };
}

async function cacheLookup(core: RouterCore, state: LiveCall, slot: CacheSlot): Promise<CachedAnswer | undefined> {
  // A cache hit counts against the key's rate limit too: both questions go to the store together.
  const [, hit] = await Promise.all([admitKeyNow(core, state), core.store.cacheGet<CachedAnswer>(slot.key, core.clock.now())]);
  decide(state.event, 'cache', hit ? 'hit' : 'miss', { 'cache.kind': 'exact', 'cache.key': slot.key.slice(6, 22) });
  return hit;
}

function cacheStore(core: RouterCore, state: LiveCall, slot: CacheSlot | undefined, answer: Omit<CachedAnswer, 'storedAt'>): void {
  if (!slot) return;
  const now = core.clock.now();
  const value: CachedAnswer = { ...answer, result: structuredClone(answer.result), storedAt: now };
  const bytes = jsonBytes(value);
  if (bytes > core.policies.cache.maxEntryBytes) {
    decide(state.event, 'cache', 'skip', { 'cache.kind': 'exact', 'cache.key': slot.key.slice(6, 22), 'cache.bytes': bytes, 'cache.max_entry_bytes': core.policies.cache.maxEntryBytes });
    return;
  }
  void core.store.cacheSet(slot.key, value, slot.ttlMs, now, bytes).then(
    () => decide(state.event, 'cache', 'store', { 'cache.kind': 'exact', 'cache.key': slot.key.slice(6, 22), 'cache.ttl_ms': slot.ttlMs }),
    () => {},
  );
}

/** Non-streaming chat: the attempt loop, then post-call guardrails (repair on the same deployment, block, guardrail fallbacks). */
async function runChat(
  core: RouterCore,
  state: LiveCall,
  params: ChatCompletionCreateParams,
  hooks: GuardrailHooks,
  slot: CacheSlot | undefined,
  semSlot: SemanticSlot | undefined,
): Promise<ChatCompletion> {
  const visited = new Set<string>();
  const repairsByHook = new Map<string, number>();
  let request = params;
  let alias = params.model;
  let depth = 0;
  let pin: Deployment | undefined;
  let retryReason: string | undefined;
  let repairs = 0;
  // With post-call hooks the answering attempt stays open until they ran (their evaluations land on its span).
  const runner = chatRunner(state, { holdOpen: Boolean(hooks.postCall?.length) });
  for (;;) {
    const answer: Answer<ChatCompletion> = await executeCall(core, state, runner, {
      alias,
      params: request,
      visited,
      depth,
      ...(pin ? { pin } : {}),
      ...(retryReason ? { retryReason } : {}),
    });
    let post: PostCallDecision = { action: 'pass' };
    try {
      if (hooks.postCall?.length) {
        post = await runPostCallHooks(
          state,
          hooks.postCall,
          { alias: answer.plan.alias, params: request, completion: answer.value, deployment: answer.event.deployment, repairs, streamed: false },
          repairsByHook,
        );
      }
    } finally {
      answer.settle?.();
    }
    if (post.action === 'pass') {
      markSuccess(state.event.info, answer.event, state.startedAt);
      cacheStore(core, state, slot, { operation: 'chat', result: answer.value, deployment: answer.event.deployment });
      if (core.semantic) semanticStore(core, core.semantic, state, semSlot, answer.value, answer.event.deployment);
      return settleSuccess(core, state, answer.value);
    }
    const attemptsLeft = state.maxAttempts - state.nextAttemptIndex;
    if (post.action === 'repair' && attemptsLeft > 0) {
      repairs++;
      state.event.info.repairs = repairs;
      request = repairParams(request, answer.value, post.message);
      pin = answer.plan.deployment;
      alias = answer.plan.alias;
      depth = answer.plan.fallbackDepth;
      retryReason = 'repair';
      continue;
    }
    const reason = post.action === 'block' ? post.reason : 'repair budget exhausted';
    const hook = post.action === 'block' ? post.hook : post.hook.name;
    const next = nextAliases(core.policies.fallback, 'guardrail', answer.plan.alias, visited);
    if (next.length && attemptsLeft > 0 && answer.plan.fallbackDepth < core.policies.fallback.maxFallbackDepth) {
      decide(state.event, 'fallback', 'switch', { 'fallback.from': answer.plan.alias, 'fallback.to': next[0], 'fallback.kind': 'guardrail', 'fallback.depth': answer.plan.fallbackDepth + 1, 'error.type': 'guardrail' });
      visited.add(answer.plan.alias);
      alias = next[0]!;
      depth = answer.plan.fallbackDepth + 1;
      request = params;
      pin = undefined;
      retryReason = 'guardrail';
      continue;
    }
    throw new GuardrailError(`answer blocked by post-call guardrail "${hook}": ${reason}`, {
      deployment: answer.plan.deployment.id,
      provider: answer.plan.deployment.provider,
      model: answer.plan.deployment.model,
    });
  }
}

export async function createChatCompletion(core: RouterCore, rawParams: unknown, options: RequestOptions = {}): Promise<ChatCompletion | ChatCompletionStream> {
  assertDepth(rawParams, core.maxRequestDepth);
  // The common shapes skip zod (a copy, as zod's parse returns one); zod checks and explains the rest.
  const parsed = isSimpleChatRequest(rawParams) ? ({ ...rawParams } as ChatCompletionCreateParams) : parseOrThrow(ChatCompletionCreateParamsSchema, rawParams, 'chat completion request');
  groupFor(core, parsed.model);
  const stream = parsed.stream === true;
  const state = beginCall(core, 'chat', parsed.model, parsed, stream, options);
  return guarded<ChatCompletion | ChatCompletionStream>(core, state, async () => {
    if (state.signal?.aborted) throw new AbortedError();
    const hooks = mergeHooks(core.policies.hooks, options.hooks);
    let params = parsed;
    if (hooks.preCall?.length) {
      params = await runPreCallHooks(state, hooks.preCall, parsed.model, parsed);
      if (params !== parsed) state.promptTokens = estimateChatPromptTokens(params);
    }
    admitKey(core, state);
    const slot = cacheSlot(core, state, 'chat', params, options);
    const cached = slot ? await cacheLookup(core, state, slot) : undefined;
    if (cached && cached.operation === 'chat') {
      if (stream) return replayStream(core, state, cached);
      markCacheHit(state.event.info, cached.deployment, state.startedAt);
      return settleSuccess(core, state, structuredClone(cached.result) as ChatCompletion);
    }
    let sem: Awaited<ReturnType<typeof semanticLookup>> = {};
    if (core.semanticReady && core.policies.semanticCache[params.model]) {
      // The key is admitted before its lookup embeds anything: a semantic hit counts against its rate limit too.
      await admitKeyNow(core, state);
      const semantic = core.semantic ?? (await core.semanticReady);
      sem = await semanticLookup(core, semantic, state, params, options, (p, o) => createEmbeddings(core, p, o));
    }
    if (sem.hit) {
      if (stream) return replayStream(core, state, sem.hit);
      markCacheHit(state.event.info, sem.hit.deployment, state.startedAt);
      return settleSuccess(core, state, structuredClone(sem.hit.result) as ChatCompletion);
    }
    const mirror = core.policies.mirror[parsed.model];
    if (mirror && !state.event.shadow) {
      mirrorCall(state.event, mirror, core.random, (to) =>
        createChatCompletion(core, { ...params, model: to }, { shadow: true, metadata: { ...state.event.metadata }, tags: [...state.event.tags] }),
      );
    }
    if (stream) {
      return startStream(core, state, params, hooks, (completion) => {
        const deployment = state.event.info.deployment!;
        cacheStore(core, state, slot, { operation: 'chat', result: completion, deployment });
        if (core.semantic) semanticStore(core, core.semantic, state, sem.slot, completion, deployment);
      });
    }
    return runChat(core, state, params, hooks, slot, sem.slot);
  });
}

export async function createEmbeddings(core: RouterCore, rawParams: unknown, options: RequestOptions = {}): Promise<CreateEmbeddingResponse> {
  assertDepth(rawParams, core.maxRequestDepth);
  const params = parseOrThrow(EmbeddingCreateParamsSchema, rawParams, 'embeddings request');
  groupFor(core, params.model);
  const state = beginCall(core, 'embeddings', params.model, params, false, options);
  return guarded(core, state, async () => {
    if (state.signal?.aborted) throw new AbortedError();
    admitKey(core, state);
    const slot = cacheSlot(core, state, 'embeddings', params, options);
    const cached = slot ? await cacheLookup(core, state, slot) : undefined;
    if (cached && cached.operation === 'embeddings') {
      markCacheHit(state.event.info, cached.deployment, state.startedAt);
      return settleSuccess(core, state, structuredClone(cached.result) as CreateEmbeddingResponse);
    }
    const answer = await executeCall(core, state, embeddingsRunner(state), { alias: params.model, params });
    markSuccess(state.event.info, answer.event, state.startedAt);
    cacheStore(core, state, slot, { operation: 'embeddings', result: answer.value, deployment: answer.event.deployment });
    return settleSuccess(core, state, answer.value);
  });
}
