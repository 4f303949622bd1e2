/**
 * The provider adapter interface. An adapter is a set of pure translations between the OpenAI
 * wire shape (tracegate's normalized form) and one provider's API: it encodes requests, decodes
 * answers and stream events, and classifies error responses. It does no I/O: the router's
 * attempt runner sends the request, frames the stream (SSE or AWS event-stream) and applies
 * timeouts, so every adapter gets the same transport behaviour.
 */
import type { z } from 'zod';
import type { TracegateError } from '../errors.js';
import type { HttpRequestSpec, ResponseHeaders } from '../http/transport.js';
import type { StreamEvent } from '../http/stream-event.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../wire/chat-response.js';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../wire/embeddings.js';

export type { HttpRequestSpec, ResponseHeaders };

/** The override fields of a model entry or of one of its variants (applied by router/overrides.ts). */
export interface OverrideFields {
  defaults?: Record<string, unknown>;
  override?: Record<string, unknown>;
  drop?: string[];
  system?: { prepend?: string; append?: string; replace?: string };
  extraBody?: Record<string, unknown>;
  extraHeaders?: Record<string, string>;
  /** Remove the parameters the provider cannot take (`ProviderAdapter.unsupportedParams`) instead of failing. */
  dropParams?: boolean;
}

/** One override variant of a deployment: its fields are layered over the entry's own (router/variants.ts). */
export interface OverrideVariant extends OverrideFields {
  name: string;
  /** Share of the deployment's attempts (relative to the other variants' weights). */
  weight: number;
}

/** A deployment's request overrides: the entry's fields, and optionally variants with a traffic split. */
export interface RequestOverrides extends OverrideFields {
  variants?: OverrideVariant[];
}

/** What a model can do. Values from the catalog, overridable per model entry. */
export interface ModelCapabilities {
  /** Max prompt + completion tokens. */
  contextWindow?: number;
  maxOutputTokens?: number;
  tools: boolean;
  vision: boolean;
  streaming: boolean;
  /** The provider reports usage on streams (OpenAI only with stream_options.include_usage). */
  streamingUsage: boolean;
  jsonSchema?: boolean;
  reasoning?: boolean;
  embeddings?: boolean;
}

/** USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Prompt tokens read from cache; defaults to `input` when absent. */
  cachedInput?: number;
  /** Prompt tokens written to cache; defaults to `input` when absent. */
  cacheWrite?: number;
  /** Reasoning tokens when billed differently from output; defaults to `output`. */
  reasoning?: number;
}

export interface Timeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** Until the first chunk of a stream, or the whole answer of a non-stream. */
  firstTokenMs: number;
  /** Streams only: until the first chunk (default `firstTokenMs`). LiteLLM's `stream_timeout`. */
  streamFirstTokenMs?: number;
  /** Longest gap between two body chunks from upstream. */
  idleMs: number;
  /** The whole call, all retries and fallbacks included. */
  totalMs: number;
  /** How long a returned stream may wait for its consumer to read before it is abandoned. */
  unconsumedMs: number;
}

/** A model entry after validation: one concrete place a call can go. Holds credentials. */
export interface Deployment {
  id: string;
  /** Alias (group name). */
  name: string;
  provider: string;
  model: string;
  apiKey?: string;
  baseURL?: string;
  headers: Record<string, string>;
  /** Provider-specific settings from the model entry (apiVersion, region, ...). */
  options: Readonly<Record<string, unknown>>;
  weight: number;
  /** Priority tier: lower is tried first. */
  priority: number;
  rpm?: number;
  tpm?: number;
  tags: readonly string[];
  timeouts: Timeouts;
  capabilities: ModelCapabilities;
  /** undefined when the price is unknown. */
  price?: ModelPrice;
  /** Send W3C trace context upstream. */
  propagateTraceContext: boolean;
  /**
   * Connections kept per upstream origin (undici pool size). Deployments with the same value
   * (and connect timeout) share one pool per origin. Unset: 128.
   */
  connections?: number;
  /** Attempts in flight at once in this process; unset: no cap. */
  maxInFlight?: number;
  /** Every secret value of this deployment, to be scrubbed from errors. */
  secrets: readonly string[];
  /** Request overrides applied to each attempt on this deployment (router/overrides.ts). */
  overrides?: RequestOverrides;
}

/**
 * The context of one attempt. The router passes the same object to `chatRequest` /
 * `embeddingsRequest` and then to the decoder of that attempt (`chatResponse`, `chatStream`,
 * `embeddingsResponse`), so an adapter may key per-request state on it (see `RequestState` in
 * request-parts.ts: e.g. which tool carries `response_format`).
 */
export interface AdapterContext {
  deployment: Deployment;
  stream: boolean;
}

/** An upstream error response handed to `classifyError`. */
export interface UpstreamError {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON when the body was JSON, otherwise the text. */
  body: unknown;
  text: string;
}

export type { StreamEvent } from '../http/stream-event.js';

/**
 * Stateful per-stream decoder from provider events to OpenAI chunks. `push` may return no chunk
 * (pings) or several; it throws a TracegateError for an error event inside a 200 stream.
 * `end` is called when the body ends; it returns trailing chunks and throws InvalidResponseError
 * when the provider's terminal event never came (a cut stream).
 */
export interface ChatStreamDecoder {
  push(event: StreamEvent): ChatCompletionChunk[];
  end(): ChatCompletionChunk[];
  /** True once the provider's terminal event has arrived (the rest of the body is ignored). */
  readonly done: boolean;
  /**
   * The upstream's own text of `chunk` when decoding left it unchanged (src/wire/chunk-text.ts),
   * asked once per chunk in the order they were returned.
   */
  textOf?(chunk: ChatCompletionChunk): string | undefined;
}

export interface ProviderEnv {
  apiKey?: readonly string[];
  baseURL?: readonly string[];
  /** Entry settings by name, e.g. `{ apiVersion: ['AZURE_API_VERSION'] }`. */
  settings?: Readonly<Record<string, readonly string[]>>;
}

export interface ProviderAdapter {
  /** Registry id used in model entries' `provider`. */
  readonly id: string;
  /** OpenTelemetry `gen_ai.provider.name` value. */
  readonly genAiProviderName: string;
  readonly streamFraming: 'sse' | 'aws-eventstream';
  readonly defaultBaseURL?: string;
  /**
   * The provider-specific settings a model entry may have besides the common fields (`apiVersion`,
   * `region`, ...). When declared, an entry with any other field is a config error ("did you
   * mean ..."); an adapter without it accepts any extra field.
   */
  readonly settings?: z.ZodRawShape;
  /**
   * The standard environment variables a config file falls back to when an entry omits the
   * value (LiteLLM's names, e.g. `OPENAI_API_KEY`); the first one set wins.
   */
  readonly env?: ProviderEnv;
  /** Checks provider-specific settings of an entry; throws ConfigError. */
  validateDeployment?(deployment: Deployment): void;
  /**
   * Names of the chat parameters present in `params` that this provider cannot take: its encoder
   * would answer 400 `unsupported_parameter`, or strips them because the provider refuses them.
   * With `dropParams` on (router or entry), the router removes them before encoding and names them
   * on the attempt (`dropParams.<name>`). Absent: the provider takes every parameter it is given.
   */
  unsupportedParams?(params: Record<string, unknown>, model: string): string[];
  chatRequest(params: ChatCompletionCreateParams, ctx: AdapterContext): HttpRequestSpec | Promise<HttpRequestSpec>;
  chatResponse(body: unknown, ctx: AdapterContext): ChatCompletion;
  chatStream(ctx: AdapterContext): ChatStreamDecoder;
  embeddingsRequest?(params: EmbeddingCreateParams, ctx: AdapterContext): HttpRequestSpec | Promise<HttpRequestSpec>;
  embeddingsResponse?(body: unknown, ctx: AdapterContext): CreateEmbeddingResponse;
  classifyError(error: UpstreamError, ctx: AdapterContext): TracegateError;
}
