/**
 * AWS Bedrock models (on-demand list prices in USD per 1M tokens, us-east-1, checked 2025-12).
 * Model ids are matched without their cross-region inference-profile prefix (`us.`, `eu.`,
 * `apac.`, `global.`...), by prefix (`anthropic.claude-sonnet-4-5` matches
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`). Claude rows reuse Anthropic's prices (Bedrock
 * charges the same, cache reads and writes included). Cohere embeddings carry no price: their
 * responses report no token counts.
 */
import { claudeFamilies } from './anthropic.js';
import type { CatalogEntry } from './types.js';

const chat = { tools: true, vision: false, streaming: true, streamingUsage: true };
const embedding = { embeddings: true, tools: false, vision: false, streaming: false, streamingUsage: false };

export function bedrockCatalogModel(model: string): string {
  return model.replace(/^(us-gov|us|eu|apac|global|jp|au|ca)\./, '');
}

export const bedrockCatalog: CatalogEntry[] = [
  ...claudeFamilies.map((f) => ({ model: `anthropic.${f.id}`, prefix: true, capabilities: f.capabilities, price: f.price })),
  { model: 'amazon.nova-premier', prefix: true, capabilities: { ...chat, vision: true, reasoning: true, contextWindow: 1_000_000, maxOutputTokens: 32_000 }, price: { input: 2.5, cachedInput: 0.625, output: 12.5 } },
  { model: 'amazon.nova-pro', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 300_000, maxOutputTokens: 10_000 }, price: { input: 0.8, cachedInput: 0.2, output: 3.2 } },
  { model: 'amazon.nova-lite', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 300_000, maxOutputTokens: 10_000 }, price: { input: 0.06, cachedInput: 0.015, output: 0.24 } },
  { model: 'amazon.nova-micro', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 10_000 }, price: { input: 0.035, cachedInput: 0.00875, output: 0.14 } },
  { model: 'meta.llama4-maverick-17b', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 1_000_000, maxOutputTokens: 8_192 }, price: { input: 0.24, output: 0.97 } },
  { model: 'meta.llama4-scout-17b', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 3_500_000, maxOutputTokens: 8_192 }, price: { input: 0.17, output: 0.66 } },
  { model: 'meta.llama3-3-70b', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.72, output: 0.72 } },
  { model: 'meta.llama3-2-90b', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.72, output: 0.72 } },
  { model: 'meta.llama3-2-11b', prefix: true, capabilities: { ...chat, vision: true, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.16, output: 0.16 } },
  { model: 'meta.llama3-2-3b', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.15, output: 0.15 } },
  { model: 'meta.llama3-2-1b', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.1, output: 0.1 } },
  { model: 'meta.llama3-1-405b', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 2.4, output: 2.4 } },
  { model: 'meta.llama3-1-70b', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.72, output: 0.72 } },
  { model: 'meta.llama3-1-8b', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 0.22, output: 0.22 } },
  { model: 'mistral.mistral-large-2407', prefix: true, capabilities: { ...chat, contextWindow: 128_000, maxOutputTokens: 8_192 }, price: { input: 2, output: 6 } },
  { model: 'amazon.titan-embed-text-v2', prefix: true, capabilities: { ...embedding, contextWindow: 8_192 }, price: { input: 0.02, output: 0 } },
  { model: 'amazon.titan-embed-text-v1', prefix: true, capabilities: { ...embedding, contextWindow: 8_192 }, price: { input: 0.1, output: 0 } },
  { model: 'cohere.embed-english-v3', prefix: true, capabilities: { ...embedding, contextWindow: 512 } },
  { model: 'cohere.embed-multilingual-v3', prefix: true, capabilities: { ...embedding, contextWindow: 512 } },
];
