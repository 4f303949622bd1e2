/**
 * What the semantic cache reads from a chat request: whether it may be cached at all, the text
 * that is embedded, and the namespace it is looked up in (scope value + alias + a hash of every
 * request field other than the messages, so an answer given under other tools, another
 * response_format or another temperature is never served).
 */
import { createHash } from 'node:crypto';
import type { CallIdentity } from '../budget.js';
import { stableJson } from '../cache.js';
import type { SemanticCacheConfig } from './config.js';

/** Why a request is not looked up (the `cache/skip` decision's reason). */
export type SkipReason = 'n' | 'tool_results' | 'temperature' | 'non_text_content' | 'no_text' | 'no_scope_value';

/** Fields that say nothing about the answer (the exact cache ignores them too), plus the messages. */
const NOT_IN_NAMESPACE = new Set(['messages', 'stream', 'stream_options', 'user', 'metadata']);

type Message = { role?: unknown; content?: unknown };

/** The text of a message's content, or undefined when it has parts other than text (images, audio, files). */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  const out: string[] = [];
  for (const p of content as Array<{ type?: unknown; text?: unknown }>) {
    if (p?.type !== 'text' || typeof p.text !== 'string') return undefined;
    out.push(p.text);
  }
  return out.join('\n');
}

/** The text to embed, or why the request is not cached. */
export function requestText(params: Record<string, unknown>, cfg: SemanticCacheConfig): { text: string } | { skip: SkipReason } {
  const n = params.n;
  if (typeof n === 'number' && n > 1) return { skip: 'n' };
  const temperature = typeof params.temperature === 'number' ? params.temperature : 1;
  if (temperature > cfg.maxTemperature) return { skip: 'temperature' };
  const messages = (Array.isArray(params.messages) ? params.messages : []) as Message[];
  if (messages.some((m) => m.role === 'tool' || m.role === 'function')) return { skip: 'tool_results' };
  let text: string;
  if (cfg.text === 'last-user') {
    const last = [...messages].reverse().find((m) => m.role === 'user');
    const t = last ? contentText(last.content) : '';
    if (t === undefined) return { skip: 'non_text_content' };
    text = t;
  } else {
    const lines: string[] = [];
    for (const m of messages) {
      const t = contentText(m.content);
      if (t === undefined) return { skip: 'non_text_content' };
      lines.push(`${String(m.role)}: ${t}`);
    }
    text = lines.join('\n');
  }
  return text.trim() ? { text } : { skip: 'no_text' };
}

/** The caller's value of the scope (undefined: the caller has none, so nothing is cached for it). */
export function scopeValue(cfg: SemanticCacheConfig, identity: CallIdentity | undefined, params: Record<string, unknown>): string | undefined {
  switch (cfg.scope) {
    case 'global':
      return '*';
    case 'key':
      return identity?.key || undefined;
    case 'team':
      return identity?.team || undefined;
    case 'user':
      return identity?.user || (typeof params.user === 'string' && params.user ? params.user : undefined);
  }
}

/**
 * The namespace id: a hash of scope, scope value, alias, embeddings alias, text mode and every
 * request field but the messages (and stream, stream_options, user, metadata).
 */
export function namespaceOf(alias: string, cfg: SemanticCacheConfig, value: string, params: Record<string, unknown>): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!NOT_IN_NAMESPACE.has(k) && k !== 'model') rest[k] = v;
  const text = JSON.stringify([cfg.scope, value, alias, cfg.embeddingModel, cfg.text, stableJson(rest)]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
