/** The per-call state shared by every attempt of one router call. */
import type { CallEvent } from '../channels.js';
import type { CallIdentity } from './budget.js';
import type { Admission, RateLimit } from './limits.js';

export interface CallState {
  readonly event: CallEvent;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Absolute epoch ms by which the whole call must end. */
  readonly deadlineAt: number;
  readonly totalMs: number;
  readonly maxResponseBytes: number;
  /** The caller asked for the usage chunk on streams. */
  readonly includeUsage: boolean;
  /** Index of the next attempt. */
  nextAttemptIndex: number;
  readonly startedAt: number;
  /** Attempts allowed for the whole call (retries, fallbacks and repairs included). */
  maxAttempts: number;
  /** Estimated prompt tokens of the request. */
  promptTokens: number;
  /** Output tokens the request allows, when it says. */
  maxOutputTokens?: number;
  identity?: CallIdentity;
  /**
   * The caller key's rate limit, not yet checked: it is checked with the call's first attempt
   * admission (one store operation), or on its own when the call needs it earlier (cache lookup)
   * or ends without an admission.
   */
  pendingKey?: { scope: string; limit: RateLimit };
  /** Set once the caller's key was admitted (its TPM is corrected when the call ends). */
  keyAdmission?: Admission;
}
