/**
 * Flushing telemetry before the process goes: on a natural exit (`beforeExit`, async), on
 * `process.exit()` (`exit`, synchronous best effort: batches handed to a synchronous exporter
 * such as the file exporter are written), and on SIGTERM/SIGINT. Every flush is bounded
 * (`flushTimeoutMs`, default 2 s): an exporter that cannot reach its backend (no collector
 * running) retries for up to its own timeout, and an application must not hang that long at its
 * end. If the flush at a natural exit runs out of time, the process exits (with its exit code).
 * On a signal, after the flush, if the application has no listener of its own for that signal,
 * the signal is raised again with tracegate's listener removed, so the process ends the way it
 * would have without tracegate. If the application listens, it decides what happens.
 */

export interface Flushable {
  /** Async flush of everything pending. */
  flush(): Promise<void>;
  /** Synchronous best effort at `exit`. */
  flushSync(): void;
}

export interface LifecycleOptions {
  signals?: readonly NodeJS.Signals[];
  /** Upper bound for a flush at exit or on a signal, ms. */
  flushTimeoutMs?: number;
}

export const DEFAULT_FLUSH_TIMEOUT_MS = 2000;

/** Resolves true when `p` settled in time, false when the time ran out. */
function withTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    p.then(done, done);
  });
}

/** Installs the hooks; returns a function that removes them. */
export function installFlushHooks(target: Flushable, options: LifecycleOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  let flushedOnBeforeExit = false;

  const onBeforeExit = (): void => {
    if (flushedOnBeforeExit) return;
    flushedOnBeforeExit = true;
    // The pending export keeps the loop alive; beforeExit fires again once it is done. An export
    // still retrying when the time is up would hold the process for up to the exporter's own
    // timeout: exit then.
    void withTimeout(target.flush(), timeoutMs).then((inTime) => {
      if (!inTime) process.exit(process.exitCode ?? 0);
    });
  };
  const onExit = (): void => {
    try {
      target.flushSync();
    } catch {
      /* nothing more can be done at exit */
    }
  };
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    let flushing = false;
    const handler = (): void => {
      const othersListen = process.listenerCount(signal) > 1;
      if (flushing) {
        // A second signal while flushing: stop waiting.
        if (!othersListen) reraise(signal, handler);
        return;
      }
      flushing = true;
      void withTimeout(target.flush(), timeoutMs).then(() => {
        flushing = false;
        if (process.listenerCount(signal) <= 1) reraise(signal, handler);
      });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return () => {
    process.off('beforeExit', onBeforeExit);
    process.off('exit', onExit);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

function reraise(signal: NodeJS.Signals, handler: () => void): void {
  process.off(signal, handler);
  process.kill(process.pid, signal);
}
