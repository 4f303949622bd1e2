/**
 * Graceful drain: stop accepting connections, close idle keep-alive connections (and each busy
 * one once its request is answered: responses carry `connection: close` while draining), wait
 * for in-flight requests up to the deadline, then abort the rest (their router calls are
 * cancelled; a unary request gets a 503, a stream an error event) and close every connection.
 */
import type { Server } from 'node:http';
import type { ProxyState } from './context.js';
import type { Inflight } from './inflight.js';

export interface ShutdownReport {
  /** Requests in flight when the shutdown began. */
  inflight: number;
  /** Of those, finished before the deadline. */
  completed: number;
  /** Aborted at the deadline. */
  aborted: number;
}

/** Time aborted requests get to write their error before their connections are destroyed. */
const ABORT_GRACE_MS = 2000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export async function drain(server: Server, state: ProxyState, inflight: Inflight, drainTimeoutMs: number): Promise<ShutdownReport> {
  state.draining = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  inflight.onRemove = () => server.closeIdleConnections();
  const atStart = inflight.size;
  let aborted = 0;
  const drained = await Promise.race([inflight.whenEmpty().then(() => true), sleep(drainTimeoutMs).then(() => false)]);
  if (!drained) {
    aborted = inflight.abortAll();
    await Promise.race([inflight.whenEmpty(), sleep(ABORT_GRACE_MS)]);
  }
  server.closeAllConnections();
  await Promise.race([closed, sleep(1000)]);
  return { inflight: atStart, completed: atStart - aborted, aborted };
}
