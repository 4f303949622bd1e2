/**
 * The traces shown in the HTML trace list: a bounded sample that prefers the interesting calls.
 * Priority: failed requests, then fallbacks and requests with a failed evaluation, then retries,
 * then the rest; within a priority the first ones seen are kept. Evaluations arriving later are
 * added to a sampled call when it is still in the sample.
 */
import type { JoinedCall } from './model/join.js';
import type { EvalResult } from './model/records.js';
import type { SampledEval, SampledTrace } from './types.js';
import { callCost, fellBack, retried } from './cohort.js';

export const DEFAULT_SAMPLE_SIZE = 200;
const LEVELS = 4;

function priority(j: JoinedCall): number {
  if (!j.call.success) return 3;
  if (fellBack(j) || j.evals.some((e) => e.passed === false)) return 2;
  if (retried(j)) return 1;
  return 0;
}

export function sampledEval(e: EvalResult): SampledEval {
  return { name: e.name, score: e.score ?? null, label: e.label ?? null, passed: e.passed ?? null, threshold: e.threshold ?? null, explanation: e.explanation ?? null };
}

function toSample(j: JoinedCall): SampledTrace {
  const c = j.call;
  return {
    traceId: c.traceId,
    spanId: c.spanId,
    route: c.route,
    shadow: c.shadow,
    outcome: c.outcome,
    startMs: c.startMs,
    durationMs: c.endMs - c.startMs,
    ttftMs: c.ttftMs ?? null,
    costUsd: callCost(j) ?? null,
    provider: c.provider ?? null,
    model: c.model ?? null,
    deployment: c.deploymentId ?? null,
    fallbackAlias: c.fallbackAlias ?? null,
    attempts: j.attempts.map((a) => ({
      spanId: a.spanId,
      index: a.index,
      route: a.route ?? null,
      provider: a.provider ?? null,
      model: a.model ?? null,
      deployment: a.deploymentId ?? null,
      offsetMs: a.startMs - c.startMs,
      durationMs: a.endMs - a.startMs,
      status: a.status ?? null,
      errorType: a.errorType ?? null,
      costUsd: a.costUsd ?? null,
      inputTokens: a.inTokens ?? null,
      outputTokens: a.outTokens ?? null,
      ttftMs: a.ttftMs ?? null,
      retryReason: a.retryReason ?? null,
    })),
    evals: j.evals.map(sampledEval),
  };
}

export class TraceSampler {
  private readonly levels: SampledTrace[][] = Array.from({ length: LEVELS }, () => []);
  private readonly bySpan = new Map<string, SampledTrace>();
  private size = 0;

  constructor(readonly limit = DEFAULT_SAMPLE_SIZE) {}

  add(j: JoinedCall): void {
    if (this.limit <= 0) return;
    const p = priority(j);
    if (this.size >= this.limit) {
      let q = 0;
      while (q < p && this.levels[q]!.length === 0) q++;
      if (q >= p) return;
      const evicted = this.levels[q]!.pop()!;
      this.forget(evicted);
      this.size--;
    }
    const s = toSample(j);
    this.levels[p]!.push(s);
    this.size++;
    this.bySpan.set(s.spanId, s);
    for (const a of s.attempts) this.bySpan.set(a.spanId, s);
  }

  private forget(s: SampledTrace): void {
    this.bySpan.delete(s.spanId);
    for (const a of s.attempts) this.bySpan.delete(a.spanId);
  }

  /** A late evaluation of the call (by its call or answer span). */
  addEval(targetSpanId: string, e: EvalResult): void {
    this.bySpan.get(targetSpanId)?.evals.push(sampledEval(e));
  }

  /** The sample, in start order. */
  list(): SampledTrace[] {
    return this.levels.flat().sort((a, b) => a.startMs - b.startMs);
  }
}
