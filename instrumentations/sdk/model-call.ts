/**
 * The CLIENT span of one call made by an official provider SDK. Its attributes come from the same
 * mapping as the router's attempt spans (`modelCallStartAttributes` / `modelCallEndAttributes`),
 * plus `tracegate.path` (`direct`, or `proxy-client` when a tracegate proxy answered), the SDK and
 * its method. Cost comes from the router's catalog; content capture and redaction from the same
 * ContentMapper. Each span ends exactly once; every optional piece is guarded on its own.
 */
import { SpanKind, SpanStatusCode, context, isSpanContextValid, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { rememberTraceTarget } from '../../src/call-info.js';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { findCatalogEntry } from '../../src/providers/catalog/index.js';
import type { Usage } from '../../src/wire/chat-response.js';
import * as S from '../../semconv/index.js';
import type { ResolvedConfig } from '../config.js';
import type { Logger } from '@opentelemetry/api-logs';
import type { ContentMapper } from '../content.js';
import { emitOperationException } from '../exception-event.js';
import { trackOpenSpan, untrackOpenSpan } from '../open-spans.js';
import { formatTraceparent, injectTraceContext } from '../propagation.js';
import { errorMessage, errorType, modelCallEndAttributes, modelCallStartAttributes, type ModelCallStart } from '../span-mapping.js';

/** What the recorder reads from its instrumentation. */
export interface SdkHost {
  readonly tracer: Tracer;
  readonly resolved: ResolvedConfig;
  readonly content: ContentMapper | null;
  /** The instrumentation's logger (for `gen_ai.client.operation.exception`). */
  readonly logger: Logger | undefined;
  report(where: string, err: unknown): void;
}

export interface SdkCallStart extends ModelCallStart {
  /** The SDK package (`openai`, `@anthropic-ai/sdk`, ...). */
  readonly sdk: string;
  /** The SDK method, e.g. `chat.completions.create`. */
  readonly method: string;
  /** tracegate provider id, for the price catalog (`openai`, `anthropic`, `gemini`, `bedrock`). */
  readonly catalogProvider: string;
}

/** How the call ended, in the OpenAI shape. */
export interface SdkCallEnd {
  status?: number | undefined;
  responseId?: string | undefined;
  responseModel?: string | undefined;
  finishReasons?: readonly string[] | undefined;
  usage?: Usage | undefined;
  /** The answer as an OpenAI completion or embeddings response (for tool names, dimensions, content). */
  result?: unknown;
  /** The SDK's own answer object, remembered for `recordEvaluation`. */
  answer?: object | undefined;
  streamOutcome?: string | undefined;
  /** A tracegate proxy answered (its response carried the proxy's header). */
  proxied?: boolean;
  /** A typed tracegate error (for `error.type`), or the SDK's error. */
  error?: unknown;
  /** The error as the SDK threw it (for the exception event). */
  thrown?: unknown;
}

type Rec = Record<string, unknown>;

/** The end of a call from its answer in the OpenAI completion shape. */
export function completionEnd(completion: unknown): SdkCallEnd {
  if (!completion || typeof completion !== 'object') return {};
  const c = completion as { id?: unknown; model?: unknown; choices?: unknown; usage?: unknown };
  const finish: string[] = [];
  if (Array.isArray(c.choices)) for (const ch of c.choices as Rec[]) if (typeof ch?.finish_reason === 'string') finish.push(ch.finish_reason);
  return {
    responseId: typeof c.id === 'string' && c.id ? c.id : undefined,
    responseModel: typeof c.model === 'string' && c.model ? c.model : undefined,
    finishReasons: finish,
    usage: c.usage && typeof c.usage === 'object' ? (c.usage as Usage) : undefined,
    result: completion,
  };
}

/** The SDK's error class name (`RateLimitError`, `ThrottlingException`, `ApiError`). */
function exceptionType(thrown: unknown, classified: unknown): string {
  if (!(thrown instanceof Error)) return errorType(classified);
  return thrown.name && thrown.name !== 'Error' ? thrown.name : (thrown.constructor?.name ?? 'Error');
}

/** Span name as for attempt spans: `{operation} {model}`. */
function spanName(start: SdkCallStart): string {
  return `${start.operation} ${start.model}`;
}

const SDK_CALL = Symbol('tracegate.sdk-call');
/** Context key marking that an SDK call span is active (an SDK calling itself records one span). */
export function sdkCallActive(ctx: Context = context.active()): boolean {
  return ctx.getValue(SDK_CALL) === true;
}

export class SdkCallSpan {
  readonly span: Span;
  readonly ctx: Context;
  private readonly startedAt = performance.now();
  private ttftMs: number | undefined;
  private ended = false;

  constructor(
    private readonly host: SdkHost,
    private readonly start: SdkCallStart,
  ) {
    const parent = context.active();
    const attributes = {
      ...modelCallStartAttributes(start),
      [S.ATTR_TRACEGATE_PATH]: S.TRACEGATE_PATH.direct,
      [S.ATTR_TRACEGATE_PROVIDER]: start.catalogProvider,
      [S.ATTR_TRACEGATE_SDK]: start.sdk,
      [S.ATTR_TRACEGATE_SDK_METHOD]: start.method,
    };
    this.span = host.tracer.startSpan(spanName(start), { kind: SpanKind.CLIENT, attributes }, parent);
    this.ctx = trace.setSpan(parent, this.span).setValue(SDK_CALL, true);
    trackOpenSpan({ span: this.span, kind: 'attempt', callId: '' });
    const content = host.content;
    if (content) {
      this.optional('content capture', () => this.span.setAttributes(content.requestAttributes(start.operation, start.params, start.genAiProvider)));
    }
  }

  private optional(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.report(where, err);
    }
  }

  /** W3C trace context headers of this span (for an SDK request to a tracegate proxy or any server). */
  traceHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    injectTraceContext(this.ctx, out);
    return out;
  }

  /** Runs `fn` with this span active. */
  run<T>(fn: () => T): T {
    return context.with(this.ctx, fn);
  }

  /** A stream's first chunk arrived (the first call counts). */
  firstChunk(): void {
    if (this.ttftMs === undefined) this.ttftMs = performance.now() - this.startedAt;
  }

  /** The call asked for a stream. */
  get stream(): boolean {
    return this.start.stream;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  end(e: SdkCallEnd): void {
    if (this.ended) return;
    this.ended = true;
    const { span, start } = this;
    try {
      this.optional('sdk span attributes', () => {
        const usage = e.proxied ? undefined : e.usage;
        let cost = undefined;
        if (usage) {
          const entry = findCatalogEntry(start.catalogProvider, start.model) ?? (e.responseModel ? findCatalogEntry(start.catalogProvider, e.responseModel) : undefined);
          cost = computeCost(usage, entry?.price);
        }
        span.setAttributes(
          modelCallEndAttributes({
            operation: start.operation,
            genAiProvider: start.genAiProvider,
            stream: start.stream,
            status: e.status,
            responseId: e.responseId,
            responseModel: e.responseModel,
            finishReasons: e.finishReasons,
            usage,
            cost,
            ttftMs: this.ttftMs,
            streamOutcome: e.streamOutcome,
            result: e.result,
            error: e.error,
          }),
        );
        if (e.proxied) span.setAttribute(S.ATTR_TRACEGATE_PATH, S.TRACEGATE_PATH.proxyClient);
      });
      const content = this.host.content;
      if (content && e.result) this.optional('content capture', () => span.setAttributes(content.responseAttributes(start.operation, e.result)));
      if (e.answer) this.optional('trace target', () => this.remember(e.answer!, e.responseId));
      if (e.error !== undefined) {
        const thrown = e.thrown ?? e.error;
        const message = errorMessage(thrown);
        const exception = { [S.ATTR_EXCEPTION_TYPE]: exceptionType(thrown, e.error), [S.ATTR_EXCEPTION_MESSAGE]: message };
        span.addEvent(S.EVENT_EXCEPTION, exception);
        span.setStatus({ code: SpanStatusCode.ERROR, message });
        this.optional('exception event', () => emitOperationException(this.host.logger, span, exception));
      }
    } finally {
      untrackOpenSpan(span);
      span.end();
    }
  }

  private remember(answer: object, responseId: string | undefined): void {
    const sc = this.span.spanContext();
    if (!isSpanContextValid(sc)) return;
    rememberTraceTarget(answer, { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags, traceparent: formatTraceparent(sc.traceId, sc.spanId, sc.traceFlags) }, responseId);
  }
}
