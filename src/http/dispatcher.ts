/**
 * Keep-alive connection pools. One undici Agent per distinct connect timeout; each Agent keeps a
 * pool of persistent connections per upstream origin.
 *
 * undici itself is loaded by the first request (`loadUndici`), not when tracegate is imported:
 * an application that imports the router but has not called it yet (or only uses the
 * instrumentation) pays nothing for it. `import()` compiles to `require` in the CommonJS build.
 */
import type { Agent } from 'undici';

type Undici = typeof import('undici');
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;

/** undici once loaded, else undefined (then `await loadUndici()`). */
export function loadedUndici(): Undici | undefined {
  return undici;
}

export function loadUndici(): Promise<Undici> {
  loading ??= import('undici').then((m) => (undici = m));
  return loading;
}

/**
 * Starts loading undici without waiting (a Router does when it is constructed, so its first
 * request rarely waits). A failure is seen by the request that awaits `loadUndici()`.
 */
export function preloadUndici(): void {
  loadUndici().catch(() => {});
}

export interface PoolOptions {
  connectTimeoutMs: number;
  /** Connections per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

const agents = new Map<string, Agent>();

/** The pooled Agent for these options; undici must be loaded (`loadUndici`). */
export function getDispatcher(options: PoolOptions): Agent {
  if (!undici) throw new Error('undici is not loaded yet (await loadUndici() first)');
  const key = `${options.connectTimeoutMs}:${options.connections ?? 128}:${options.keepAliveTimeoutMs ?? 30000}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new undici.Agent({
      connect: { timeout: options.connectTimeoutMs },
      connections: options.connections ?? 128,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      keepAliveMaxTimeout: 600_000,
      // Our own timers bound headers and body (typed errors, stream-aware); undici's stay off.
      headersTimeout: 0,
      bodyTimeout: 0,
      pipelining: 1,
    });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes every pooled connection (tests, graceful shutdown). */
export async function closeDispatchers(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.allSettled(all.map((a) => a.close()));
}
