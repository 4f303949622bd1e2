/**
 * One tracer provider with an in-memory exporter (simple processor, so spans are there as soon as
 * they end), one meter provider with a reader the test collects, and one instrumentation per test
 * file. `summarize()` turns a span into a plain object with ids, ports and durations normalized,
 * so tests can assert the whole attribute map.
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TracegateInstrumentation, type TracegateInstrumentationConfig } from '../../instrumentations/index.js';
import { Router } from '../../src/index.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/index.js';
import type { RouterOptions } from '../../src/router/config.js';

export { startMockServer, type MockServer };

class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Counts how often each span ended (a span must end exactly once). */
class EndCounter implements SpanProcessor {
  readonly ends = new Map<string, number>();
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    this.ends.set(id, (this.ends.get(id) ?? 0) + 1);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface Harness {
  exporter: InMemorySpanExporter;
  /** spanId → number of times the span ended. */
  endCounts: Map<string, number>;
  provider: NodeTracerProvider;
  instrumentation: TracegateInstrumentation;
  metricReader: TestMetricReader;
  spans(): ReadableSpan[];
  metrics(): Promise<ResourceMetrics>;
  reset(): void;
}

export function setupTracing(config: TracegateInstrumentationConfig = {}): Harness {
  const exporter = new InMemorySpanExporter();
  const counter = new EndCounter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), counter] });
  provider.register();
  const metricReader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  const instrumentation = new TracegateInstrumentation(config);
  instrumentation.setTracerProvider(provider);
  instrumentation.setMeterProvider(meterProvider);
  return {
    exporter,
    endCounts: counter.ends,
    provider,
    instrumentation,
    metricReader,
    spans: () => exporter.getFinishedSpans(),
    metrics: async () => (await metricReader.collect()).resourceMetrics,
    reset: () => {
      exporter.reset();
      counter.ends.clear();
    },
  };
}

const VOLATILE: Record<string, string> = {
  'tracegate.call.id': '<call-id>',
  'tracegate.attempt.id': '<attempt-id>',
  'server.port': '<port>',
};
const SECONDS = new Set(['gen_ai.response.time_to_first_chunk', 'tracegate.time_to_first_chunk']);

export function normalize(attrs: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(attrs).sort()) {
    const v = attrs[key];
    if (key in VOLATILE) out[key] = VOLATILE[key];
    else if (SECONDS.has(key)) out[key] = typeof v === 'number' && v >= 0 && v < 60 ? '<seconds>' : v;
    else if (key === 'tracegate.retry.wait_ms') out[key] = typeof v === 'number' && v > 0 ? '<ms>' : v;
    else out[key] = v;
  }
  return out;
}

export interface SpanSummary {
  name: string;
  kind: string;
  status: string;
  parent: string | null;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
}

export function summarize(span: ReadableSpan, all: readonly ReadableSpan[]): SpanSummary {
  const parentId = span.parentSpanContext?.spanId;
  const parent = parentId ? (all.find((s) => s.spanContext().spanId === parentId)?.name ?? '<external>') : null;
  return {
    name: span.name,
    kind: SpanKind[span.kind],
    status: span.status.code === SpanStatusCode.ERROR ? `ERROR: ${span.status.message ?? ''}` : SpanStatusCode[span.status.code],
    parent,
    attributes: normalize(span.attributes),
    events: span.events.map((e) => ({ name: e.name, attributes: normalize(e.attributes ?? {}) })),
  };
}

function depth(span: ReadableSpan, all: readonly ReadableSpan[]): number {
  let d = 0;
  let parentId = span.parentSpanContext?.spanId;
  while (parentId) {
    const parent = all.find((s) => s.spanContext().spanId === parentId);
    if (!parent) break;
    d++;
    parentId = parent.parentSpanContext?.spanId;
  }
  return d;
}

function startNs(span: ReadableSpan): number {
  return span.startTime[0] * 1e9 + span.startTime[1];
}

/** Spans summarized, parents before children, attempts by index, then by start time. */
export function summarizeAll(spans: readonly ReadableSpan[]): SpanSummary[] {
  const key = (s: ReadableSpan): [number, number, number] => [depth(s, spans), Number(s.attributes['tracegate.attempt.index'] ?? 0), startNs(s)];
  const sorted = [...spans].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
  return sorted.map((s) => summarize(s, spans));
}

export const FAKE_KEY = 'sk-tracegate-FAKE-KEY-0123456789abcdef';


export interface MockRouterOptions {
  /** Options of the fake provider server. */
  mock?: MockServerOptions;
  /** Model entries for the mock's OpenAI base URL (default: `support-fast` → gpt-4o-mini); `mock.baseURL(dialect)` for the others. */
  models?: (baseURL: string, mock: MockServer) => RouterOptions['models'];
  /** Router options besides the models. */
  router?: Omit<RouterOptions, 'models'>;
  /** Clear finished spans and the mock's call log before each test (default true). */
  resetEach?: boolean;
}

export interface MockRouter {
  readonly mock: MockServer;
  readonly router: Router;
}

/** A `tracegate mock` server and a Router on it for the test file, closed after it. */
export function useMockRouter(h: Harness, options: MockRouterOptions = {}): MockRouter {
  const state: { mock?: MockServer; router?: Router } = {};
  beforeAll(async () => {
    state.mock = await startMockServer(options.mock);
    const models = options.models ?? ((base: string) => [{ name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base }]);
    state.router = new Router({ models: models(state.mock.baseURL('openai'), state.mock), ...options.router });
  });
  afterAll(async () => {
    await state.router?.close();
    await state.mock?.close();
  });
  if (options.resetEach !== false) {
    beforeEach(() => {
      h.reset();
      state.mock?.reset();
    });
  }
  return {
    get mock() {
      return state.mock!;
    },
    get router() {
      return state.router!;
    },
  };
}
