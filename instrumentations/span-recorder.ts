/**
 * Turns the core's channel events into spans: one logical span per call, one CLIENT span per
 * attempt, router decisions as span events. State is kept per event object (WeakMaps), each
 * span ends exactly once (the core settles each call and attempt once; the maps are cleared on
 * the first settle), and `endAll()` closes whatever is still open when the instrumentation is
 * disabled. Every optional piece (content capture, propagation, trace target) is guarded on its
 * own so a failure there never leaves a span open.
 */
import { SpanKind, SpanStatusCode, TraceFlags, context, isSpanContextValid, trace, type AttributeValue, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import type { TraceTarget } from '../src/call-info.js';
import type { AttemptEvent, CallEvent, DecisionEvent } from '../src/channels.js';
import * as S from '../semconv/index.js';
import type { ResolvedConfig } from './config.js';
import type { ContentMapper } from './content.js';
import { emitOperationException } from './exception-event.js';
import type { TracegateMetrics } from './metrics.js';
import { trackOpenSpan, untrackOpenSpan } from './open-spans.js';
import { genAiProviderName } from './provider-names.js';
import { formatTraceparent, injectTraceContext, serverParentContext, undiciInjectsTraceContext } from './propagation.js';
import {
  attemptEndAttributes,
  attemptSpanName,
  attemptStartAttributes,
  callEndAttributes,
  callSpanName,
  callStartAttributes,
  errorMessage,
  exceptionAttributes,
} from './span-mapping.js';

/** What the recorder reads from its instrumentation (current tracer, config, content mapper, metrics). */
export interface RecorderHost {
  readonly tracer: Tracer;
  readonly resolved: ResolvedConfig;
  readonly content: ContentMapper | null;
  readonly instruments: TracegateMetrics;
  /** The logger of the instrumentation (the global logger provider's; a no-op one when none is set). */
  readonly logger: Logger | undefined;
  /** Reports a failure inside the instrumentation (diag, never thrown). */
  report(where: string, err: unknown): void;
}

interface CallState {
  span: Span;
  ctx: Context;
  startedAt: number;
  /** Fallback depth of the latest attempt (tells retries from fallback hops). */
  lastDepth?: number;
  /** Seconds from the call's start to its first stream chunk. */
  firstChunkS?: number;
}

interface AttemptState {
  span: Span;
  startedAt: number;
  call: CallState | undefined;
}

export class SpanRecorder {
  private readonly calls = new WeakMap<CallEvent, CallState>();
  private readonly attempts = new WeakMap<AttemptEvent, AttemptState>();
  private readonly openCalls = new Set<Span>();
  private readonly openAttempts = new Set<Span>();

  constructor(private readonly host: RecorderHost) {}

  private optional(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.report(where, err);
    }
  }

  callStart(ev: CallEvent): void {
    let parent = ev.server ? serverParentContext(ev.server) : context.active();
    let links: Link[] | undefined;
    if (ev.shadow) {
      // A mirrored call runs in the background and may outlive the live call: it is the root of its
      // own trace (the live trace's cost and attempts stay the live call's), linked to the live call.
      const live = trace.getSpanContext(parent);
      if (live && isSpanContextValid(live)) links = [{ context: live }];
      parent = trace.deleteSpan(parent);
    }
    const span = this.host.tracer.startSpan(
      callSpanName(ev),
      { kind: ev.server ? SpanKind.SERVER : SpanKind.INTERNAL, attributes: callStartAttributes(ev), ...(links ? { links } : {}) },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const state: CallState = { span, ctx, startedAt: performance.now() };
    this.calls.set(ev, state);
    this.openCalls.add(span);
    trackOpenSpan({ span, kind: 'call', callId: ev.callId });
    ev.runInScope = (fn) => context.with(ctx, fn);
    this.optional('trace target', () => setTraceTarget(ev, span, false));
    const content = this.host.content;
    if (content) this.optional('content capture', () => span.setAttributes(content.inputValue(ev.params)));
  }

  callEnd(ev: CallEvent): void {
    const state = this.calls.get(ev);
    if (!state) return;
    this.calls.delete(ev);
    const { span } = state;
    try {
      this.optional('call attributes', () => span.setAttributes(callEndAttributes(ev, state.firstChunkS)));
      const source = ev.info.semanticHit?.source;
      // A semantic cache hit links to the call that produced the answer (its evaluations live there).
      if (source) this.optional('cache link', () => span.addLink({ context: { traceId: source.traceId, spanId: source.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true } }));
      const content = this.host.content;
      if (content && ev.operation === 'chat' && ev.result) this.optional('content capture', () => span.setAttributes(content.outputValue(ev.result)));
      if (ev.error !== undefined) failed(span, ev.error);
    } finally {
      this.endSpan(span, this.openCalls);
    }
    this.optional('metrics', () => this.host.instruments.callSettled(ev, (performance.now() - state.startedAt) / 1000));
  }

  attemptStart(ev: AttemptEvent): void {
    const call = this.calls.get(ev.call);
    const parent = call ? call.ctx : context.active();
    const span = this.host.tracer.startSpan(attemptSpanName(ev), { kind: SpanKind.CLIENT, attributes: attemptStartAttributes(ev) }, parent);
    const ctx = trace.setSpan(parent, span);
    this.attempts.set(ev, { span, startedAt: performance.now(), call });
    this.openAttempts.add(span);
    trackOpenSpan({ span, kind: 'attempt', callId: ev.call.callId });
    ev.runInScope = (fn) => context.with(ctx, fn);
    if (this.host.resolved.traceContextPropagation) {
      // Exactly one traceparent upstream: when undici's instrumentation injects its (inner) span's, ours stays out.
      this.optional('propagation', () => {
        if (!undiciInjectsTraceContext(ctx)) injectTraceContext(ctx, ev.propagation);
      });
    }
    this.optional('trace target', () => setTraceTarget(ev.call, span, true));
    const content = this.host.content;
    if (content) {
      const provider = ev.deployment.genAiProvider ?? genAiProviderName(ev.deployment.provider);
      this.optional('content capture', () => span.setAttributes(content.requestAttributes(ev.call.operation, ev.params, provider)));
    }
    this.optional('metrics', () => this.host.instruments.attemptStarted(ev, call?.lastDepth));
    if (call) call.lastDepth = ev.fallbackDepth;
  }

  attemptEnd(ev: AttemptEvent): void {
    const state = this.attempts.get(ev);
    if (!state) return;
    this.attempts.delete(ev);
    const { span } = state;
    try {
      this.optional('attempt attributes', () => span.setAttributes(attemptEndAttributes(ev)));
      if (ev.stream && ev.ttftMs !== undefined && state.call && state.call.firstChunkS === undefined) {
        state.call.firstChunkS = (state.startedAt + ev.ttftMs - state.call.startedAt) / 1000;
      }
      const content = this.host.content;
      if (content && ev.result) this.optional('content capture', () => span.setAttributes(content.responseAttributes(ev.call.operation, ev.result)));
      if (ev.error !== undefined) {
        failed(span, ev.error);
        this.optional('exception event', () => emitOperationException(this.host.logger, span, exceptionAttributes(ev.error)));
      }
    } finally {
      this.endSpan(span, this.openAttempts);
    }
    const durationS = (ev.durationMs ?? performance.now() - state.startedAt) / 1000;
    this.optional('metrics', () => this.host.instruments.attemptSettled(ev, durationS));
  }

  decision(d: DecisionEvent): void {
    const call = this.calls.get(d.call);
    const attempt = d.attempt ? this.attempts.get(d.attempt) : undefined;
    const target = attempt?.span ?? call?.span;
    if (!target) return;
    const callLevel = call !== undefined && S.CALL_LEVEL_DECISIONS.has(d.kind);
    const event: Record<string, AttributeValue> = { [S.ATTR_TRACEGATE_DECISION_ACTION]: d.action };
    const onCall: Record<string, AttributeValue> | undefined = callLevel ? {} : undefined;
    const detail = d.detail;
    for (const k in detail) {
      const v = detail[k]!;
      const name = decisionAttrName(d.kind, k);
      event[name] = v;
      if (onCall && !S.DETAILS_NOT_ON_CALL.has(k)) onCall[name] = v;
    }
    target.addEvent(S.decisionEventName(d.kind), event);
    if (onCall) {
      onCall[decisionAttrName(d.kind, 'action')] = d.action;
      call!.span.setAttributes(onCall);
    }
    this.optional('metrics', () => this.host.instruments.decision(d));
  }

  /** Ends every span still open (attempts first), marking them as cut short by `disable()`. */
  endAll(): void {
    for (const set of [this.openAttempts, this.openCalls]) {
      for (const span of [...set]) {
        this.optional('end on disable', () => span.setAttribute(S.ATTR_TRACEGATE_INSTRUMENTATION_DISABLED, true));
        this.endSpan(span, set);
      }
    }
  }

  private endSpan(span: Span, set: Set<Span>): void {
    set.delete(span);
    untrackOpenSpan(span);
    span.end();
  }
}

/** `S.decisionAttr`, remembered per kind (the same few kinds and keys come back on every call). */
const decisionAttrNames = new Map<string, Map<string, string>>();
function decisionAttrName(kind: string, key: string): string {
  let names = decisionAttrNames.get(kind);
  if (!names) decisionAttrNames.set(kind, (names = new Map()));
  let name = names.get(key);
  if (name === undefined) {
    name = S.decisionAttr(kind, key);
    if (names.size < 256) names.set(key, name);
  }
  return name;
}

function failed(span: Span, err: unknown): void {
  // No stack: errors come from upstream, the stack of tracegate's internals says nothing.
  span.addEvent(S.EVENT_EXCEPTION, exceptionAttributes(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
}

/** Points `getCallInfo(result).trace` at the call span, and at the attempt span once one started. */
function setTraceTarget(ev: CallEvent, span: Span, isAttempt: boolean): void {
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return;
  const traceparent = formatTraceparent(sc.traceId, sc.spanId, sc.traceFlags);
  if (!isAttempt) {
    const target: TraceTarget = { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags, traceparent };
    ev.info.trace = target;
  } else if (ev.info.trace) {
    ev.info.trace.attemptSpanId = sc.spanId;
    ev.info.trace.traceparent = traceparent;
  }
}
