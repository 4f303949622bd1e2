/**
 * enable()/disable() take effect at once, a second instance never doubles spans, and a failure
 * inside the instrumentation never changes a call's result.
 */
import dc from 'node:diagnostics_channel';
import type { Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { TracegateInstrumentation, openSpanCount } from '../../instrumentations/index.js';
import { setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h);
beforeEach(() => {
  if (!h.instrumentation.isEnabled()) h.instrumentation.enable();
});

const ask = () => t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
const callStart = dc.channel('tracing:tracegate:call:start');

describe('enable / disable', () => {
  it('disable() stops all spans at once and ends the open ones', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', stream: { delayMs: 20 } });
    const stream = await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    expect(openSpanCount()).toBe(2);
    h.instrumentation.disable();
    expect(callStart.hasSubscribers).toBe(false);
    expect(openSpanCount()).toBe(0);
    const ended = h.spans();
    expect(ended).toHaveLength(2);
    for (const s of ended) expect(s.attributes['tracegate.instrumentation.disabled']).toBe(true);
    for await (const _ of stream) void _;
    await ask();
    expect(h.spans()).toHaveLength(2);
    for (const s of h.spans()) expect(h.endCounts.get(s.spanContext().spanId)).toBe(1);
    h.instrumentation.enable();
    await ask();
    expect(h.spans()).toHaveLength(4);
  });

  it('a second instance waits on standby: one span per call, and takes over when the first is disabled', async () => {
    const second = new TracegateInstrumentation();
    second.setTracerProvider(h.provider);
    try {
      expect(second.isEnabled()).toBe(true);
      await ask();
      expect(h.spans()).toHaveLength(2);
      h.instrumentation.disable();
      h.reset();
      await ask();
      expect(h.spans()).toHaveLength(2);
      h.instrumentation.enable(); // now the standby one
      h.reset();
      await ask();
      expect(h.spans()).toHaveLength(2);
    } finally {
      second.disable();
    }
    h.reset();
    await ask();
    expect(h.spans()).toHaveLength(2);
  });
});

function throwingTracerProvider(where: 'start' | 'attributes'): TracerProvider {
  const real = h.provider.getTracer('inner');
  const tracer = {
    startSpan(name: string, options?: unknown, ctx?: unknown): Span {
      if (where === 'start') throw new Error('tracer broke');
      const span = real.startSpan(name, options as never, ctx as never);
      return new Proxy(span, {
        get(target, prop, receiver) {
          if (prop === 'setAttributes' || prop === 'setAttribute' || prop === 'setStatus') {
            return () => {
              throw new Error('span broke');
            };
          }
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
    startActiveSpan() {
      throw new Error('unused');
    },
  } as unknown as Tracer;
  return { getTracer: () => tracer };
}

describe('a failing instrumentation never reaches the caller', () => {
  let uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => {
    uncaught.push(err);
  };
  beforeEach(() => {
    uncaught = [];
    process.on('uncaughtException', onUncaught);
  });

  for (const where of ['start', 'attributes'] as const) {
    it(`when the tracer throws at ${where}`, async () => {
      h.instrumentation.setTracerProvider(throwingTracerProvider(where));
      try {
        const completion = await ask();
        expect(completion.choices[0]!.message.content).toBe('Mock reply from gpt-4o-mini.');
        t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'bad_request' });
        await expect(ask()).rejects.toMatchObject({ errorClass: 'bad_request' });
        const stream = await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }], stream: true });
        let text = '';
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
        expect(text).toBe('Mock reply from gpt-4o-mini.');
        await new Promise((r) => setImmediate(r));
        expect(uncaught).toEqual([]);
        expect(openSpanCount()).toBe(0);
      } finally {
        h.instrumentation.setTracerProvider(h.provider);
        process.off('uncaughtException', onUncaught);
      }
    });
  }
});
