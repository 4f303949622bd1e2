/**
 * Anthropic Messages API adapter (`provider: 'anthropic'`). Entry fields: `apiKey` (sent as
 * `x-api-key`), `baseURL` (default https://api.anthropic.com; a trailing `/v1` is accepted),
 * `anthropicVersion` (default 2023-06-01), `anthropicBeta` (string or list → `anthropic-beta`).
 */
import { z } from 'zod';
import type { ChatCompletionCreateParams } from '../../wire/chat-request.js';
import { RequestState, optionString, trimSlash, unsupportedShapeParams } from '../request-parts.js';
import { requireKeyOrAuthorization } from '../validate-deployment.js';
import type { AdapterContext, Deployment, HttpRequestSpec, ProviderAdapter } from '../types.js';
import { classifyAnthropicError } from './errors.js';
import { lazyPart } from '../lazy-part.js';
import { decodeAnthropicMessage } from './response.js';
import { AnthropicStreamDecoder } from './stream.js';

export const ANTHROPIC_VERSION = '2023-06-01';
const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The request encoder, loaded when the first Anthropic deployment is built (lazy-part.ts). */
const encoder = lazyPart(() => import('./request.js'));

const state = new RequestState<{ jsonTool?: string }>();

function messagesUrl(d: Deployment): string {
  const base = trimSlash(d.baseURL ?? DEFAULT_BASE_URL);
  return base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
}

function headers(d: Deployment, stream: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': optionString(d, 'anthropicVersion') ?? ANTHROPIC_VERSION,
  };
  if (d.apiKey) h['x-api-key'] = d.apiKey;
  const beta = d.options.anthropicBeta;
  if (typeof beta === 'string' && beta) h['anthropic-beta'] = beta;
  else if (Array.isArray(beta) && beta.length) h['anthropic-beta'] = beta.map(String).join(',');
  return { ...h, ...d.headers };
}

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  genAiProviderName: 'anthropic',
  streamFraming: 'sse',
  defaultBaseURL: DEFAULT_BASE_URL,
  settings: {
    anthropicVersion: z.string().min(1).optional(),
    anthropicBeta: z.union([z.string(), z.array(z.string())]).optional(),
  },
  env: { apiKey: ['ANTHROPIC_API_KEY'], baseURL: ['ANTHROPIC_API_BASE', 'ANTHROPIC_BASE_URL'] },
  validateDeployment(d) {
    requireKeyOrAuthorization(d);
    encoder.preload();
  },
  unsupportedParams: (params) => unsupportedShapeParams(params),
  async chatRequest(params: ChatCompletionCreateParams, ctx: AdapterContext): Promise<HttpRequestSpec> {
    const d = ctx.deployment;
    const { encodeAnthropicRequest } = await encoder.get();
    const encoded = encodeAnthropicRequest(params, d, ctx.stream);
    state.set(ctx, encoded.jsonTool !== undefined ? { jsonTool: encoded.jsonTool } : {});
    return { method: 'POST', url: messagesUrl(d), headers: headers(d, ctx.stream), body: JSON.stringify(encoded.body) };
  },
  chatResponse: (body, ctx) => decodeAnthropicMessage(body, ctx, state.get(ctx)?.jsonTool),
  chatStream: (ctx) => new AnthropicStreamDecoder(ctx, state.get(ctx)?.jsonTool),
  classifyError: classifyAnthropicError,
};
