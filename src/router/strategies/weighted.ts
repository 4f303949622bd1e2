/** Weighted random: each candidate in proportion to its effective weight (the default). */
import type { Candidate, RoutingStrategy, StrategyContext } from './types.js';

export function pickByWeight(candidates: readonly Candidate[], random: () => number): Candidate {
  let total = 0;
  for (const c of candidates) total += c.weight;
  if (total <= 0) return candidates[Math.floor(random() * candidates.length) % candidates.length]!;
  let r = random() * total;
  for (const c of candidates) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return candidates[candidates.length - 1]!;
}

/** Candidates whose score equals the best (lowest) one, then a weighted pick among them. */
export function pickLowest(candidates: readonly Candidate[], score: (c: Candidate) => number, ctx: StrategyContext, tolerance = 0): Candidate {
  let best = Infinity;
  for (const c of candidates) best = Math.min(best, score(c));
  const limit = best === Infinity ? Infinity : best + Math.abs(best) * tolerance;
  const ties = candidates.filter((c) => score(c) <= limit);
  return pickByWeight(ties.length ? ties : candidates, ctx.random);
}

export const weightedStrategy: RoutingStrategy = {
  name: 'weighted',
  pick: (candidates, ctx) => pickByWeight(candidates, ctx.random),
};
