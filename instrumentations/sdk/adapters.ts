/**
 * The router's provider adapters, reused for SDK calls: answers decoded to the OpenAI shape by
 * the adapter's own decoder (`chatResponse`, `chatStream`), errors classified by its own
 * `classifyError`. So an SDK span's usage, finish reasons and `error.type` mean exactly what
 * they mean on an attempt span.
 *
 * An SDK's error classified into tracegate's error classes (`error.type`) by the provider
 * adapter's own `classifyError`, from the status, headers and body the SDK kept. Errors without
 * a status are a timeout, an abort or a connection failure, told apart by the SDK's error name.
 *
 * Only the adapters' decoder modules are imported, not the adapters (their request encoding,
 * settings schemas and the registry of every built-in): `tracegate/register` stays light. A
 * provider registered with `registerProvider` (or the built-in adapters, once the router is
 * loaded in this build) is used first, as the router would.
 */
import type { ErrorClass } from '../../src/errors.js';
import { classifyAnthropicError } from '../../src/providers/anthropic/errors.js';
import { decodeAnthropicMessage } from '../../src/providers/anthropic/response.js';
import { AnthropicStreamDecoder } from '../../src/providers/anthropic/stream.js';
import { classifyBedrockError } from '../../src/providers/bedrock/errors.js';
import { decodeConverseResponse } from '../../src/providers/bedrock/response.js';
import { BedrockStreamDecoder } from '../../src/providers/bedrock/stream.js';
import { classifyByStatus, extractOpenAIError } from '../../src/providers/classify.js';
import { classifyGeminiError } from '../../src/providers/gemini/errors.js';
import { decodeGeminiResponse } from '../../src/providers/gemini/response.js';
import { GeminiStreamDecoder } from '../../src/providers/gemini/stream.js';
import { getProvider, hasProvider } from '../../src/providers/registry.js';
import type { AdapterContext, ChatStreamDecoder, Deployment, ProviderAdapter, StreamEvent, UpstreamError } from '../../src/providers/types.js';
import { ChunkAccumulator } from '../../src/wire/accumulate.js';
import type { ChatCompletion } from '../../src/wire/chat-response.js';

type Rec = Record<string, unknown>;

type Decoders = Pick<ProviderAdapter, 'classifyError'> & Partial<Pick<ProviderAdapter, 'chatResponse' | 'chatStream'>>;

/**
 * The decoders of the built-in adapters an SDK instrumentation needs, wired as the adapters wire
 * them (an SDK call has no router request state, so no `response_format` tool).
 * test/sdk/decoders.test.ts checks that they decode as the adapters do.
 */
export const SDK_DECODERS: Readonly<Record<string, Decoders>> = {
  openai: { classifyError: (err, ctx) => classifyByStatus(err, extractOpenAIError(err), ctx) },
  anthropic: {
    chatResponse: (body, ctx) => decodeAnthropicMessage(body, ctx, undefined),
    chatStream: (ctx) => new AnthropicStreamDecoder(ctx, undefined),
    classifyError: classifyAnthropicError,
  },
  gemini: { chatResponse: decodeGeminiResponse, chatStream: (ctx) => new GeminiStreamDecoder(ctx), classifyError: classifyGeminiError },
  bedrock: {
    chatResponse: (body, ctx) => decodeConverseResponse(body, ctx, undefined),
    chatStream: (ctx) => new BedrockStreamDecoder(ctx, undefined),
    classifyError: classifyBedrockError,
  },
};

/** A registered adapter with this id (the user's, or a loaded built-in), else the built-in decoders. */
function decoders(provider: string): Decoders | undefined {
  return hasProvider(provider) ? getProvider(provider) : SDK_DECODERS[provider];
}

function need<K extends 'chatResponse' | 'chatStream'>(provider: string, what: K): NonNullable<Decoders[K]> {
  const fn = decoders(provider)?.[what];
  if (!fn) throw new Error(`no ${what} decoder for provider "${provider}"`);
  return fn as NonNullable<Decoders[K]>;
}

/** A response header from a fetch `Headers`, a plain record, or undefined. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => string | null } & Rec;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const v = h[name] ?? h[name.toLowerCase()];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : undefined;
}

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  const h = headers as { forEach?: (fn: (v: string, k: string) => void) => void } & Rec;
  if (typeof h.forEach === 'function' && typeof (h as { get?: unknown }).get === 'function') h.forEach((v, k) => (out[k.toLowerCase()] = v));
  else for (const [k, v] of Object.entries(h)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** Status of an SDK error (Stainless `status`, Google `status`, AWS `$metadata.httpStatusCode`). */
export function errorStatus(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.status === 'number' && e.status >= 100) return e.status;
  const aws = e.$metadata?.httpStatusCode;
  return typeof aws === 'number' && aws >= 100 ? aws : undefined;
}

function deployment(provider: string, model: string): Deployment {
  return {
    id: `${provider}:${model}`,
    name: model,
    provider,
    model,
    headers: {},
    options: {},
    weight: 1,
    priority: 0,
    tags: [],
    timeouts: {},
    capabilities: { tools: true, vision: false, streaming: true, streamingUsage: true },
    propagateTraceContext: false,
    secrets: [],
  } as unknown as Deployment;
}

/** What an SDK's error becomes: the typed error of the provider's adapter, or a `{ errorClass }` marker. */
export function classifySdkError(provider: string, model: string, stream: boolean, err: unknown, body: (err: Rec) => unknown): unknown {
  const status = errorStatus(err);
  if (status === undefined) {
    const name = err instanceof Error ? `${err.name} ${err.constructor?.name ?? ''}` : '';
    const errorClass: ErrorClass = /abort/i.test(name) ? 'aborted' : /timeout/i.test(name) ? 'timeout' : 'connection';
    return { errorClass };
  }
  const d = decoders(provider);
  if (!d) return err;
  const e = err as Rec;
  const upstream: UpstreamError = {
    status,
    headers: headerRecord(e.headers ?? (e.$response as Rec | undefined)?.headers),
    body: body(e),
    text: err instanceof Error ? err.message : String(err),
  };
  return d.classifyError(upstream, context(provider, model, stream));
}

function context(provider: string, model: string, stream: boolean): AdapterContext {
  return { deployment: deployment(provider, model), stream };
}

/** A provider's answer body (an SDK's answer object has the wire fields) as an OpenAI completion. */
export function decodeAnswer(provider: string, model: string, body: unknown): ChatCompletion {
  return need(provider, 'chatResponse')(body, context(provider, model, false));
}

/**
 * A provider's stream events, as an SDK yields them (parsed), decoded by the adapter's stream
 * decoder and accumulated into the completion they add up to.
 */
export class AdapterStream {
  private readonly decoder: ChatStreamDecoder;
  private readonly acc = new ChunkAccumulator();

  constructor(provider: string, model: string) {
    this.decoder = need(provider, 'chatStream')(context(provider, model, true));
  }

  push(event: StreamEvent): void {
    for (const chunk of this.decoder.push(event)) this.acc.add(chunk);
  }

  /** The completion so far (a cut stream gives what arrived). */
  completion(): ChatCompletion | undefined {
    try {
      for (const chunk of this.decoder.end()) this.acc.add(chunk);
    } catch {
      /* a cut stream: keep what arrived */
    }
    return this.acc.count ? this.acc.toCompletion() : undefined;
  }
}
