/**
 * Fallback chains between aliases. General fallbacks (`fallbacks`) apply when an alias is
 * exhausted by retryable or deployment errors; errors that reject the request itself (400/422,
 * context window, content policy, guardrail) fall back only through the list for that error
 * (`contextWindowFallbacks`, `contentPolicyFallbacks`, `badRequestFallbacks`,
 * `guardrailFallbacks`). Each map may have a `*` entry used for aliases without their own.
 * A visited set and `maxFallbackDepth` guard against loops.
 */
import type { ErrorClass } from '../../errors.js';

export type FallbackMap = Readonly<Record<string, readonly string[]>>;

export interface FallbackConfig {
  fallbacks: FallbackMap;
  contextWindowFallbacks: FallbackMap;
  contentPolicyFallbacks: FallbackMap;
  badRequestFallbacks: FallbackMap;
  guardrailFallbacks: FallbackMap;
  maxFallbackDepth: number;
}

export const DEFAULT_FALLBACK: FallbackConfig = {
  fallbacks: {},
  contextWindowFallbacks: {},
  contentPolicyFallbacks: {},
  badRequestFallbacks: {},
  guardrailFallbacks: {},
  maxFallbackDepth: 3,
};

export type FallbackKind = 'general' | 'context_window' | 'content_policy' | 'bad_request' | 'guardrail';

/** Which fallback list an error class uses; undefined: the error never falls back. */
export function fallbackKindFor(errorClass: ErrorClass | undefined): FallbackKind | undefined {
  switch (errorClass) {
    case 'context_window':
      return 'context_window';
    case 'content_policy':
      return 'content_policy';
    case 'bad_request':
      return 'bad_request';
    case 'guardrail':
      return 'guardrail';
    case 'aborted':
    case 'stream_interrupted':
    case 'budget_exceeded':
    case 'config':
    case 'store_unavailable':
    case 'internal':
      return undefined;
    default:
      return 'general';
  }
}

function mapFor(config: FallbackConfig, kind: FallbackKind): FallbackMap {
  switch (kind) {
    case 'general':
      return config.fallbacks;
    case 'context_window':
      return config.contextWindowFallbacks;
    case 'content_policy':
      return config.contentPolicyFallbacks;
    case 'bad_request':
      return config.badRequestFallbacks;
    case 'guardrail':
      return config.guardrailFallbacks;
  }
}

/** The aliases to try after `alias` for an error of `kind`, without those already visited. */
export function nextAliases(config: FallbackConfig, kind: FallbackKind, alias: string, visited: ReadonlySet<string>): string[] {
  const map = mapFor(config, kind);
  const list = map[alias] ?? map['*'] ?? [];
  return list.filter((a) => a !== alias && !visited.has(a));
}
