/**
 * A factory for adapters that speak the OpenAI wire format: OpenAI itself, the generic
 * OpenAI-compatible adapter, and the presets (vLLM, Ollama, Groq, ...). A preset is a
 * declarative set of options: base URL, paths, auth header, request and response tweaks.
 */
import { ConfigError } from '../errors.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { EmbeddingCreateParams } from '../wire/embeddings.js';
import { classifyByStatus, extractOpenAIError } from './classify.js';
import { OpenAIStreamDecoder, decodeChatCompletion, decodeEmbeddings } from './openai-wire.js';
import type { AdapterContext, Deployment, HttpRequestSpec, ProviderAdapter } from './types.js';

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
  /** Adjusts the outgoing JSON body (parameter renames and the like). */
  prepareBody?(body: Record<string, unknown>, ctx: AdapterContext): void;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

function optionString(d: Deployment, key: string): string | undefined {
  const v = d.options[key];
  return typeof v === 'string' ? v : undefined;
}

export function createOpenAIStyleAdapter(o: OpenAIStyleOptions): ProviderAdapter {
  const url = (d: Deployment, path: string): string => {
    const base = trimSlash(d.baseURL ?? o.defaultBaseURL ?? '');
    const query = d.options.query && typeof d.options.query === 'object' ? new URLSearchParams(d.options.query as Record<string, string>).toString() : '';
    return `${base}${path}${query ? `?${query}` : ''}`;
  };
  const headers = (d: Deployment, stream: boolean): Record<string, string> => {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    if (d.apiKey) {
      const name = optionString(d, 'authHeader') ?? o.authHeader;
      if (name && name.toLowerCase() !== 'authorization') h[name.toLowerCase()] = d.apiKey;
      else h.authorization = `Bearer ${d.apiKey}`;
    }
    return { ...h, ...d.headers };
  };
  const adapter: ProviderAdapter = {
    id: o.id,
    genAiProviderName: o.genAiProviderName,
    streamFraming: 'sse',
    ...(o.defaultBaseURL !== undefined ? { defaultBaseURL: o.defaultBaseURL } : {}),
    validateDeployment(d) {
      if (!d.baseURL && !o.defaultBaseURL) throw new ConfigError(`model entry "${d.id}": provider "${o.id}" needs a baseURL`);
      if (!d.apiKey && !o.apiKeyOptional) {
        throw new ConfigError(`model entry "${d.id}": provider "${o.id}" needs an apiKey`);
      }
    },
    chatRequest(params: ChatCompletionCreateParams, ctx): HttpRequestSpec {
      const d = ctx.deployment;
      const body: Record<string, unknown> = { ...params, model: d.model };
      if (ctx.stream) {
        body.stream = true;
        if (o.streamUsageOption !== false) {
          body.stream_options = { ...(params.stream_options ?? {}), include_usage: true };
        }
      } else {
        delete body.stream;
        delete body.stream_options;
      }
      o.prepareBody?.(body, ctx);
      return {
        method: 'POST',
        url: url(d, optionString(d, 'chatPath') ?? o.chatPath ?? '/chat/completions'),
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
        url: url(d, optionString(d, 'embeddingsPath') ?? o.embeddingsPath ?? '/embeddings'),
        headers: headers(d, false),
        body: JSON.stringify({ ...params, model: d.model }),
      };
    },
    embeddingsResponse: decodeEmbeddings,
    classifyError: (err, ctx) => classifyByStatus(err, extractOpenAIError(err), ctx),
  };
  return adapter;
}
