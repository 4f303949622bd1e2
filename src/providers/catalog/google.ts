/**
 * Google Gemini API models: capabilities and list prices in USD per 1M tokens for prompts up to
 * 200k tokens (prices checked 2025-12; the higher >200k-token tier of the Pro models is not
 * modelled, so such calls are under-costed). Thinking tokens are billed as output (Gemini reports
 * them outside candidatesTokenCount; the adapter adds them to completion_tokens). Embedding models
 * carry no price: Gemini's embedding responses report no token counts, so their cost is unknown.
 */
import type { CatalogEntry } from './types.js';

const gemini = { tools: true, vision: true, streaming: true, streamingUsage: true, jsonSchema: true, contextWindow: 1_048_576 };
const thinking = { ...gemini, reasoning: true, maxOutputTokens: 65_536 };
const embedding = { embeddings: true, tools: false, vision: false, streaming: false, streamingUsage: false };

export const googleCatalog: CatalogEntry[] = [
  { model: 'gemini-3-pro', prefix: true, capabilities: thinking, price: { input: 2, cachedInput: 0.2, output: 12 } },
  { model: 'gemini-3-flash', prefix: true, capabilities: thinking, price: { input: 0.5, cachedInput: 0.05, output: 3 } },
  { model: 'gemini-2.5-pro', prefix: true, capabilities: thinking, price: { input: 1.25, cachedInput: 0.125, output: 10 } },
  { model: 'gemini-2.5-flash-lite', prefix: true, capabilities: thinking, price: { input: 0.1, cachedInput: 0.01, output: 0.4 } },
  { model: 'gemini-2.5-flash', prefix: true, capabilities: thinking, price: { input: 0.3, cachedInput: 0.03, output: 2.5 } },
  { model: 'gemini-2.0-flash-lite', prefix: true, capabilities: { ...gemini, maxOutputTokens: 8_192 }, price: { input: 0.075, output: 0.3 } },
  { model: 'gemini-2.0-flash', prefix: true, capabilities: { ...gemini, maxOutputTokens: 8_192 }, price: { input: 0.1, cachedInput: 0.025, output: 0.4 } },
  { model: 'gemini-embedding-001', capabilities: { ...embedding, contextWindow: 2_048 } },
  { model: 'text-embedding-004', capabilities: { ...embedding, contextWindow: 2_048 } },
];
