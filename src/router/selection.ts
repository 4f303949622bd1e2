/** Choosing a deployment within a group. (Strategies beyond weighted random arrive with the router issue.) */
import type { Deployment } from '../providers/types.js';

/** Weighted random choice among the lowest priority tier present in `candidates`. */
export function pickWeighted(candidates: readonly Deployment[], random: () => number = Math.random): Deployment | undefined {
  if (candidates.length === 0) return undefined;
  let tier = Infinity;
  for (const d of candidates) tier = Math.min(tier, d.priority);
  const pool = candidates.filter((d) => d.priority === tier);
  let total = 0;
  for (const d of pool) total += d.weight;
  let r = random() * total;
  for (const d of pool) {
    r -= d.weight;
    if (r < 0) return d;
  }
  return pool[pool.length - 1];
}
