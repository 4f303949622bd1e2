/**
 * With @opentelemetry/instrumentation-undici also active (on by default in
 * auto-instrumentations-node), the upstream request carries exactly one traceparent: the one of
 * the innermost span, undici's HTTP CLIENT span under the attempt span. Without it (or once it is
 * disabled), tracegate injects the attempt span's own.
 */
import { SpanKind } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { afterAll, describe, expect, it } from 'vitest';
import { setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const undici = new UndiciInstrumentation();
undici.setTracerProvider(h.provider);
undici.enable();
afterAll(() => undici.disable());
const t = useMockRouter(h);

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

async function askAndReadTraceparent(): Promise<string> {
  await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
  expect(t.mock.calls).toHaveLength(1);
  // Node joins repeated headers with ", ": two traceparents would not match the pattern.
  return t.mock.calls[0]!.headers.traceparent!;
}

describe('trace context with the undici instrumentation', () => {
  it('exactly one traceparent upstream, the innermost span\'s (undici\'s CLIENT span under the attempt span)', async () => {
    const header = await askAndReadTraceparent();
    const m = TRACEPARENT.exec(header);
    expect(m, `traceparent header: ${header}`).not.toBeNull();
    const spans = h.spans();
    const attempt = spans.find((s) => s.attributes['tracegate.attempt.id'] !== undefined)!;
    const http = spans.find((s) => s.instrumentationScope.name.includes('undici'))!;
    expect(http.kind).toBe(SpanKind.CLIENT);
    expect(http.parentSpanContext?.spanId).toBe(attempt.spanContext().spanId);
    expect(m![1]).toBe(http.spanContext().traceId);
    expect(m![2]).toBe(http.spanContext().spanId);
  });

  it('with the undici instrumentation disabled, tracegate injects the attempt span\'s traceparent', async () => {
    undici.disable();
    try {
      const header = await askAndReadTraceparent();
      const m = TRACEPARENT.exec(header);
      expect(m, `traceparent header: ${header}`).not.toBeNull();
      const attempt = h.spans().find((s) => s.attributes['tracegate.attempt.id'] !== undefined)!;
      expect(h.spans().some((s) => s.instrumentationScope.name.includes('undici'))).toBe(false);
      expect(m![2]).toBe(attempt.spanContext().spanId);
    } finally {
      undici.enable();
    }
  });
});
