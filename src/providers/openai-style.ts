/**
 * A factory for adapters that speak the OpenAI wire format: OpenAI itself, the generic
 * OpenAI-compatible adapter, and the presets (vLLM, Ollama, Groq, ...). A preset is a
 * declarative set of options: base URL, paths, auth header, request and response tweaks.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { EmbeddingCreateParams } from '../wire/embeddings.js';
import { classifyByStatus, extractOpenAIError } from './classify.js';
import { OpenAIStreamDecoder, decodeChatCompletion, decodeEmbeddings } from './openai-wire.js';
import { optionString, trimSlash } from './request-parts.js';
import type { AdapterContext, Deployment, HttpRequestSpec, ProviderAdapter, ProviderEnv } from './types.js';

/** The entry settings every OpenAI-style adapter reads. */
export const OPENAI_STYLE_SETTINGS = {
  /** Path of the chat endpoint below the base URL (default `/chat/completions`). */
  chatPath: z.string().min(1).optional(),
  embeddingsPath: z.string().min(1).optional(),
  /** Send the key in this header instead of `Authorization: Bearer`. */
  authHeader: z.string().min(1).optional(),
  /** Query parameters added to every request URL. */
  query: z.record(z.string(), z.string()).optional(),
} satisfies z.ZodRawShape;

export interface OpenAIStyleOptions {
  id: string;
  genAiProviderName: string;
  defaultBaseURL?: string;
  chatPath?: string;
  embeddingsPath?: string;
  /** How the API key is sent: `Authorization: Bearer` (default) or a named header. */
  authHeader?: string;
  /** The server honours `stream_options.include_usage` (default true). */
  streamUsageOption?: boolean;
  /** A key is optional (local servers such as Ollama and vLLM). */
  apiKeyOptional?: boolean;
  /** The chat parameters this server refuses (see `ProviderAdapter.unsupportedParams`). */
  unsupportedParams?: ProviderAdapter['unsupportedParams'];
  /** Adjusts the outgoing chat JSON body (parameter renames and the like). */
  prepareBody?(body: Record<string, unknown>, ctx: AdapterContext): void;
  /** Adjusts the outgoing embeddings JSON body. */
  prepareEmbeddingsBody?(body: Record<string, unknown>, ctx: AdapterContext): void;
  /** Builds the request URL of an operation (default: base URL + path + the entry's `query`). */
  url?(d: Deployment, operation: 'chat' | 'embeddings'): string;
  /** The authentication headers (default: the API key as `authHeader`, or `Authorization: Bearer`). */
  auth?(d: Deployment): Record<string, string>;
  /** Checks of an entry replacing the default ones (a base URL, and a key unless optional). */
  validate?(d: Deployment): void;
  /** Maps an error response (default: OpenAI error body and HTTP status). */
  classifyError?: ProviderAdapter['classifyError'];
  /** Entry settings beyond OPENAI_STYLE_SETTINGS. */
  settings?: z.ZodRawShape;
  env?: ProviderEnv;
  /** Rewrites the configured base URL (e.g. Ollama's `http://host:11434` → `.../v1`). */
  baseURL?(configured: string): string;
}

export function createOpenAIStyleAdapter(o: OpenAIStyleOptions): ProviderAdapter {
  const defaultUrl = (d: Deployment, path: string): string => {
    const configured = d.baseURL !== undefined && o.baseURL ? o.baseURL(trimSlash(d.baseURL)) : d.baseURL;
    const base = trimSlash(configured ?? o.defaultBaseURL ?? '');
    const query = d.options.query && typeof d.options.query === 'object' ? new URLSearchParams(d.options.query as Record<string, string>).toString() : '';
    return `${base}${path}${query ? `?${query}` : ''}`;
  };
  const url = (d: Deployment, operation: 'chat' | 'embeddings'): string => {
    if (o.url) return o.url(d, operation);
    if (operation === 'chat') return defaultUrl(d, optionString(d, 'chatPath') ?? o.chatPath ?? '/chat/completions');
    return defaultUrl(d, optionString(d, 'embeddingsPath') ?? o.embeddingsPath ?? '/embeddings');
  };
  const auth = (d: Deployment): Record<string, string> => {
    if (o.auth) return o.auth(d);
    if (!d.apiKey) return {};
    const name = optionString(d, 'authHeader') ?? o.authHeader;
    if (name && name.toLowerCase() !== 'authorization') return { [name.toLowerCase()]: d.apiKey };
    return { authorization: `Bearer ${d.apiKey}` };
  };
  const headers = (d: Deployment, stream: boolean): Record<string, string> => ({
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...auth(d),
    ...d.headers,
  });
  const embeddingsBody = (params: EmbeddingCreateParams, ctx: AdapterContext): Record<string, unknown> => {
    const body: Record<string, unknown> = { ...params, model: ctx.deployment.model };
    o.prepareEmbeddingsBody?.(body, ctx);
    return body;
  };
  const adapter: ProviderAdapter = {
    id: o.id,
    genAiProviderName: o.genAiProviderName,
    streamFraming: 'sse',
    ...(o.defaultBaseURL !== undefined ? { defaultBaseURL: o.defaultBaseURL } : {}),
    settings: { ...OPENAI_STYLE_SETTINGS, ...o.settings },
    ...(o.env ? { env: o.env } : {}),
    ...(o.unsupportedParams ? { unsupportedParams: o.unsupportedParams } : {}),
    validateDeployment(d) {
      if (o.validate) return o.validate(d);
      if (!d.baseURL && !o.defaultBaseURL) throw new ConfigError(`model entry "${d.id}": provider "${o.id}" needs a baseURL`);
      if (!d.apiKey && !o.apiKeyOptional) {
        throw new ConfigError(`model entry "${d.id}": provider "${o.id}" needs an apiKey`);
      }
    },
    chatRequest(params: ChatCompletionCreateParams, ctx): HttpRequestSpec {
      const d = ctx.deployment;
      let body: Record<string, unknown>;
      if (ctx.stream) {
        body = { ...params, model: d.model };
        body.stream = true;
        if (o.streamUsageOption !== false) {
          body.stream_options = { ...(params.stream_options ?? {}), include_usage: true };
        }
      } else {
        // Left out by destructuring rather than `delete`, which would make the body a slow object to stringify.
        const { stream: _stream, stream_options: _options, ...rest } = params as Record<string, unknown>;
        body = rest;
        body.model = d.model;
      }
      o.prepareBody?.(body, ctx);
      return {
        method: 'POST',
        url: url(d, 'chat'),
        headers: headers(d, ctx.stream),
        body: JSON.stringify(body),
      };
    },
    chatResponse: decodeChatCompletion,
    chatStream: (ctx) => new OpenAIStreamDecoder(ctx),
    embeddingsRequest(params: EmbeddingCreateParams, ctx): HttpRequestSpec {
      const d = ctx.deployment;
      return {
        method: 'POST',
        url: url(d, 'embeddings'),
        headers: headers(d, false),
        body: JSON.stringify(embeddingsBody(params, ctx)),
      };
    },
    embeddingsResponse: decodeEmbeddings,
    classifyError: o.classifyError ?? ((err, ctx) => classifyByStatus(err, extractOpenAIError(err), ctx)),
  };
  return adapter;
}
