/**
 * OpenAI embeddings ↔ Gemini `batchEmbedContents` (one request per input text, in one call).
 * `dimensions` → outputDimensionality; the entry's `taskType` (e.g. RETRIEVAL_DOCUMENT) is sent
 * with every input. Gemini's response carries token counts only in newer versions
 * (`usageMetadata`); without them the answer's usage says 0 tokens and telemetry reports no usage (see docs/providers.md).
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../../wire/embeddings.js';
import { asArray, asRecord, invalidResponse, type Json } from '../decode-util.js';
import { embeddingList, embeddingTexts } from '../embedding-parts.js';
import { RequestState, optionString } from '../request-parts.js';
import type { AdapterContext } from '../types.js';
import { count } from '../usage.js';
import { bareModel } from './model-name.js';

export function encodeGeminiEmbeddings(params: EmbeddingCreateParams, ctx: AdapterContext): Json {
  const d = ctx.deployment;
  formats.set(ctx, { format: params.encoding_format });
  const model = `models/${bareModel(d.model)}`;
  const taskType = optionString(d, 'taskType');
  return {
    requests: embeddingTexts(params, 'gemini').map((text) => {
      const r: Json = { model, content: { parts: [{ text }] } };
      if (params.dimensions !== undefined) r.outputDimensionality = params.dimensions;
      if (taskType) r.taskType = taskType;
      return r;
    }),
  };
}

const formats = new RequestState<{ format: EmbeddingCreateParams['encoding_format'] }>();

export function decodeGeminiEmbeddings(body: unknown, ctx: AdapterContext): CreateEmbeddingResponse {
  const obj = asRecord(body);
  const list = obj ? asArray(obj.embeddings) : [];
  if (!obj || list.length === 0) throw invalidResponse(ctx, 'returned a body that is not a batchEmbedContents response', body);
  const vectors = list.map((e) => {
    const values = asRecord(e)?.values;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) throw invalidResponse(ctx, 'returned an embedding without numeric values', body);
    return values as number[];
  });
  const usage = asRecord(obj.usageMetadata);
  const tokens = count(usage?.promptTokenCount) ?? count(usage?.totalTokenCount);
  return embeddingList(vectors, bareModel(ctx.deployment.model), tokens, formats.get(ctx)?.format);
}
