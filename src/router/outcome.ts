/** Bookkeeping of a call's CallInfo from its attempts, and the call's final outcome. */
import type { AttemptRecord, CallInfo, CallOutcome } from '../call-info.js';
import type { AttemptEvent } from '../channels.js';
import { isTracegateError } from '../errors.js';

export function newCallInfo(callId: string, operation: CallInfo['operation'], alias: string, shadow: boolean): CallInfo {
  return {
    callId,
    operation,
    alias,
    outcome: 'error',
    attempts: [],
    retries: 0,
    fallbackUsed: false,
    latencyMs: 0,
    cacheHit: false,
    shadow,
  };
}

/** Appends the record of a settled attempt. */
export function recordAttempt(info: CallInfo, ev: AttemptEvent): AttemptRecord {
  const rec: AttemptRecord = {
    index: ev.index,
    deployment: ev.deployment,
    alias: ev.alias,
    fallbackDepth: ev.fallbackDepth,
    waitMs: ev.waitMs,
    durationMs: ev.durationMs ?? 0,
  };
  if (ev.status !== undefined) rec.status = ev.status;
  if (ev.retryReason !== undefined) rec.retryReason = ev.retryReason;
  if (ev.overrides?.length) rec.overrides = [...ev.overrides];
  if (ev.variant !== undefined) rec.variant = ev.variant;
  if (ev.ttftMs !== undefined) rec.ttftMs = ev.ttftMs;
  if (ev.usage) rec.usage = ev.usage;
  if (ev.cost !== undefined) rec.cost = ev.cost;
  if (ev.usageEstimated) rec.usageEstimated = true;
  if (isTracegateError(ev.error)) {
    rec.errorClass = ev.error.errorClass;
    rec.errorMessage = ev.error.message;
  }
  info.attempts.push(rec);
  info.retries = Math.max(0, info.attempts.length - 1);
  return rec;
}

/** Sum of the cost of every attempt; null when any attempt with usage has an unknown price. */
export function totalCost(info: CallInfo): number | null | undefined {
  let sum = 0;
  let any = false;
  for (const a of info.attempts) {
    if (a.cost === null) return null;
    if (a.cost) {
      sum += a.cost.total;
      any = true;
    }
  }
  return any ? Math.round(sum * 1e10) / 1e10 : undefined;
}

/** Marks the call as answered by the attempt `ev`. */
export function markSuccess(info: CallInfo, ev: AttemptEvent, startedAt: number): void {
  info.deployment = ev.deployment;
  if (ev.variant !== undefined) info.variant = ev.variant;
  else if ('variant' in info) delete info.variant;
  info.fallbackUsed = ev.fallbackDepth > 0;
  if (info.fallbackUsed) info.fallbackAlias = ev.alias;
  info.outcome = info.fallbackUsed ? 'fallback_success' : 'success';
  if (ev.usage) info.usage = ev.usage;
  if (ev.cost !== undefined) info.cost = ev.cost;
  if (ev.stream && ev.ttftMs !== undefined) info.ttftMs = ev.ttftMs;
  const total = totalCost(info);
  if (total !== undefined) info.totalCostUsd = total;
  info.latencyMs = performance.now() - startedAt;
  // `delete` only when there is something to remove: it would turn the object slow for every later read.
  if ('errorClass' in info) delete info.errorClass;
}

/** Marks the call as answered from the response cache. */
export function markCacheHit(info: CallInfo, deployment: CallInfo['deployment'], startedAt: number): void {
  if (deployment) info.deployment = deployment;
  info.cacheHit = true;
  info.cacheKind ??= 'exact';
  info.outcome = 'cache_hit';
  info.totalCostUsd = 0;
  info.latencyMs = performance.now() - startedAt;
  // `delete` only when there is something to remove: it would turn the object slow for every later read.
  if ('errorClass' in info) delete info.errorClass;
}

/** The outcome of a failed call from its error. */
export function failureOutcome(error: unknown, info: CallInfo): CallOutcome {
  if (isTracegateError(error)) {
    switch (error.errorClass) {
      case 'budget_exceeded':
        return 'budget_rejected';
      case 'circuit_open':
        return 'circuit_open';
      case 'guardrail':
        return 'blocked';
      case 'aborted':
        return 'aborted';
      case 'stream_interrupted':
        return 'stream_interrupted';
      case 'rate_limit':
        if (info.attempts.length === 0) return 'rate_limited';
        break;
      default:
        break;
    }
  }
  return info.attempts.length > 1 ? 'exhausted' : 'error';
}

export function markFailure(info: CallInfo, error: unknown, startedAt: number): void {
  info.outcome = failureOutcome(error, info);
  if (isTracegateError(error)) info.errorClass = error.errorClass;
  const total = totalCost(info);
  if (total !== undefined) info.totalCostUsd = total;
  info.latencyMs = performance.now() - startedAt;
}
