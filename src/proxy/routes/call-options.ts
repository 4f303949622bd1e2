/** The router's RequestOptions for a proxied call: abort signal, key identity and metadata, request tags, server trace context, cache opt-out. */
import type { RequestOptions } from '../../router/call.js';
import type { Exchange } from '../context.js';
import { serverContext } from '../trace-context.js';

function strings(v: unknown): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string' && t !== '') : [];
}

/**
 * The request's routing tags, as LiteLLM takes them: the body's `tags`, `metadata.tags`, and the
 * `x-litellm-tags` (or `x-tracegate-tags`) header, comma-separated. They are taken out of the
 * body, which goes upstream.
 */
export function requestTags(ex: Exchange, body: Record<string, unknown> | undefined): string[] {
  const tags = new Set<string>();
  const headers = ex.req.headers;
  if (headers['x-litellm-tags'] === undefined && headers['x-tracegate-tags'] === undefined && (!body || (body.tags === undefined && body.metadata === undefined))) {
    // The common case: no tags anywhere (and no `delete`, which would slow every later read of the body).
    return [];
  }
  for (const h of ['x-litellm-tags', 'x-tracegate-tags']) for (const t of strings(headers[h])) tags.add(t);
  if (body) {
    if ('tags' in body) {
      for (const t of strings(body.tags)) tags.add(t);
      delete body.tags;
    }
    const meta = body.metadata;
    if (meta && typeof meta === 'object' && !Array.isArray(meta) && 'tags' in meta) {
      for (const t of strings((meta as Record<string, unknown>).tags)) tags.add(t);
      const { tags: _t, ...rest } = meta as Record<string, unknown>;
      if (Object.keys(rest).length) body.metadata = rest;
      else delete body.metadata;
    }
  }
  return [...tags];
}

/** The caller opted out of caches: `cache-control: no-cache` (or `no-store`), or `x-tracegate-cache: off`. */
export function cacheRefused(headers: Exchange['req']['headers']): boolean {
  const cc = headers['cache-control'];
  if (typeof cc === 'string' && /(^|,)\s*no-(cache|store)\s*(,|$)/i.test(cc)) return true;
  const own = headers['x-tracegate-cache'];
  return typeof own === 'string' && own.trim().toLowerCase() === 'off';
}

export function callOptions(ex: Exchange, body?: Record<string, unknown>): RequestOptions {
  const options: RequestOptions = {
    signal: ex.call.signal,
    server: serverContext(ex.req.headers, ex.req.method ?? 'POST', ex.route),
  };
  if (cacheRefused(ex.req.headers)) options.cache = false;
  const key = ex.key;
  if (key) {
    options.identity = key.identity;
    options.metadata = key.metadata as Record<string, string>;
  }
  const tags = requestTags(ex, body);
  if (tags.length) options.tags = tags;
  return options;
}
