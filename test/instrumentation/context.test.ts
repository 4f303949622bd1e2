/**
 * Parenting and context: calls made inside a user's span are its children, concurrent calls do
 * not cross contexts, the proxy's calls continue the client's trace as SERVER spans, and the
 * upstream request carries the attempt's traceparent.
 */
import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { getCallInfo } from '../../src/index.js';
import { FAKE_KEY, setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const tracer = h.provider.getTracer('app');
const t = useMockRouter(h, {
  models: (base) => [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'no-propagation', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base, propagateTraceContext: false },
  ],
});

const ask = (content: string, model = 'support-fast') => t.router.chat.completions.create({ model, messages: [{ role: 'user', content }] });

describe('parenting', () => {
  it('a call inside the user\'s active span is its child, and the attempt the call\'s', async () => {
    await tracer.startActiveSpan('handle-ticket', async (user) => {
      await ask('Hi');
      user.end();
    });
    const spans = h.spans();
    const user = spans.find((s) => s.name === 'handle-ticket')!;
    const call = spans.find((s) => s.name === 'chat support-fast')!;
    const attempt = spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(call.parentSpanContext?.spanId).toBe(user.spanContext().spanId);
    expect(attempt.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('concurrent calls in different user spans do not cross contexts', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        tracer.startActiveSpan(`user-${name}`, async (user) => {
          await Promise.all([ask(`${name}1`), ask(`${name}2`)]);
          user.end();
        }),
      ),
    );
    const spans = h.spans();
    for (const name of ['a', 'b', 'c']) {
      const user = spans.find((s) => s.name === `user-${name}`)!;
      const traceId = user.spanContext().traceId;
      const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
      // the user span, two call spans, two attempt spans
      expect(inTrace).toHaveLength(5);
      const calls = inTrace.filter((s) => s.name === 'chat support-fast');
      for (const c of calls) expect(c.parentSpanContext?.spanId).toBe(user.spanContext().spanId);
    }
    // Each upstream request carried its own attempt's traceparent.
    const attemptIds = new Set(spans.filter((s) => s.kind === 2).map((s) => s.spanContext().spanId));
    const sent = t.mock.calls.map((r) => String(r.headers.traceparent).split('-')[2]);
    expect(new Set(sent)).toEqual(attemptIds);
  });

  it('after the call the user context is unchanged', async () => {
    await tracer.startActiveSpan('outer', async (user) => {
      await ask('Hi');
      expect(trace.getActiveSpan()).toBe(user);
      user.end();
    });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('a call serving a proxy request is a SERVER span continuing the client\'s trace', async () => {
    const clientTrace = '0af7651916cd43dd8448eb211c80319c';
    const clientSpan = 'b7ad6b7169203331';
    const completion = await t.router.chat.completions.create(
      { model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] },
      { server: { traceparent: `00-${clientTrace}-${clientSpan}-01`, tracestate: 'vendor=1', method: 'POST', route: '/v1/chat/completions' } },
    );
    const call = h.spans().find((s) => s.name === 'chat support-fast')!;
    expect(call.kind).toBe(1); // SERVER
    expect(call.spanContext().traceId).toBe(clientTrace);
    expect(call.parentSpanContext?.spanId).toBe(clientSpan);
    expect(call.parentSpanContext?.isRemote).toBe(true);
    expect(call.spanContext().traceState?.get('vendor')).toBe('1');
    expect(call.attributes['http.request.method']).toBe('POST');
    expect(call.attributes['http.route']).toBe('/v1/chat/completions');
    expect(getCallInfo(completion)!.trace!.traceId).toBe(clientTrace);
    expect(t.mock.calls[0]!.headers.tracestate).toBe('vendor=1');
  });

  it('no traceparent goes to a deployment with propagation off', async () => {
    await ask('Hi', 'no-propagation');
    expect(t.mock.calls[0]!.headers.traceparent).toBeUndefined();
  });

  it('traceContextPropagation: false injects nothing', async () => {
    h.instrumentation.setConfig({ traceContextPropagation: false });
    try {
      await ask('Hi');
      expect(t.mock.calls[0]!.headers.traceparent).toBeUndefined();
    } finally {
      h.instrumentation.setConfig({});
    }
  });

  it('the call body runs in the call span\'s context (for instrumentations below it)', async () => {
    // The attempt span is the active span while the upstream request is made: an HTTP
    // instrumentation would parent its span there. Observed through the traceparent we injected,
    // and through the context at the time the attempt was published.
    const seen: (string | undefined)[] = [];
    const dc = await import('node:diagnostics_channel');
    const onStart = (): void => {
      seen.push(trace.getSpan(context.active())?.spanContext().spanId);
    };
    dc.channel('tracing:tracegate:attempt:start').subscribe(onStart);
    try {
      await ask('Hi');
    } finally {
      dc.channel('tracing:tracegate:attempt:start').unsubscribe(onStart);
    }
    const call = h.spans().find((s) => s.name === 'chat support-fast')!;
    expect(seen).toEqual([call.spanContext().spanId]);
  });
});
