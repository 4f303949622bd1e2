/**
 * Cheapest: the lowest expected cost of this request from the catalog price (estimated prompt
 * tokens at the input price plus the allowed output, or 256 tokens, at the output price).
 * Deployments without a known price come last.
 */
import { pickLowest } from './weighted.js';
import type { Candidate, RoutingStrategy, StrategyContext } from './types.js';

const DEFAULT_OUTPUT = 256;

export function expectedCost(c: Candidate, ctx: StrategyContext): number {
  const p = c.deployment.price;
  if (!p) return Infinity;
  return (ctx.promptTokens * p.input + (ctx.maxOutputTokens ?? DEFAULT_OUTPUT) * p.output) / 1_000_000;
}

export const costStrategy: RoutingStrategy = {
  name: 'cost',
  pick: (candidates, ctx) => pickLowest(candidates, (c) => expectedCost(c, ctx), ctx),
};
