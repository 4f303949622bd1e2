/**
 * Time for the router's policies. Breakers, budgets windows, rate-limit windows, cache TTLs and
 * routing adjustments read `now()` from an injectable clock, so tests control time. Waits
 * (backoff) use real timers and always end early when the call's signal aborts.
 */
import { AbortedError } from '../errors.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Waits `ms`, rejecting at once with AbortedError when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): AbortedError {
  const r = signal.reason;
  return r instanceof AbortedError ? r : new AbortedError(undefined, { cause: r });
}
