/**
 * The semantic cache in the call path. Before the attempts: embed the request's text through the
 * router's own embeddings alias (a call of its own: traced, budgeted, exact-cached like any),
 * then search the caller's namespace. After a successful answer: store it under the same vector.
 * Every step is a `cache` decision with `cache.kind = semantic` (hit / miss / skip / store).
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentRef } from '../../call-info.js';
import { isTracegateError } from '../../errors.js';
import type { ChatCompletion } from '../../wire/chat-response.js';
import type { CreateEmbeddingResponse } from '../../wire/embeddings.js';
import type { CachedAnswer } from '../cache.js';
import type { LiveCall, RequestOptions } from '../call-lifecycle.js';
import type { RouterCore } from '../core.js';
import { decide } from '../decisions.js';
import { jsonBytes } from '../store/byte-lru.js';
import type { SemanticCacheConfig } from './config.js';
import { namespaceOf, requestText, scopeValue } from './request.js';
import type { SemanticStore } from './store.js';

/** What a lookup leaves for storing the answer. */
export interface SemanticSlot {
  cfg: SemanticCacheConfig;
  namespace: string;
  vector: Float32Array;
}

export type Embed = (params: { model: string; input: string }, options: RequestOptions) => Promise<CreateEmbeddingResponse>;

const KIND = { 'cache.kind': 'semantic' } as const;

function unitVector(e: CreateEmbeddingResponse): Float32Array | undefined {
  const raw = e.data[0]?.embedding;
  let v: Float32Array;
  if (Array.isArray(raw)) v = Float32Array.from(raw);
  else if (typeof raw === 'string') {
    const b = Buffer.from(raw, 'base64');
    v = new Float32Array(b.byteLength / 4);
    for (let i = 0; i < v.length; i++) v[i] = b.readFloatLE(i * 4);
  } else return undefined;
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/**
 * Looks the request up. Returns the cached answer on a hit, and the slot to store the answer in
 * on a miss (none when the request is not cacheable or the lookup failed).
 */
export async function semanticLookup(
  core: RouterCore,
  semantic: SemanticStore,
  state: LiveCall,
  params: Record<string, unknown>,
  options: RequestOptions,
  embed: Embed,
): Promise<{ hit?: CachedAnswer; slot?: SemanticSlot }> {
  const alias = params.model as string;
  const cfg = core.policies.semanticCache[alias];
  if (!cfg || options.cache === false || state.event.shadow) return {};
  const text = requestText(params, cfg);
  if ('skip' in text) {
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.reason': text.skip });
    return {};
  }
  const value = scopeValue(cfg, state.identity, params);
  if (value === undefined) {
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.reason': 'no_scope_value' });
    return {};
  }
  const namespace = namespaceOf(alias, cfg, value, params);
  let vector: Float32Array | undefined;
  try {
    const opts: RequestOptions = { metadata: { ...state.event.metadata }, tags: [...state.event.tags] };
    if (state.signal) opts.signal = state.signal;
    if (state.identity) opts.identity = state.identity;
    vector = unitVector(await embed({ model: cfg.embeddingModel, input: text.text }, opts));
  } catch (err) {
    if (isTracegateError(err) && err.errorClass === 'aborted') throw err;
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.reason': 'embedding_error' });
    return {};
  }
  if (!vector) {
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.reason': 'embedding_error' });
    return {};
  }
  const ns = namespace.slice(0, 16);
  const found = await semantic.lookup(namespace, cfg, vector, core.clock.now());
  if (!found) {
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.reason': 'store_unavailable', 'cache.namespace': ns });
    return {};
  }
  const best = found.best !== undefined ? { 'cache.similarity': round(found.best) } : {};
  if (!found.match) {
    decide(state.event, 'cache', 'miss', { ...KIND, 'cache.namespace': ns, 'cache.threshold': cfg.threshold, ...best });
    return { slot: { cfg, namespace, vector } };
  }
  const { entry, similarity } = found.match;
  const info = state.event.info;
  info.cacheKind = 'semantic';
  info.semanticHit = { similarity: round(similarity) };
  if (entry.trace) info.semanticHit.source = entry.trace;
  if (entry.costUsd !== undefined) info.semanticHit.savedUsd = entry.costUsd;
  decide(state.event, 'cache', 'hit', {
    ...KIND,
    'cache.namespace': ns,
    'cache.threshold': cfg.threshold,
    'cache.similarity': round(similarity),
    ...(entry.costUsd !== undefined ? { 'cache.saved_usd': entry.costUsd } : {}),
    ...(entry.trace ? { 'cache.source_trace_id': entry.trace.traceId } : {}),
  });
  return { hit: { operation: 'chat', result: entry.answer, deployment: entry.deployment, storedAt: entry.storedAt } };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

const COMPLETE = new Set(['stop', 'tool_calls']);

/** Stores a successful answer under the slot's vector (answers cut short, by length or a filter, are not stored). */
export function semanticStore(core: RouterCore, semantic: SemanticStore, state: LiveCall, slot: SemanticSlot | undefined, answer: ChatCompletion, deployment: DeploymentRef): void {
  if (!slot) return;
  const ns = slot.namespace.slice(0, 16);
  if (!answer.choices.length || !answer.choices.every((c) => COMPLETE.has(c.finish_reason ?? 'stop'))) {
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.reason': 'incomplete_answer', 'cache.namespace': ns });
    return;
  }
  const bytes = jsonBytes(answer);
  if (bytes > core.policies.cache.maxEntryBytes) {
    decide(state.event, 'cache', 'skip', { ...KIND, 'cache.namespace': ns, 'cache.bytes': bytes, 'cache.max_entry_bytes': core.policies.cache.maxEntryBytes });
    return;
  }
  const now = core.clock.now();
  const info = state.event.info;
  const entry = {
    id: randomUUID(),
    vector: slot.vector,
    answer: structuredClone(answer),
    deployment,
    storedAt: now,
    expiresAt: now + slot.cfg.ttlMs,
    ...(info.trace ? { trace: { traceId: info.trace.traceId, spanId: info.trace.spanId } } : {}),
    ...(typeof info.totalCostUsd === 'number' ? { costUsd: info.totalCostUsd } : {}),
  };
  void semantic.add(slot.namespace, slot.cfg, entry, now).then(
    (ok) => {
      if (ok) decide(state.event, 'cache', 'store', { ...KIND, 'cache.namespace': ns, 'cache.ttl_ms': slot.cfg.ttlMs });
    },
    () => {},
  );
}
