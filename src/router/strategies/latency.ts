/**
 * Lowest latency: EWMA of time to first token for streams, of full latency otherwise (each
 * falling back to the other when a deployment has no sample of that kind). Deployments without
 * any sample are tried first, so every deployment gets measured. Candidates within `buffer`
 * (a share of the best figure) of the best count as ties, picked by weight, so traffic is not
 * pinned to one deployment by noise.
 */
import { pickLowest } from './weighted.js';
import type { Candidate, RoutingStrategy, StrategyContext } from './types.js';

export function latencyScore(c: Candidate, stream: boolean): number {
  const s = c.stats;
  const v = stream ? (s.ttftMs ?? s.latencyMs) : (s.latencyMs ?? s.ttftMs);
  return v ?? -1;
}

export function createLatencyStrategy(buffer = 0.1): RoutingStrategy {
  return {
    name: 'latency',
    pick: (candidates: readonly Candidate[], ctx: StrategyContext) => {
      const unmeasured = candidates.filter((c) => latencyScore(c, ctx.stream) < 0);
      if (unmeasured.length) return pickLowest(unmeasured, () => 0, ctx);
      return pickLowest(candidates, (c) => latencyScore(c, ctx.stream), ctx, buffer);
    },
  };
}
