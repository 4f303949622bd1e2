/**
 * Flushing telemetry before the process goes: on a natural exit (`beforeExit`, async), on
 * `process.exit()` (`exit`, synchronous best effort: batches handed to a synchronous exporter
 * such as the file exporter are written), and on SIGTERM/SIGINT. On a signal the telemetry is
 * flushed (bounded by a timeout); then, if the application has no listener of its own for that
 * signal, the signal is raised again with tracegate's listener removed, so the process ends the
 * way it would have without tracegate. If the application listens, it decides what happens.
 */

export interface Flushable {
  /** Async flush of everything pending. */
  flush(): Promise<void>;
  /** Synchronous best effort at `exit`. */
  flushSync(): void;
}

export interface LifecycleOptions {
  signals?: readonly NodeJS.Signals[];
  /** Upper bound for a flush on a signal, ms. */
  signalFlushTimeoutMs?: number;
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    p.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/** Installs the hooks; returns a function that removes them. */
export function installFlushHooks(target: Flushable, options: LifecycleOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.signalFlushTimeoutMs ?? 3000;
  let flushedOnBeforeExit = false;

  const onBeforeExit = (): void => {
    if (flushedOnBeforeExit) return;
    flushedOnBeforeExit = true;
    // Keeps the loop alive until the export is done; beforeExit fires again afterwards.
    target.flush().catch(() => undefined);
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
