/**
 * Models of the OpenAI-compatible presets with published list prices in USD per 1M tokens
 * (checked 2025-12): Mistral, Groq, DeepSeek, xAI. Together and OpenRouter serve hundreds of
 * models whose prices change often: no rows (cost is reported as unknown unless an entry sets
 * `price`). vLLM and Ollama run on your own hardware: no price.
 */
import type { CatalogEntry } from './types.js';

const chat = { tools: true, vision: false, streaming: true, streamingUsage: true };
const embedding = { embeddings: true, tools: false, vision: false, streaming: false, streamingUsage: false };

export const mistralCatalog: CatalogEntry[] = [
  { model: 'mistral-large', prefix: true, capabilities: { ...chat, jsonSchema: true, contextWindow: 131_072 }, price: { input: 2, output: 6 } },
  { model: 'mistral-medium', prefix: true, capabilities: { ...chat, vision: true, jsonSchema: true, contextWindow: 131_072 }, price: { input: 0.4, output: 2 } },
  { model: 'mistral-small', prefix: true, capabilities: { ...chat, vision: true, jsonSchema: true, contextWindow: 131_072 }, price: { input: 0.1, output: 0.3 } },
  { model: 'magistral-medium', prefix: true, capabilities: { ...chat, reasoning: true, contextWindow: 131_072 }, price: { input: 2, output: 5 } },
  { model: 'magistral-small', prefix: true, capabilities: { ...chat, reasoning: true, contextWindow: 131_072 }, price: { input: 0.5, output: 1.5 } },
  { model: 'codestral', prefix: true, capabilities: { ...chat, contextWindow: 256_000 }, price: { input: 0.3, output: 0.9 } },
  { model: 'devstral-medium', prefix: true, capabilities: { ...chat, contextWindow: 131_072 }, price: { input: 0.4, output: 2 } },
  { model: 'devstral-small', prefix: true, capabilities: { ...chat, contextWindow: 131_072 }, price: { input: 0.1, output: 0.3 } },
  { model: 'pixtral-large', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 131_072 }, price: { input: 2, output: 6 } },
  { model: 'pixtral-12b', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 131_072 }, price: { input: 0.15, output: 0.15 } },
  { model: 'ministral-8b', prefix: true, capabilities: { ...chat, contextWindow: 131_072 }, price: { input: 0.1, output: 0.1 } },
  { model: 'ministral-3b', prefix: true, capabilities: { ...chat, contextWindow: 131_072 }, price: { input: 0.04, output: 0.04 } },
  { model: 'open-mistral-nemo', prefix: true, capabilities: { ...chat, contextWindow: 131_072 }, price: { input: 0.15, output: 0.15 } },
  { model: 'mistral-embed', capabilities: { ...embedding, contextWindow: 8_192 }, price: { input: 0.1, output: 0 } },
];

export const groqCatalog: CatalogEntry[] = [
  { model: 'llama-3.3-70b-versatile', capabilities: { ...chat, contextWindow: 131_072, maxOutputTokens: 32_768 }, price: { input: 0.59, output: 0.79 } },
  { model: 'llama-3.1-8b-instant', capabilities: { ...chat, contextWindow: 131_072, maxOutputTokens: 131_072 }, price: { input: 0.05, output: 0.08 } },
  { model: 'openai/gpt-oss-120b', capabilities: { ...chat, reasoning: true, contextWindow: 131_072, maxOutputTokens: 65_536 }, price: { input: 0.15, output: 0.75 } },
  { model: 'openai/gpt-oss-20b', capabilities: { ...chat, reasoning: true, contextWindow: 131_072, maxOutputTokens: 65_536 }, price: { input: 0.1, output: 0.5 } },
  { model: 'meta-llama/llama-4-maverick-17b-128e-instruct', capabilities: { ...chat, vision: true, contextWindow: 131_072, maxOutputTokens: 8_192 }, price: { input: 0.2, output: 0.6 } },
  { model: 'meta-llama/llama-4-scout-17b-16e-instruct', capabilities: { ...chat, vision: true, contextWindow: 131_072, maxOutputTokens: 8_192 }, price: { input: 0.11, output: 0.34 } },
  { model: 'qwen/qwen3-32b', capabilities: { ...chat, reasoning: true, contextWindow: 131_072, maxOutputTokens: 40_960 }, price: { input: 0.29, output: 0.59 } },
  { model: 'moonshotai/kimi-k2-instruct', prefix: true, capabilities: { ...chat, contextWindow: 262_144, maxOutputTokens: 16_384 }, price: { input: 1, output: 3 } },
];

/** DeepSeek V3.2 prices (since 2025-09-29); cache hits are DeepSeek's `prompt_cache_hit_tokens`. */
export const deepseekCatalog: CatalogEntry[] = [
  { model: 'deepseek-chat', capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.28, cachedInput: 0.028, output: 0.42 } },
  { model: 'deepseek-reasoner', capabilities: { ...chat, reasoning: true, contextWindow: 128_000, maxOutputTokens: 65_536 }, price: { input: 0.28, cachedInput: 0.028, output: 0.42 } },
];

export const xaiCatalog: CatalogEntry[] = [
  { model: 'grok-4-1-fast', prefix: true, capabilities: { ...chat, vision: true, reasoning: true, contextWindow: 2_000_000 }, price: { input: 0.2, cachedInput: 0.05, output: 0.5 } },
  { model: 'grok-4-fast', prefix: true, capabilities: { ...chat, vision: true, reasoning: true, contextWindow: 2_000_000 }, price: { input: 0.2, cachedInput: 0.05, output: 0.5 } },
  { model: 'grok-4', prefix: true, capabilities: { ...chat, vision: true, reasoning: true, contextWindow: 256_000 }, price: { input: 3, cachedInput: 0.75, output: 15 } },
  { model: 'grok-code-fast-1', prefix: true, capabilities: { ...chat, reasoning: true, contextWindow: 256_000 }, price: { input: 0.2, cachedInput: 0.02, output: 1.5 } },
  { model: 'grok-3-mini', prefix: true, capabilities: { ...chat, reasoning: true, contextWindow: 131_072 }, price: { input: 0.3, cachedInput: 0.075, output: 0.5 } },
  { model: 'grok-3', prefix: true, capabilities: { ...chat, contextWindow: 131_072 }, price: { input: 3, cachedInput: 0.75, output: 15 } },
];
