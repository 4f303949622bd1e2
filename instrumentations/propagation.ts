/**
 * W3C trace context in and out: `traceparent`/`tracestate` of an attempt span for the upstream
 * request (only trace context, never baggage: upstreams are third parties), and the client's
 * context of a proxied request. Uses the W3C propagator directly, whatever global propagator the
 * application registered, so what goes upstream is predictable.
 */
import dc from 'node:diagnostics_channel';
import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const w3c = new W3CTraceContextPropagator();

/** The channel undici publishes each new request on; an HTTP client instrumentation subscribes to it. */
const undiciRequestCreate = dc.channel('undici:request:create');

/**
 * True when an undici instrumentation (`@opentelemetry/instrumentation-undici`, on by default in
 * `auto-instrumentations-node`) will add its own `traceparent` to the upstream request: something
 * listens on undici's request channel and the global propagator writes `traceparent`. That
 * instrumentation starts an HTTP CLIENT span under the attempt span and injects that span's
 * context, the innermost one; tracegate's own injection would be a second `traceparent`.
 */
export function undiciInjectsTraceContext(ctx: Context): boolean {
  if (!undiciRequestCreate.hasSubscribers) return false;
  const probe: Record<string, string> = {};
  propagation.inject(ctx, probe, defaultTextMapSetter);
  return probe.traceparent !== undefined;
}

/** Writes `traceparent` (and `tracestate` when present) of the span in `ctx` into `carrier`. */
export function injectTraceContext(ctx: Context, carrier: Record<string, string>): void {
  w3c.inject(ctx, carrier, defaultTextMapSetter);
}

/**
 * The parent context of a SERVER call span: the client's trace context from its
 * `traceparent`/`tracestate`, unless a span is already active (an HTTP server instrumentation
 * that continued the client's trace itself), in which case the active context is kept.
 */
export function serverParentContext(server: { traceparent?: string; tracestate?: string }): Context {
  const active = context.active();
  if (trace.getSpan(active) || !server.traceparent) return active;
  const carrier: Record<string, string> = { traceparent: server.traceparent };
  if (server.tracestate) carrier.tracestate = server.tracestate;
  const extracted = w3c.extract(active, carrier, defaultTextMapGetter);
  return trace.getSpanContext(extracted) ? extracted : active;
}

/** `00-<trace>-<span>-<flags>` of a span context. */
export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
