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

/**
 * Waits at least `ms` of wall-clock time, rejecting at once with AbortedError when `signal`
 * aborts. A timer runs on the event loop's cached clock, which can lag `Date.now()` by a
 * millisecond or two, so it may fire just before the wall-clock deadline: it is then re-armed for
 * the rest. (A retry that waits for a provider's retry-after must find the breaker that the same
 * retry-after opened ready for its probe, not still open.)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const end = Date.now() + Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout>;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const arm = (wait: number): void => {
      timer = setTimeout(() => {
        const left = end - Date.now();
        if (left > 0) return arm(left);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
    };
    arm(Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): AbortedError {
  const r = signal.reason;
  return r instanceof AbortedError ? r : new AbortedError(undefined, { cause: r });
}
