/**
 * Stream lifecycle: whichever way a stream ends (complete, error mid-stream, abort, consumer
 * break, never iterated), its attempt span and the call span end exactly once and nothing is
 * left open.
 */
import { describe, expect, it } from 'vitest';
import { StreamInterruptedError, getCallInfo } from '../../src/index.js';
import { findOpenSpan, openSpanCount } from '../../instrumentations/index.js';
import { FAKE_KEY, setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h, {
  models: (base) => [{ name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base, timeouts: { unconsumedMs: 80 } }],
});

const params = { model: 'support-fast', messages: [{ role: 'user' as const, content: 'Hi' }], stream: true as const };

/** Both spans ended exactly once, none open; returns [call attrs, attempt attrs, call span, attempt span]. */
function endedOnce() {
  const spans = h.spans();
  expect(spans).toHaveLength(2);
  for (const s of spans) expect(h.endCounts.get(s.spanContext().spanId)).toBe(1);
  expect(openSpanCount()).toBe(0);
  const call = spans.find((s) => s.kind !== 2)!;
  const attempt = spans.find((s) => s.kind === 2)!;
  return { call, attempt };
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The sum of the tracegate.client.cost counter so far. */
async function costMetric(): Promise<number> {
  const collected = await h.metrics();
  const m = collected.scopeMetrics.flatMap((x) => x.metrics).find((x) => x.descriptor.name === 'tracegate.client.cost');
  let sum = 0;
  for (const p of m?.dataPoints ?? []) sum += p.value as number;
  return sum;
}

describe('stream lifecycle', () => {
  it('completes', async () => {
    const stream = await t.router.chat.completions.create(params);
    expect(openSpanCount()).toBe(2);
    // While the stream is open, its trace target points at the open attempt span (for inline evaluations).
    const target = getCallInfo(stream)!.trace!;
    const open = findOpenSpan(target.attemptSpanId!)!;
    expect(open.kind).toBe('attempt');
    expect(open.span.isRecording()).toBe(true);
    expect(findOpenSpan(target.spanId)!.kind).toBe('call');
    expect(target.traceparent).toBe(`00-${target.traceId}-${target.attemptSpanId}-01`);
    for await (const _ of stream) {
      /* consume */
    }
    const { call, attempt } = endedOnce();
    expect(findOpenSpan(target.attemptSpanId!)).toBeUndefined();
    expect(attempt.spanContext().spanId).toBe(target.attemptSpanId);
    expect(call.attributes['tracegate.stream.outcome']).toBe('completed');
    expect(attempt.attributes['tracegate.stream.outcome']).toBe('completed');
    expect(call.status.code).toBe(0);
  });

  it('errors mid-stream', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'cut', afterChunks: 3 });
    const stream = await t.router.chat.completions.create(params);
    await expect(async () => {
      for await (const _ of stream) {
        /* consume */
      }
    }).rejects.toBeInstanceOf(StreamInterruptedError);
    const { call, attempt } = endedOnce();
    expect(attempt.attributes['tracegate.stream.outcome']).toBe('error');
    expect(attempt.attributes['error.type']).toBe('stream_interrupted');
    expect(attempt.attributes['tracegate.stream.delivered_chunks']).toBeGreaterThan(0);
    // Cut before the usage chunk: the attempt is charged an estimate, and says so.
    expect(attempt.attributes['tracegate.usage.estimated']).toBe(true);
    expect(attempt.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(attempt.attributes['llm.cost.total']).toBeGreaterThan(0);
    expect(call.attributes['tracegate.outcome']).toBe('stream_interrupted');
    expect(call.status.code).toBe(2);
    expect(attempt.status.code).toBe(2);
  });

  it('is aborted by the caller', async () => {
    const costBefore = await costMetric();
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', stream: { delayMs: 30 } });
    const stream = await t.router.chat.completions.create(params);
    await expect(async () => {
      for await (const _ of stream) stream.controller.abort();
    }).rejects.toThrow();
    const { call, attempt } = endedOnce();
    expect(attempt.attributes['tracegate.stream.outcome']).toBe('aborted');
    expect(call.attributes['tracegate.outcome']).toBe('aborted');
    expect(call.attributes['error.type']).toBe('aborted');
    // An aborted stream is not free: its estimated usage and cost are on the attempt span.
    expect(attempt.attributes['tracegate.usage.estimated']).toBe(true);
    expect(attempt.attributes['gen_ai.usage.input_tokens']).toBe(3 + 4 + 1); // the estimate of 'Hi'
    expect(attempt.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(attempt.attributes['llm.cost.total']).toBeGreaterThan(0);
    expect(getCallInfo(stream)!.attempts[0]).toMatchObject({ usageEstimated: true, cost: { total: expect.any(Number) } });
    // The call's total (what the report counts per call) includes it.
    expect(call.attributes['tracegate.cost.total_usd']).toBe(attempt.attributes['llm.cost.total']);
    // And the cost metric.
    expect((await costMetric()) - costBefore).toBeCloseTo(attempt.attributes['llm.cost.total'] as number, 12);
  });

  it('completed with the provider usage: not estimated', async () => {
    const stream = await t.router.chat.completions.create(params);
    for await (const _ of stream) {
      /* consume */
    }
    const { attempt } = endedOnce();
    expect(attempt.attributes['tracegate.usage.estimated']).toBeUndefined();
    expect(attempt.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('the consumer breaks out early: cancelled, not an error', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', stream: { delayMs: 10 } });
    const stream = await t.router.chat.completions.create(params);
    for await (const _ of stream) break;
    const { call, attempt } = endedOnce();
    expect(attempt.attributes['tracegate.stream.outcome']).toBe('cancelled');
    expect(call.attributes['tracegate.stream.outcome']).toBe('cancelled');
    expect(call.status.code).toBe(0);
    expect(attempt.status.code).toBe(0);
  });

  it('is never iterated: reclaimed by the unconsumed timeout', async () => {
    await t.router.chat.completions.create(params);
    expect(openSpanCount()).toBe(2);
    await waitFor(() => h.spans().length === 2);
    const { call, attempt } = endedOnce();
    expect(attempt.attributes['tracegate.stream.outcome']).toBe('abandoned');
    expect(call.attributes['tracegate.stream.outcome']).toBe('abandoned');
    expect(attempt.attributes['error.type']).toBe('timeout');
  });

  it('many streams ended in every way leave nothing open', async () => {
    const ways = ['complete', 'break', 'abort', 'ignore'] as const;
    await Promise.all(
      ways.flatMap((way) =>
        [0, 1].map(async () => {
          const stream = await t.router.chat.completions.create(params);
          if (way === 'complete') for await (const _ of stream) void _;
          else if (way === 'break') for await (const _ of stream) break;
          else if (way === 'abort') stream.controller.abort();
        }),
      ),
    );
    await waitFor(() => h.spans().length === 16);
    for (const s of h.spans()) expect(h.endCounts.get(s.spanContext().spanId)).toBe(1);
    expect(openSpanCount()).toBe(0);
  });
});
