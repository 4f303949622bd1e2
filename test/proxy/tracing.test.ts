/**
 * Trace context through the proxy: a client span's traceparent → proxy → mock gives one trace,
 * the proxy's call span is a SERVER span child of the client span, its attempt span a CLIENT
 * child of it, and the upstream request carries the attempt span's traceparent. Spans of a
 * stream the client abandons end too.
 */
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSpanCount } from '../../instrumentations/index.js';
import { setupTracing } from '../instrumentation/harness.js';
import { KEY_ALL, startStack, type Stack } from './helpers.js';

const h = setupTracing();
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracer = h.provider.getTracer('client-app');
let s: Stack;

beforeAll(async () => {
  s = await startStack();
});
beforeEach(() => {
  h.reset();
  s.mock.reset();
});
afterAll(async () => {
  await s.close();
  h.instrumentation.disable();
  await h.provider.shutdown();
});

/** Runs `fn` inside a client span and gives it the headers to propagate. */
async function asClient<T>(fn: (headers: Record<string, string>) => Promise<T>): Promise<{ result: T; traceId: string; spanId: string }> {
  const span = tracer.startSpan('client call', { kind: SpanKind.CLIENT });
  const ctx = trace.setSpan(context.active(), span);
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  headers.tracestate = 'client=1';
  try {
    const result = await context.with(ctx, () => fn(headers));
    return { result, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
  } finally {
    span.end();
  }
}

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('trace context through the proxy', () => {
  it('one trace end to end: client span → SERVER call span → CLIENT attempt span → upstream traceparent', async () => {
    const { result, traceId, spanId } = await asClient((headers) => s.client().chat.completions.create({ model: 'chat', messages: hi }, { headers }).withResponse());
    expect(result.response.headers.get('x-tracegate-trace-id')).toBe(traceId);
    const spans = h.spans();
    const call = spans.find((sp) => sp.name === 'chat chat')!;
    const attempt = spans.find((sp) => sp.parentSpanContext?.spanId === call.spanContext().spanId)!;
    expect(call.kind).toBe(SpanKind.SERVER);
    expect(call.spanContext().traceId).toBe(traceId);
    expect(call.parentSpanContext?.spanId).toBe(spanId);
    expect(call.parentSpanContext?.isRemote).toBe(true);
    expect(call.spanContext().traceState?.get('client')).toBe('1');
    expect(call.attributes['http.route']).toBe('/v1/chat/completions');
    expect(call.attributes['http.request.method']).toBe('POST');
    expect(attempt.kind).toBe(SpanKind.CLIENT);
    expect(attempt.spanContext().traceId).toBe(traceId);
    // The mock received the attempt span's context.
    expect(s.mock.calls[0]!.headers.traceparent).toBe(`00-${traceId}-${attempt.spanContext().spanId}-01`);
    // Only one trace id among all the spans.
    expect(new Set(spans.map((sp) => sp.spanContext().traceId))).toEqual(new Set([traceId]));
  });

  it('a stream: same trace, the trace id header comes with the first chunk, spans end when it ends', async () => {
    const { result, traceId } = await asClient(async (headers) => {
      const { data, response } = await s.client().chat.completions.create({ model: 'chat', messages: hi, stream: true }, { headers }).withResponse();
      for await (const _ of data) {
        /* consume */
      }
      return response;
    });
    expect(result.headers.get('x-tracegate-trace-id')).toBe(traceId);
    await until(() => h.spans().some((sp) => sp.name === 'chat chat'));
    const call = h.spans().find((sp) => sp.name === 'chat chat')!;
    expect(call.kind).toBe(SpanKind.SERVER);
    expect(call.spanContext().traceId).toBe(traceId);
    expect(openSpanCount()).toBe(0);
  });

  it('without a traceparent the call span is a SERVER root span and its trace id is returned', async () => {
    const { data, response } = await s.client().chat.completions.create({ model: 'chat', messages: hi }).withResponse();
    expect(data.object).toBe('chat.completion');
    const call = h.spans().find((sp) => sp.name === 'chat chat')!;
    expect(call.kind).toBe(SpanKind.SERVER);
    expect(call.parentSpanContext).toBeUndefined();
    expect(response.headers.get('x-tracegate-trace-id')).toBe(call.spanContext().traceId);
  });

  it('a client that leaves mid-stream: the call and attempt spans end, once each', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: 'word '.repeat(30) }, stream: { chunks: 30, delayMs: 50 } });
    const req = http.request(`${s.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' },
      agent: false,
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ model: 'chat', stream: true, messages: hi }));
    const res = await new Promise<http.IncomingMessage>((r) => req.on('response', r));
    await new Promise<void>((r) => res.once('data', () => r()));
    expect(openSpanCount()).toBeGreaterThan(0);
    req.destroy();
    await until(() => h.spans().some((sp) => sp.name === 'chat chat'));
    await until(() => openSpanCount() === 0);
    const call = h.spans().find((sp) => sp.name === 'chat chat')!;
    expect(call.attributes['tracegate.outcome']).toBe('aborted');
    for (const count of h.endCounts.values()) expect(count).toBe(1);
    expect(h.spans().length).toBeGreaterThanOrEqual(2);
  });
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
