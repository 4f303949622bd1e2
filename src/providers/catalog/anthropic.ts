/**
 * Anthropic Claude models: capabilities and list prices in USD per 1M tokens, as published by
 * Anthropic (prices checked 2025-12). `cacheWrite` is the 5-minute cache write (1.25× input; 1-hour
 * writes cost 2× input and are billed here at the 5-minute rate); `cachedInput` a cache read
 * (0.1× input). Thinking tokens are billed as output. The Bedrock table reuses these rows.
 */
import type { ModelPrice } from '../types.js';
import type { CatalogEntry } from './types.js';

const claude = { tools: true, vision: true, streaming: true, streamingUsage: true, jsonSchema: true, contextWindow: 200_000 };
const thinking = { ...claude, reasoning: true };

/** Anthropic's price pattern: cache reads at 0.1×, 5-minute cache writes at 1.25× the input price. */
export function claudePrice(input: number, output: number): ModelPrice {
  return { input, output, cachedInput: Math.round(input * 0.1 * 1e6) / 1e6, cacheWrite: Math.round(input * 1.25 * 1e6) / 1e6 };
}

/** Rows keyed by the Anthropic model id prefix (`claude-sonnet-4-5` matches `claude-sonnet-4-5-20250929`). */
export const claudeFamilies: { id: string; capabilities: CatalogEntry['capabilities']; price: ModelPrice }[] = [
  { id: 'claude-opus-4-5', capabilities: { ...thinking, maxOutputTokens: 64_000 }, price: claudePrice(5, 25) },
  { id: 'claude-opus-4-1', capabilities: { ...thinking, maxOutputTokens: 32_000 }, price: claudePrice(15, 75) },
  { id: 'claude-opus-4', capabilities: { ...thinking, maxOutputTokens: 32_000 }, price: claudePrice(15, 75) },
  { id: 'claude-sonnet-4-5', capabilities: { ...thinking, maxOutputTokens: 64_000 }, price: claudePrice(3, 15) },
  { id: 'claude-sonnet-4', capabilities: { ...thinking, maxOutputTokens: 64_000 }, price: claudePrice(3, 15) },
  { id: 'claude-haiku-4-5', capabilities: { ...thinking, maxOutputTokens: 64_000 }, price: claudePrice(1, 5) },
  { id: 'claude-3-7-sonnet', capabilities: { ...thinking, maxOutputTokens: 64_000 }, price: claudePrice(3, 15) },
  { id: 'claude-3-5-sonnet', capabilities: { ...claude, maxOutputTokens: 8_192 }, price: claudePrice(3, 15) },
  { id: 'claude-3-5-haiku', capabilities: { ...claude, maxOutputTokens: 8_192 }, price: claudePrice(0.8, 4) },
  { id: 'claude-3-opus', capabilities: { ...claude, maxOutputTokens: 4_096 }, price: claudePrice(15, 75) },
  { id: 'claude-3-haiku', capabilities: { ...claude, maxOutputTokens: 4_096 }, price: claudePrice(0.25, 1.25) },
];

export const anthropicCatalog: CatalogEntry[] = claudeFamilies.map((f) => ({ model: f.id, prefix: true, capabilities: f.capabilities, price: f.price }));
