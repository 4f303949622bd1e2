/**
 * OpenAI embeddings ↔ Bedrock InvokeModel for embedding models: Amazon Titan Text Embeddings
 * (`{inputText, dimensions?, normalize?}` → `{embedding, inputTextTokenCount}`, one text per call)
 * and Cohere Embed (`{texts, input_type}` → `{embeddings}`; Cohere reports no token count in the
 * body, so the answer's usage says 0 and telemetry reports none — see docs/providers.md). Entry fields: `normalize` (Titan),
 * `inputType` (Cohere, default `search_document`).
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../../wire/embeddings.js';
import { asArray, asRecord, invalidResponse, type Json } from '../decode-util.js';
import { embeddingList, embeddingTexts } from '../embedding-parts.js';
import { RequestState, optionString, unsupported } from '../request-parts.js';
import type { AdapterContext } from '../types.js';
import { count } from '../usage.js';

const PROVIDER = 'bedrock';
const formats = new RequestState<{ format: EmbeddingCreateParams['encoding_format'] }>();

function family(model: string): 'titan' | 'cohere' | undefined {
  if (model.includes('amazon.titan-embed')) return 'titan';
  if (model.includes('cohere.embed')) return 'cohere';
  return undefined;
}

export function encodeBedrockEmbeddings(params: EmbeddingCreateParams, ctx: AdapterContext): Json {
  const d = ctx.deployment;
  const texts = embeddingTexts(params, PROVIDER);
  formats.set(ctx, { format: params.encoding_format });
  const kind = family(d.model);
  if (kind === 'titan') {
    if (texts.length !== 1) throw unsupported(PROVIDER, 'input', 'several inputs in one call for Titan embeddings (one text per call)');
    const body: Json = { inputText: texts[0] };
    if (params.dimensions !== undefined) body.dimensions = params.dimensions;
    if (typeof d.options.normalize === 'boolean') body.normalize = d.options.normalize;
    return body;
  }
  if (kind === 'cohere') {
    const body: Json = { texts, input_type: optionString(d, 'inputType') ?? 'search_document' };
    if (params.dimensions !== undefined) body.output_dimension = params.dimensions;
    return body;
  }
  throw unsupported(PROVIDER, 'model', `embeddings with model "${d.model}" (Titan and Cohere embedding models only)`);
}

function numbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
}

export function decodeBedrockEmbeddings(body: unknown, ctx: AdapterContext): CreateEmbeddingResponse {
  const obj = asRecord(body);
  const format = formats.get(ctx)?.format;
  const single = numbers(obj?.embedding);
  if (obj && single) return embeddingList([single], ctx.deployment.model, count(obj.inputTextTokenCount), format);
  const raw = obj ? (Array.isArray(obj.embeddings) ? obj.embeddings : asRecord(obj.embeddings)?.float) : undefined;
  const vectors = asArray(raw).map(numbers);
  if (!obj || vectors.length === 0 || vectors.some((v) => v === undefined)) throw invalidResponse(ctx, 'returned a body that is not an embeddings response', body);
  const tokens = count(asRecord(asRecord(obj.meta)?.billed_units)?.input_tokens);
  return embeddingList(vectors as number[][], ctx.deployment.model, tokens, format);
}
