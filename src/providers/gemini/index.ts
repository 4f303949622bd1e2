/**
 * Google Gemini API adapter (`provider: 'gemini'`): generateContent, streamGenerateContent?alt=sse
 * and batchEmbedContents. Entry fields: `apiKey` (sent as `x-goog-api-key`, never in the URL),
 * `baseURL` (default https://generativelanguage.googleapis.com; one ending in `/v1beta` or `/v1`
 * is used as is), `apiVersion` (default v1beta), `taskType` (embeddings).
 */
import { z } from 'zod';
import type { ChatCompletionCreateParams } from '../../wire/chat-request.js';
import type { EmbeddingCreateParams } from '../../wire/embeddings.js';
import { optionString, trimSlash, unsupportedShapeParams } from '../request-parts.js';
import { requireKeyOrAuthorization } from '../validate-deployment.js';
import type { AdapterContext, Deployment, HttpRequestSpec, ProviderAdapter } from '../types.js';
import { decodeGeminiEmbeddings, encodeGeminiEmbeddings } from './embeddings.js';
import { classifyGeminiError } from './errors.js';
import { lazyPart } from '../lazy-part.js';
import { bareModel } from './model-name.js';
import { decodeGeminiResponse } from './response.js';
import { GeminiStreamDecoder } from './stream.js';

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** The chat request encoder, loaded when the first Gemini deployment is built (lazy-part.ts). */
const encoder = lazyPart(() => import('./request.js'));

function modelUrl(d: Deployment, method: string): string {
  const base = trimSlash(d.baseURL ?? DEFAULT_BASE_URL);
  const root = /\/v1(beta\d*|alpha\d*)?$/.test(base) ? base : `${base}/${optionString(d, 'apiVersion') ?? 'v1beta'}`;
  const collection = d.model.startsWith('tunedModels/') ? 'tunedModels' : 'models';
  return `${root}/${collection}/${encodeURIComponent(bareModel(d.model))}:${method}`;
}

function headers(d: Deployment, stream: boolean): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
  if (d.apiKey) h['x-goog-api-key'] = d.apiKey;
  return { ...h, ...d.headers };
}

export const geminiAdapter: ProviderAdapter = {
  id: 'gemini',
  genAiProviderName: 'gcp.gemini',
  streamFraming: 'sse',
  defaultBaseURL: DEFAULT_BASE_URL,
  settings: {
    /** API version path (default `v1beta`). */
    apiVersion: z.string().min(1).optional(),
    /** Embeddings task type (`RETRIEVAL_QUERY`, ...). */
    taskType: z.string().min(1).optional(),
  },
  env: { apiKey: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] },
  validateDeployment(d) {
    requireKeyOrAuthorization(d);
    encoder.preload();
  },
  unsupportedParams: (params) => unsupportedShapeParams(params, { n: true }),
  async chatRequest(params: ChatCompletionCreateParams, ctx: AdapterContext): Promise<HttpRequestSpec> {
    const d = ctx.deployment;
    const { encodeGeminiRequest } = await encoder.get();
    const url = ctx.stream ? `${modelUrl(d, 'streamGenerateContent')}?alt=sse` : modelUrl(d, 'generateContent');
    return { method: 'POST', url, headers: headers(d, ctx.stream), body: JSON.stringify(encodeGeminiRequest(params, d)) };
  },
  chatResponse: decodeGeminiResponse,
  chatStream: (ctx) => new GeminiStreamDecoder(ctx),
  embeddingsRequest(params: EmbeddingCreateParams, ctx: AdapterContext): HttpRequestSpec {
    const d = ctx.deployment;
    return { method: 'POST', url: modelUrl(d, 'batchEmbedContents'), headers: headers(d, false), body: JSON.stringify(encodeGeminiEmbeddings(params, ctx)) };
  },
  embeddingsResponse: decodeGeminiEmbeddings,
  classifyError: classifyGeminiError,
};
