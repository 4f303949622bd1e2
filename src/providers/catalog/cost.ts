/**
 * Cost of one call in USD from normalized usage. `prompt_tokens` includes cached and cache-write
 * tokens (the OpenAI convention every adapter normalizes to); each part is priced at its own rate.
 * Returns null when the price is unknown: an unknown price is never reported as 0.
 */
import type { Cost } from '../../call-info.js';
import type { Usage } from '../../wire/chat-response.js';
import type { ModelPrice } from '../types.js';

const PER = 1_000_000;

function round(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}

export function computeCost(usage: Usage | null | undefined, price: ModelPrice | undefined): Cost | null | undefined {
  if (!usage) return undefined;
  if (!price) return null;
  const prompt = usage.prompt_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage.prompt_tokens_details?.cache_creation_tokens ?? 0;
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  const plainInput = Math.max(0, prompt - cached - cacheWrite);
  const cachedCost = (cached * (price.cachedInput ?? price.input)) / PER;
  const writeCost = (cacheWrite * (price.cacheWrite ?? price.input)) / PER;
  const inputCost = (plainInput * price.input) / PER;
  let outputCost: number;
  let reasoningCost: number | undefined;
  if (price.reasoning !== undefined && reasoningTokens > 0) {
    reasoningCost = (reasoningTokens * price.reasoning) / PER;
    outputCost = (Math.max(0, completion - reasoningTokens) * price.output) / PER;
  } else {
    outputCost = (completion * price.output) / PER;
  }
  const cost: Cost = {
    currency: 'USD',
    input: round(inputCost + cachedCost + writeCost),
    output: round(outputCost + (reasoningCost ?? 0)),
    total: round(inputCost + cachedCost + writeCost + outputCost + (reasoningCost ?? 0)),
  };
  if (cached) cost.cachedInput = round(cachedCost);
  if (cacheWrite) cost.cacheWrite = round(writeCost);
  if (reasoningCost !== undefined) cost.reasoning = round(reasoningCost);
  return cost;
}

