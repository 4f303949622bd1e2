import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { findCatalogEntry, resolveModelInfo } from '../../src/providers/catalog/index.js';

describe('computeCost', () => {
  const price = { input: 2, cachedInput: 0.5, cacheWrite: 2.5, output: 8 };
  it('prices plain, cached and cache-write prompt tokens separately', () => {
    const cost = computeCost(
      { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 400, cache_creation_tokens: 100 } },
      price,
    )!;
    // 500 plain × 2 + 400 × 0.5 + 100 × 2.5 = 1450 per 1M; 500 × 8 = 4000 per 1M
    expect(cost.input).toBeCloseTo(0.00145, 10);
    expect(cost.output).toBeCloseTo(0.004, 10);
    expect(cost.total).toBeCloseTo(0.00545, 10);
    expect(cost.cachedInput).toBeCloseTo(0.0002, 10);
    expect(cost.cacheWrite).toBeCloseTo(0.00025, 10);
  });

  it('prices reasoning tokens at their own rate when one is given', () => {
    const cost = computeCost(
      { prompt_tokens: 0, completion_tokens: 100, total_tokens: 100, completion_tokens_details: { reasoning_tokens: 60 } },
      { input: 1, output: 10, reasoning: 20 },
    )!;
    expect(cost.output).toBeCloseTo((40 * 10 + 60 * 20) / 1e6, 12);
  });

  it('is null (unknown), never 0, when the price is unknown; undefined without usage', () => {
    expect(computeCost({ prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 }, undefined)).toBeNull();
    expect(computeCost(undefined, price)).toBeUndefined();
  });
});

describe('catalog', () => {
  it('matches dated snapshots by longest prefix', () => {
    expect(findCatalogEntry('openai', 'gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(findCatalogEntry('openai', 'gpt-4o-2024-08-06')?.model).toBe('gpt-4o');
    expect(findCatalogEntry('openai', 'unknown-model')).toBeUndefined();
  });

  it('applies entry overrides over catalog values', () => {
    const info = resolveModelInfo('openai', 'gpt-4o', { price: { input: 1, output: 1 }, capabilities: { contextWindow: 1000 } });
    expect(info.price).toEqual({ input: 1, output: 1 });
    expect(info.capabilities.contextWindow).toBe(1000);
    expect(info.capabilities.tools).toBe(true);
  });
});
