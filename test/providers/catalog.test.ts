import { describe, expect, it } from 'vitest';
import { Router } from '../../src/index.js';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { findCatalogEntry, resolveModelInfo } from '../../src/providers/catalog/index.js';
import { getProvider } from '../../src/providers/registry.js';
import { context } from './helpers.js';

describe('catalog lookups', () => {
  it('finds each provider family by exact id, dated snapshot, or prefix', () => {
    expect(resolveModelInfo('anthropic', 'claude-sonnet-4-5-20250929').price).toEqual({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 });
    expect(resolveModelInfo('anthropic', 'claude-opus-4-1-20250805').price?.input).toBe(15);
    expect(resolveModelInfo('anthropic', 'claude-opus-4-5-20251101').price?.input).toBe(5);
    expect(resolveModelInfo('anthropic', 'claude-3-5-haiku-latest').capabilities.maxOutputTokens).toBe(8_192);
    expect(resolveModelInfo('gemini', 'models/gemini-2.5-flash').price).toEqual({ input: 0.3, cachedInput: 0.03, output: 2.5 });
    expect(resolveModelInfo('gemini', 'gemini-2.5-flash-lite-preview-09-2025').price?.input).toBe(0.1);
    expect(resolveModelInfo('gemini', 'gemini-3-pro-preview').capabilities.reasoning).toBe(true);
    expect(resolveModelInfo('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0').price?.cacheWrite).toBe(3.75);
    expect(resolveModelInfo('bedrock', 'anthropic.claude-3-haiku-20240307-v1:0').capabilities.maxOutputTokens).toBe(4_096);
    expect(resolveModelInfo('bedrock', 'eu.amazon.nova-pro-v1:0').price?.input).toBe(0.8);
    expect(resolveModelInfo('bedrock', 'meta.llama3-1-70b-instruct-v1:0').price?.output).toBe(0.72);
    expect(resolveModelInfo('azure', 'gpt-4o-mini').price?.input).toBe(0.15);
    expect(resolveModelInfo('mistral', 'mistral-small-latest').price?.input).toBe(0.1);
    expect(resolveModelInfo('groq', 'openai/gpt-oss-120b').capabilities.reasoning).toBe(true);
    expect(resolveModelInfo('deepseek', 'deepseek-chat').price?.cachedInput).toBe(0.028);
    expect(resolveModelInfo('xai', 'grok-4-fast-reasoning').price?.input).toBe(0.2);
    expect(resolveModelInfo('xai', 'grok-4-0709').price?.input).toBe(3);
  });

  it('unknown models get default capabilities and no price', () => {
    expect(findCatalogEntry('anthropic', 'claude-fable-5')).toBeUndefined();
    expect(resolveModelInfo('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo').price).toBeUndefined();
    expect(resolveModelInfo('gemini', 'gemini-embedding-001').price).toBeUndefined();
  });
});

describe('computeCost', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };

  it('an unknown price is null, never 0; no usage is undefined', () => {
    expect(computeCost(usage, undefined)).toBeNull();
    expect(computeCost(undefined, { input: 1, output: 1 })).toBeUndefined();
  });

  it('prices Gemini thought tokens (inside completion_tokens) at the output rate', () => {
    const gemini = { ...usage, completion_tokens: 500, completion_tokens_details: { reasoning_tokens: 400 } };
    const cost = computeCost(gemini, resolveModelInfo('gemini', 'gemini-2.5-pro').price)!;
    expect(cost.output).toBeCloseTo((500 * 10) / 1e6, 12);
    expect(cost.reasoning).toBeUndefined();
    const separate = computeCost(gemini, { input: 1, output: 2, reasoning: 4 })!;
    expect(separate.reasoning).toBeCloseTo((400 * 4) / 1e6, 12);
    expect(separate.output).toBeCloseTo((100 * 2 + 400 * 4) / 1e6, 12);
  });

  it('prices Anthropic cache reads and writes at their own rates', () => {
    const u = { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010, prompt_tokens_details: { cached_tokens: 600, cache_creation_tokens: 300 } };
    const cost = computeCost(u, resolveModelInfo('anthropic', 'claude-haiku-4-5').price)!;
    expect(cost.cachedInput).toBeCloseTo((600 * 0.1) / 1e6, 12);
    expect(cost.cacheWrite).toBeCloseTo((300 * 1.25) / 1e6, 12);
    expect(cost.input).toBeCloseTo((100 * 1 + 600 * 0.1 + 300 * 1.25) / 1e6, 12);
    expect(cost.total).toBeCloseTo(cost.input + (10 * 5) / 1e6, 12);
  });
});

describe('model entry overrides', () => {
  it('price and capabilities in an entry replace the catalog values, and the adapter uses them', async () => {
    const router = new Router({
      models: [
        { name: 'a', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'k-123456', price: { input: 1, output: 2, cacheWrite: 9 }, capabilities: { maxOutputTokens: 1234 } },
        { name: 'b', provider: 'anthropic', model: 'claude-fable-5', apiKey: 'k-123456' },
        { name: 'c', provider: 'openai-compatible', model: 'claude-haiku-4-5', baseURL: 'http://127.0.0.1:1', catalogProvider: 'anthropic' },
      ],
    });
    const a = router.groups.get('a')![0]!;
    expect(a.price).toEqual({ input: 1, output: 2, cacheWrite: 9 });
    expect(a.capabilities.maxOutputTokens).toBe(1234);
    expect(a.capabilities.vision).toBe(true);
    const spec = await getProvider('anthropic').chatRequest({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, context(a, false));
    expect(JSON.parse(String(spec.body)).max_tokens).toBe(1234);
    expect(router.groups.get('b')![0]!.price).toBeUndefined();
    expect(router.groups.get('c')![0]!.price?.input).toBe(1);
    await router.close();
  });

  it('provider-specific entry fields are validated at construction', () => {
    expect(() => new Router({ models: [{ name: 'x', provider: 'azure', model: 'gpt-4o', apiKey: 'k-123456' }] })).toThrow(/azure.*baseURL or a resourceName/);
    expect(() => new Router({ models: [{ name: 'x', provider: 'anthropic', model: 'claude-x' }] })).toThrow(/needs an apiKey/);
  });
});
