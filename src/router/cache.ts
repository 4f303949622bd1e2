/**
 * Exact-match response cache. Opt-in per router (`cache: { enabled: true }`) and per request
 * (`RequestOptions.cache`, which can also turn it on or off for one call). The key is a SHA-256
 * of the normalized request: the alias and every parameter with object keys sorted, without
 * `stream`, `stream_options`, `user` and `metadata` (so a streamed call can be answered from a
 * plain one and the other way round), plus the caller's key when `perKey` is set. Only
 * successful answers are stored, never errors or interrupted streams; a streamed call is
 * replayed from the cache as a stream. Bounded by count, by total bytes and per entry (an answer
 * above `maxEntryBytes` is not stored), each entry with a TTL.
 */
import { createHash } from 'node:crypto';
import type { DeploymentRef } from '../call-info.js';
import type { ChatCompletion, ChatCompletionChunk } from '../wire/chat-response.js';
import type { CreateEmbeddingResponse } from '../wire/embeddings.js';

export interface CacheConfig {
  enabled: boolean;
  ttlMs: number;
  maxEntries: number;
  /** Total bytes of the in-memory store's cached answers (JSON length); LRU eviction past it. */
  maxBytes: number;
  /** An answer whose JSON is larger than this is not cached (any store). */
  maxEntryBytes: number;
  /** Separate entries per caller key (identity.key). */
  perKey: boolean;
}

export const DEFAULT_CACHE: CacheConfig = {
  enabled: false,
  ttlMs: 300_000,
  maxEntries: 1000,
  maxBytes: 64 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024,
  perKey: false,
};

export interface CachedAnswer {
  operation: 'chat' | 'embeddings';
  result: ChatCompletion | CreateEmbeddingResponse;
  deployment: DeploymentRef;
  storedAt: number;
}

const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata']);

/** A copy with object keys sorted and undefined values left out (stable JSON). */
export function stableJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stableJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = stableJson(v);
    }
    return out;
  }
  return value;
}

export function cacheKey(operation: 'chat' | 'embeddings', params: Record<string, unknown>, scope?: string): string {
  const normalized: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!IGNORED.has(k)) normalized[k] = v;
  const text = JSON.stringify([operation, scope ?? null, stableJson(normalized)]);
  return `cache:${createHash('sha256').update(text).digest('hex')}`;
}

/** Chunks that replay a completion: role, content, tool calls, finish, then usage when asked. */
export function completionToChunks(c: ChatCompletion, includeUsage: boolean): ChatCompletionChunk[] {
  const base = { id: c.id, object: 'chat.completion.chunk' as const, created: c.created, model: c.model };
  const out: ChatCompletionChunk[] = [];
  for (const choice of c.choices) {
    const m = choice.message;
    out.push({ ...base, choices: [{ index: choice.index, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    if (m.reasoning_content) out.push({ ...base, choices: [{ index: choice.index, delta: { reasoning_content: m.reasoning_content }, finish_reason: null }] });
    if (m.content) out.push({ ...base, choices: [{ index: choice.index, delta: { content: m.content }, finish_reason: null }] });
    if (m.refusal) out.push({ ...base, choices: [{ index: choice.index, delta: { refusal: m.refusal }, finish_reason: null }] });
    (m.tool_calls ?? []).forEach((tc, i) => {
      out.push({
        ...base,
        choices: [
          {
            index: choice.index,
            delta: { tool_calls: [{ index: i, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: tc.function.arguments } }] },
            finish_reason: null,
          },
        ],
      });
    });
    out.push({ ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }] });
  }
  if (includeUsage && c.usage) out.push({ ...base, choices: [], usage: c.usage });
  return out;
}
