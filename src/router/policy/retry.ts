/**
 * Retry policy. tracegate is the single retry owner: adapters never retry, and every retry and
 * fallback of a call draws on one budget (maxAttempts and the total deadline).
 *
 * After a failed attempt whose class is retryable and whose per-class count is not used up, the
 * router switches at once to another healthy deployment of the group; it waits only when none
 * is left, before trying the group again: exponential backoff with full jitter, capped, or the
 * provider's retry-after when that is under `retryAfterMaxMs` or shorter than the backoff.
 */
import type { ErrorClass, TracegateError } from '../../errors.js';

export type RetryableClass = 'rate_limit' | 'timeout' | 'upstream_unavailable' | 'connection' | 'invalid_response';

export const RETRYABLE_CLASSES: readonly RetryableClass[] = ['rate_limit', 'timeout', 'upstream_unavailable', 'connection', 'invalid_response'];

export interface RetryConfig {
  /** Attempts per call, all retries and fallback hops included. */
  maxAttempts: number;
  /** Retries allowed after failures of each class (over the whole call). */
  perClass: Record<RetryableClass, number>;
  /** First backoff ceiling, ms. */
  initialBackoffMs: number;
  /** Backoff ceiling cap, ms. */
  maxBackoffMs: number;
  multiplier: number;
  /** A provider's retry-after is honoured when below this, or when shorter than the backoff. */
  retryAfterMaxMs: number;
}

export const DEFAULT_RETRY: RetryConfig = {
  maxAttempts: 5,
  perClass: { rate_limit: 3, timeout: 2, upstream_unavailable: 3, connection: 3, invalid_response: 1 },
  initialBackoffMs: 500,
  maxBackoffMs: 10_000,
  multiplier: 2,
  retryAfterMaxMs: 60_000,
};

/** Errors that say "this request is wrong": never resent anywhere by default. */
const REQUEST_ERRORS: ReadonlySet<ErrorClass> = new Set(['bad_request', 'context_window', 'content_policy', 'guardrail']);
/** Errors of one deployment's setup (key, permission, model name): another deployment may work. */
const DEPLOYMENT_ERRORS: ReadonlySet<ErrorClass> = new Set(['authentication', 'permission', 'not_found']);

export function isRetryable(errorClass: ErrorClass): errorClass is RetryableClass {
  return (RETRYABLE_CLASSES as readonly string[]).includes(errorClass);
}

/** The request itself was rejected: no retry, no general fallback. */
export function isRequestError(errorClass: ErrorClass): boolean {
  return REQUEST_ERRORS.has(errorClass);
}

/** The deployment is misconfigured: switch to another deployment, never retry this one. */
export function isDeploymentError(errorClass: ErrorClass): boolean {
  return DEPLOYMENT_ERRORS.has(errorClass);
}

/** A timeout that leaves no time for another attempt. */
export function endsCall(e: TracegateError): boolean {
  if (e.errorClass === 'aborted' || e.errorClass === 'stream_interrupted') return true;
  return e.errorClass === 'timeout' && (e as TracegateError & { kind?: string }).kind === 'total';
}

/** Full-jitter exponential backoff for the `round`-th wait (1-based). */
export function backoffMs(config: RetryConfig, round: number, random: () => number): number {
  const ceiling = Math.min(config.maxBackoffMs, config.initialBackoffMs * Math.pow(config.multiplier, Math.max(0, round - 1)));
  return Math.floor(random() * ceiling);
}

export interface WaitChoice {
  ms: number;
  source: 'backoff' | 'retry_after';
  /** The hint was too long to honour: the deployments are not worth waiting for. */
  tooLong?: boolean;
}

/**
 * The wait before trying the group again: the shortest retry-after hint when it is under the
 * cap or shorter than the backoff, else the backoff. A hint over the cap and longer than the
 * backoff is reported `tooLong` (the caller moves on instead of waiting).
 */
export function chooseWait(config: RetryConfig, round: number, retryAfterMs: number | undefined, random: () => number): WaitChoice {
  const backoff = backoffMs(config, round, random);
  if (retryAfterMs === undefined) return { ms: backoff, source: 'backoff' };
  if (retryAfterMs < config.retryAfterMaxMs || retryAfterMs <= backoff) return { ms: retryAfterMs, source: 'retry_after' };
  return { ms: retryAfterMs, source: 'retry_after', tooLong: true };
}
