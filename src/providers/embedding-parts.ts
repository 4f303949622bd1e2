/** Helpers shared by embeddings adapters of providers that do not speak the OpenAI embeddings wire. */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../wire/embeddings.js';
import { unsupported } from './request-parts.js';

/** The input texts of an embeddings request; token-id inputs are OpenAI-only. */
export function embeddingTexts(params: EmbeddingCreateParams, provider: string): string[] {
  const input = params.input;
  if (typeof input === 'string') return [input];
  if (input.every((v): v is string => typeof v === 'string')) return input;
  throw unsupported(provider, 'input', 'token-id inputs for embeddings (send text)');
}

/** OpenAI's `encoding_format: "base64"`: little-endian float32 values, base64-encoded. */
export function encodeVector(values: number[], format: EmbeddingCreateParams['encoding_format']): number[] | string {
  if (format !== 'base64') return values;
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/** Answers whose provider reported no token count (their wire `usage` says 0 because the OpenAI shape requires one). */
const unreported = new WeakSet<object>();

/** False when the provider reported no token count for this answer: telemetry must then report no usage at all. */
export function embeddingUsageReported(response: CreateEmbeddingResponse): boolean {
  return !unreported.has(response);
}

/** `promptTokens` undefined: the provider reported none (the wire answer still carries 0, as the OpenAI shape requires). */
export function embeddingList(
  vectors: number[][],
  model: string,
  promptTokens: number | undefined,
  format: EmbeddingCreateParams['encoding_format'],
): CreateEmbeddingResponse {
  const response: CreateEmbeddingResponse = {
    object: 'list',
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: encodeVector(v, format) })),
    model,
    usage: { prompt_tokens: promptTokens ?? 0, total_tokens: promptTokens ?? 0 },
  };
  if (promptTokens === undefined) unreported.add(response);
  return response;
}
