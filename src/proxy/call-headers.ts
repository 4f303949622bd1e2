/**
 * The `x-tracegate-*` response headers from a call's CallInfo: trace id (when tracing is on),
 * attempts, fallback, deployment, cost, `x-tracegate-store: degraded` when the shared state store
 * was unavailable, `x-tracegate-cache: hit` or `hit-semantic` for an answer from a cache, and the proxy's overhead — the time the request spent in
 * the proxy outside upstream attempts and the waits between them (body read, validation,
 * routing, admission, serialization). For a stream they are computed when the first chunk is
 * ready, from the attempts so far and the serving attempt's time to first chunk; the cost is
 * not known yet then and is left out. The cost is in fixed notation (`0.00000002`, never `2e-8`).
 */
import type { CallInfo } from '../call-info.js';
import { plainNumber } from '../format-number.js';

/** The attempt serving a stream (see ChatCompletionStream.servingAttempt). */
export interface ServingAttempt {
  readonly deployment: { readonly id: string };
  readonly alias: string;
  readonly fallbackDepth: number;
  readonly waitMs: number;
  readonly ttftMs?: number;
}

function ms(n: number): string {
  return (Math.round(Math.max(0, n) * 100) / 100).toString();
}

/** `hit` (exact-match cache) or `hit-semantic`. */
function cacheHeader(info: CallInfo): string {
  return info.cacheKind === 'semantic' ? 'hit-semantic' : 'hit';
}

/** Headers for a finished call (`elapsedMs` since the request arrived). */
export function callHeaders(info: CallInfo | undefined, elapsedMs: number, headers: Record<string, string>): void {
  if (!info) return;
  let upstream = 0;
  for (const a of info.attempts) upstream += a.durationMs + a.waitMs;
  if (info.trace?.traceId) headers['x-tracegate-trace-id'] = info.trace.traceId;
  headers['x-tracegate-attempts'] = String(info.attempts.length);
  headers['x-tracegate-fallback'] = info.fallbackUsed ? (info.fallbackAlias ?? 'true') : 'false';
  if (info.deployment) headers['x-tracegate-deployment'] = info.deployment.id;
  if (info.cacheHit) headers['x-tracegate-cache'] = cacheHeader(info);
  if (info.storeDegraded) headers['x-tracegate-store'] = 'degraded';
  if (typeof info.totalCostUsd === 'number') headers['x-tracegate-cost-usd'] = plainNumber(info.totalCostUsd);
  headers['x-tracegate-overhead-ms'] = ms(elapsedMs - upstream);
}

/** Headers for a stream whose first chunk is ready. */
export function streamHeaders(info: CallInfo | undefined, serving: ServingAttempt | undefined, elapsedMs: number, headers: Record<string, string>): void {
  if (!info) return;
  let upstream = 0;
  for (const a of info.attempts) upstream += a.durationMs + a.waitMs;
  if (serving) upstream += serving.waitMs + (serving.ttftMs ?? 0);
  if (info.trace?.traceId) headers['x-tracegate-trace-id'] = info.trace.traceId;
  headers['x-tracegate-attempts'] = String(info.attempts.length + (serving ? 1 : 0));
  if (serving) {
    headers['x-tracegate-fallback'] = serving.fallbackDepth > 0 ? serving.alias : 'false';
    headers['x-tracegate-deployment'] = serving.deployment.id;
  } else {
    headers['x-tracegate-fallback'] = 'false';
    if (info.deployment) headers['x-tracegate-deployment'] = info.deployment.id;
    headers['x-tracegate-cache'] = cacheHeader(info);
  }
  if (info.storeDegraded) headers['x-tracegate-store'] = 'degraded';
  headers['x-tracegate-overhead-ms'] = ms(elapsedMs - upstream);
}
