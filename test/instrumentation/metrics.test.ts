/** Metrics: GenAI client metrics with the convention's units and buckets, tracegate's call metrics. */
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS } from '../../semconv/index.js';
import { setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
// Fixed usage so the sums are known: 12 prompt and 5 completion tokens per answer.
const t = useMockRouter(h, { mock: { scenario: { defaults: { reply: { usage: { prompt_tokens: 12, completion_tokens: 5 } } } } }, resetEach: false });
let metrics: Map<string, MetricData>;
let streamedChunks = 0;

beforeAll(async () => {
  await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
  const stream = await t.router.chat.completions.create({
    model: 'support-fast',
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) streamedChunks++;
  t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'bad_request' });
  await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
  const collected = await h.metrics();
  metrics = new Map(collected.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
});

function points(name: string): DataPoint<Histogram | number>[] {
  const m = metrics.get(name);
  expect(m, name).toBeDefined();
  return m!.dataPoints as DataPoint<Histogram | number>[];
}

describe('metrics', () => {
  it('gen_ai.client.token.usage: histogram in {token}, by token type, with the convention\'s buckets', () => {
    const m = metrics.get('gen_ai.client.token.usage')!;
    expect(m.descriptor.unit).toBe('{token}');
    const pts = points('gen_ai.client.token.usage') as DataPoint<Histogram>[];
    const input = pts.find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    const output = pts.find((p) => p.attributes['gen_ai.token.type'] === 'output')!;
    expect(input.value.sum).toBe(24); // two answered attempts × 12
    expect(output.value.sum).toBe(10);
    expect(input.value.buckets.boundaries).toEqual([...GEN_AI_TOKEN_BUCKETS]);
    expect(input.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.token.type': 'input',
      'server.address': '127.0.0.1',
      'server.port': expect.any(Number),
      'tracegate.route': 'support-fast',
    });
  });

  it('gen_ai.client.operation.duration in seconds, with error.type for the failed attempt', () => {
    expect(metrics.get('gen_ai.client.operation.duration')!.descriptor.unit).toBe('s');
    const pts = points('gen_ai.client.operation.duration') as DataPoint<Histogram>[];
    expect(pts.reduce((n, p) => n + p.value.count, 0)).toBe(3);
    const failed = pts.find((p) => p.attributes['error.type'] === 'bad_request')!;
    expect(failed.value.count).toBe(1);
    expect(failed.value.buckets.boundaries).toEqual([...GEN_AI_DURATION_BUCKETS]);
  });

  it('gen_ai.client.operation.time_to_first_chunk only for the stream', () => {
    const pts = points('gen_ai.client.operation.time_to_first_chunk') as DataPoint<Histogram>[];
    expect(pts.reduce((n, p) => n + p.value.count, 0)).toBe(1);
  });

  it('gen_ai.client.operation.time_per_output_chunk: one point per chunk after the first, only for the stream', () => {
    expect(metrics.get('gen_ai.client.operation.time_per_output_chunk')!.descriptor.unit).toBe('s');
    const pts = points('gen_ai.client.operation.time_per_output_chunk') as DataPoint<Histogram>[];
    expect(streamedChunks).toBeGreaterThan(2);
    expect(pts.reduce((n, p) => n + p.value.count, 0)).toBe(streamedChunks - 1);
    expect(pts.every((p) => p.attributes['gen_ai.operation.name'] === 'chat' && p.value.min! >= 0)).toBe(true);
    expect(pts[0]!.value.buckets.boundaries).toEqual([...GEN_AI_DURATION_BUCKETS]);
  });

  it('tracegate.call.duration by route and outcome', () => {
    const pts = points('tracegate.call.duration') as DataPoint<Histogram>[];
    const byOutcome = Object.fromEntries(pts.map((p) => [String(p.attributes['tracegate.outcome']), p.value.count]));
    expect(byOutcome).toEqual({ success: 2, error: 1 });
    const failed = pts.find((p) => p.attributes['tracegate.outcome'] === 'error')!;
    expect(failed.attributes).toEqual({
      'tracegate.operation': 'chat',
      'tracegate.route': 'support-fast',
      'tracegate.outcome': 'error',
      'error.type': 'bad_request',
    });
  });

  it('tracegate.client.cost adds the USD of priced attempts', () => {
    const pts = points('tracegate.client.cost') as DataPoint<number>[];
    expect(pts[0]!.value).toBeCloseTo(2 * 0.0000048, 12);
  });
});
