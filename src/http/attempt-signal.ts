/**
 * The abort signal of one upstream attempt. It fires with a typed reason when the caller aborts
 * (AbortedError), when the call's total deadline passes, or when the current phase timer
 * (first token, stream idle, consumer gone) expires (TimeoutError of that kind). Undici passes
 * the reason through, so every failure the transport sees is already classified.
 */
import { AbortedError, TimeoutError, type TimeoutKind } from '../errors.js';

export class AttemptSignal {
  private readonly controller = new AbortController();
  private phaseTimer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private readonly parent: AbortSignal | undefined;
  private readonly onParentAbort = (): void => {
    const reason = this.parent?.reason;
    this.abort(reason instanceof AbortedError ? reason : new AbortedError(undefined, { cause: reason }));
  };

  /**
   * @param parent the caller's signal
   * @param deadlineAt absolute epoch ms when the whole call must be over (undefined: none)
   * @param totalMs the configured total, for the error message
   */
  constructor(parent: AbortSignal | undefined, deadlineAt: number | undefined, totalMs: number) {
    this.parent = parent;
    if (parent) {
      if (parent.aborted) this.onParentAbort();
      else parent.addEventListener('abort', this.onParentAbort, { once: true });
    }
    if (deadlineAt !== undefined && !this.signal.aborted) {
      const left = Math.max(0, deadlineAt - Date.now());
      this.totalTimer = setTimeout(() => this.abort(new TimeoutError('total', totalMs)), left);
      this.totalTimer.unref?.();
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** The typed reason once aborted. */
  get reason(): unknown {
    return this.controller.signal.reason;
  }

  /** Arms the phase timer (replacing the previous phase). 0 or Infinity disables it. */
  phase(kind: TimeoutKind, ms: number): void {
    this.clearPhase();
    if (!Number.isFinite(ms) || ms <= 0 || this.aborted) return;
    this.phaseTimer = setTimeout(() => this.abort(new TimeoutError(kind, ms)), ms);
    this.phaseTimer.unref?.();
  }

  clearPhase(): void {
    if (this.phaseTimer !== undefined) {
      clearTimeout(this.phaseTimer);
      this.phaseTimer = undefined;
    }
  }

  abort(reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.dispose();
  }

  /** Clears timers and detaches from the caller's signal. */
  dispose(): void {
    this.clearPhase();
    if (this.totalTimer !== undefined) {
      clearTimeout(this.totalTimer);
      this.totalTimer = undefined;
    }
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}
