/**
 * OpenAI models: capabilities and list prices in USD per 1M tokens (standard tier, as published
 * by OpenAI in 2025). Override or add entries with a model entry's `price` / `capabilities`.
 */
import type { CatalogEntry } from './types.js';

const chat = { tools: true, vision: true, streaming: true, streamingUsage: true, jsonSchema: true };
const reasoning = { ...chat, reasoning: true };

export const openaiCatalog: CatalogEntry[] = [
  { model: 'gpt-5-nano', prefix: true, capabilities: { ...reasoning, contextWindow: 400_000, maxOutputTokens: 128_000 }, price: { input: 0.05, cachedInput: 0.005, output: 0.4 } },
  { model: 'gpt-5-mini', prefix: true, capabilities: { ...reasoning, contextWindow: 400_000, maxOutputTokens: 128_000 }, price: { input: 0.25, cachedInput: 0.025, output: 2.0 } },
  { model: 'gpt-5', prefix: true, capabilities: { ...reasoning, contextWindow: 400_000, maxOutputTokens: 128_000 }, price: { input: 1.25, cachedInput: 0.125, output: 10.0 } },
  { model: 'gpt-4.1-nano', prefix: true, capabilities: { ...chat, contextWindow: 1_047_576, maxOutputTokens: 32_768 }, price: { input: 0.1, cachedInput: 0.025, output: 0.4 } },
  { model: 'gpt-4.1-mini', prefix: true, capabilities: { ...chat, contextWindow: 1_047_576, maxOutputTokens: 32_768 }, price: { input: 0.4, cachedInput: 0.1, output: 1.6 } },
  { model: 'gpt-4.1', prefix: true, capabilities: { ...chat, contextWindow: 1_047_576, maxOutputTokens: 32_768 }, price: { input: 2.0, cachedInput: 0.5, output: 8.0 } },
  { model: 'gpt-4o-mini', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 16_384 }, price: { input: 0.15, cachedInput: 0.075, output: 0.6 } },
  { model: 'gpt-4o', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 16_384 }, price: { input: 2.5, cachedInput: 1.25, output: 10.0 } },
  { model: 'o4-mini', prefix: true, capabilities: { ...reasoning, contextWindow: 200_000, maxOutputTokens: 100_000 }, price: { input: 1.1, cachedInput: 0.275, output: 4.4 } },
  { model: 'o3-mini', prefix: true, capabilities: { ...reasoning, vision: false, contextWindow: 200_000, maxOutputTokens: 100_000 }, price: { input: 1.1, cachedInput: 0.55, output: 4.4 } },
  { model: 'o3', prefix: true, capabilities: { ...reasoning, contextWindow: 200_000, maxOutputTokens: 100_000 }, price: { input: 2.0, cachedInput: 0.5, output: 8.0 } },
  { model: 'o1', prefix: true, capabilities: { ...reasoning, contextWindow: 200_000, maxOutputTokens: 100_000 }, price: { input: 15.0, cachedInput: 7.5, output: 60.0 } },
  { model: 'gpt-3.5-turbo', prefix: true, capabilities: { ...chat, vision: false, jsonSchema: false, contextWindow: 16_385, maxOutputTokens: 4_096 }, price: { input: 0.5, output: 1.5 } },
  { model: 'text-embedding-3-small', capabilities: { embeddings: true, contextWindow: 8_191, tools: false, vision: false, streaming: false, streamingUsage: false }, price: { input: 0.02, output: 0 } },
  { model: 'text-embedding-3-large', capabilities: { embeddings: true, contextWindow: 8_191, tools: false, vision: false, streaming: false, streamingUsage: false }, price: { input: 0.13, output: 0 } },
  { model: 'text-embedding-ada-002', capabilities: { embeddings: true, contextWindow: 8_191, tools: false, vision: false, streaming: false, streamingUsage: false }, price: { input: 0.1, output: 0 } },
];
