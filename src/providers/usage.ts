/** Builds normalized OpenAI usage from a provider's token counts. */
import type { Usage } from '../wire/chat-response.js';

export interface TokenCounts {
  /** All prompt tokens, cached and cache-write tokens included. */
  prompt: number;
  /** All completion tokens, reasoning tokens included. */
  completion: number;
  /** The provider's total when it reports one; otherwise prompt + completion. */
  total?: number | undefined;
  /** Prompt tokens read from the provider's cache. */
  cachedRead?: number | undefined;
  /** Prompt tokens written to the provider's cache. */
  cacheWrite?: number | undefined;
  /** Completion tokens spent on reasoning. */
  reasoning?: number | undefined;
}

export function buildUsage(c: TokenCounts): Usage {
  const usage: Usage = {
    prompt_tokens: c.prompt,
    completion_tokens: c.completion,
    total_tokens: c.total ?? c.prompt + c.completion,
  };
  if (c.cachedRead !== undefined || c.cacheWrite !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: c.cachedRead ?? 0 };
    if (c.cacheWrite !== undefined) usage.prompt_tokens_details.cache_creation_tokens = c.cacheWrite;
  }
  if (c.reasoning !== undefined) usage.completion_tokens_details = { reasoning_tokens: c.reasoning };
  return usage;
}

/** A non-negative integer from an untrusted field, or undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
