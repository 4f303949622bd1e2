/**
 * Semantic cache options: `cache.semantic` (every chat alias) and `cache.perAlias[alias].semantic`
 * (one alias; `false` turns it off there), merged per alias into a resolved config.
 */
import { z } from 'zod';

const posInt = () => z.number().int().positive();

export const SemanticCacheSchema = z.strictObject({
  /** The embeddings alias the request text is embedded with (a router alias, so it is traced, budgeted and cached like any call). */
  embeddingModel: z.string().min(1).optional(),
  /** Least cosine similarity that counts as the same question (default 0.92). */
  threshold: z.number().gt(0).max(1).optional(),
  /** Whose answers a caller may be served: the caller key's (default), its team's, its user's, or everyone's. */
  scope: z.enum(['key', 'team', 'user', 'global']).optional(),
  /** Lifetime of an entry (default 300000). */
  ttlMs: posInt().optional(),
  /** Entries kept per namespace, oldest evicted first (default 10000). */
  maxEntries: posInt().optional(),
  /** What is embedded: the last user message (default) or every message. */
  text: z.enum(['last-user', 'all-messages']).optional(),
  /** Requests with a higher `temperature` are neither answered from nor stored in the cache (default 1; no temperature counts as 1). */
  maxTemperature: z.number().min(0).optional(),
});

export type SemanticCacheInput = z.infer<typeof SemanticCacheSchema>;

export interface SemanticCacheConfig {
  embeddingModel: string;
  threshold: number;
  scope: 'key' | 'team' | 'user' | 'global';
  ttlMs: number;
  maxEntries: number;
  text: 'last-user' | 'all-messages';
  maxTemperature: number;
}

export const SEMANTIC_DEFAULTS: Omit<SemanticCacheConfig, 'embeddingModel'> = {
  threshold: 0.92,
  scope: 'key',
  ttlMs: 300_000,
  maxEntries: 10_000,
  text: 'last-user',
  maxTemperature: 1,
};

export const PerAliasCacheSchema = z.record(z.string(), z.strictObject({ semantic: z.union([SemanticCacheSchema, z.literal(false)]).optional() }));

/**
 * The semantic cache config of every alias that has one. `fail(path, message)` reports a bad
 * reference (unknown alias, an embeddings alias caching itself).
 */
export function resolveSemantic(
  global: SemanticCacheInput | undefined,
  perAlias: z.infer<typeof PerAliasCacheSchema> | undefined,
  aliases: ReadonlySet<string>,
  fail: (path: string, message: string) => never,
): Record<string, SemanticCacheConfig> {
  for (const alias of Object.keys(perAlias ?? {})) if (!aliases.has(alias)) fail(`cache.perAlias.${alias}`, `unknown alias "${alias}"`);
  const out: Record<string, SemanticCacheConfig> = {};
  for (const alias of aliases) {
    const own = perAlias?.[alias]?.semantic;
    if (own === false || (!global && !own)) continue;
    const merged = { ...SEMANTIC_DEFAULTS, ...stripUndefined(global ?? {}), ...stripUndefined(own ?? {}) };
    const path = own ? `cache.perAlias.${alias}.semantic` : 'cache.semantic';
    if (!merged.embeddingModel) fail(`${path}.embeddingModel`, 'the embeddings alias is required');
    if (!aliases.has(merged.embeddingModel)) fail(`${path}.embeddingModel`, `unknown alias "${merged.embeddingModel}"`);
    if (merged.embeddingModel === alias) {
      if (own) fail(`${path}.embeddingModel`, 'an alias cannot be its own embeddings model');
      continue; // the global setting: the embeddings alias itself is not semantically cached
    }
    out[alias] = merged as SemanticCacheConfig;
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
