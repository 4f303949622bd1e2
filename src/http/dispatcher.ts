/**
 * Keep-alive connection pools. One undici Agent per distinct connect timeout; each Agent keeps a
 * pool of persistent connections per upstream origin.
 */
import { Agent } from 'undici';

export interface PoolOptions {
  connectTimeoutMs: number;
  /** Connections per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

const agents = new Map<string, Agent>();

export function getDispatcher(options: PoolOptions): Agent {
  const key = `${options.connectTimeoutMs}:${options.connections ?? 128}:${options.keepAliveTimeoutMs ?? 30000}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
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
