/**
 * W3C trace context from the client's request, handed to the router as `RequestOptions.server`
 * so the instrumentation makes the call's logical span a SERVER span that continues the
 * client's trace. A malformed `traceparent` is dropped (a new trace starts), as the W3C spec
 * asks; `tracestate` is only kept with a valid `traceparent`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CallEvent } from '../channels.js';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const MAX_TRACESTATE = 512;

/** The traceparent when it is valid (version 00 exactly, future versions by their prefix). */
export function validTraceparent(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  const m = TRACEPARENT.exec(v);
  if (!m) return undefined;
  const [, version, traceId, spanId, , rest] = m;
  if (version === 'ff' || traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  return v;
}

export type ServerContext = NonNullable<CallEvent['server']>;

/** `RequestOptions.server` for a request on `route`. */
export function serverContext(headers: IncomingHttpHeaders, method: string, route: string): ServerContext {
  const traceparent = validTraceparent(headers.traceparent as string | undefined);
  if (!traceparent) return { method, route };
  const raw = headers.tracestate;
  const tracestate = Array.isArray(raw) ? raw.join(',') : raw;
  if (tracestate && tracestate.length <= MAX_TRACESTATE) return { traceparent, tracestate, method, route };
  return { traceparent, method, route };
}
