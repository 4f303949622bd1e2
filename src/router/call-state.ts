/** The per-call state shared by every attempt of one router call. */
import type { CallEvent } from '../channels.js';
import type { CallIdentity } from './budget.js';

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
}
