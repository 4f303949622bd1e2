/**
 * `register(options)` from code (in this process): exporters given as instances, idempotence,
 * what it sets up, and shutdown; exporter selection from `OTEL_*` variables.
 */
import dc from 'node:diagnostics_channel';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { getRegistration, hasGlobalTracerProvider, register } from '../../instrumentations/index.js';
import { logExporterNames, metricExporterNames, traceExporterNames } from '../../instrumentations/exporters/from-env.js';
import { FAKE_KEY, startMockServer } from './harness.js';
import { Router, getCallInfo } from '../../src/index.js';

describe('register() from code', () => {
  it('sets up a provider with the given exporter, is idempotent, and shuts down', async () => {
    expect(hasGlobalTracerProvider()).toBe(false);
    const exporter = new InMemorySpanExporter();
    const reg = register({ traces: exporter, spanProcessor: 'simple', flushOnExit: false, serviceName: 'api-test', instrumentation: { captureContent: true } });
    expect(register()).toBe(reg);
    expect(getRegistration()).toBe(reg);
    expect(hasGlobalTracerProvider()).toBe(true);
    expect(reg.tracerProvider).toBeDefined();
    expect(reg.traceExporters).toEqual(['InMemorySpanExporter']);
    expect(reg.meterProvider).toBeUndefined();

    const mock = await startMockServer();
    const router = new Router({ models: [{ name: 'a', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: mock.baseURL('openai') }] });
    try {
      await router.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'captured' }] });
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name).sort()).toEqual(['chat a', 'chat gpt-4o-mini']);
      expect(spans[0]!.resource.attributes['service.name']).toBe('api-test');
      expect(JSON.stringify(spans.map((s) => s.attributes))).toContain('captured');

      await reg.shutdown();
      expect(getRegistration()).toBeUndefined();
      expect(hasGlobalTracerProvider()).toBe(false);
      expect(reg.instrumentation.isEnabled()).toBe(false);
      // The instrumentation no longer listens: calls publish to nobody.
      expect(dc.channel('tracing:tracegate:call:start').hasSubscribers).toBe(false);
      const after = await router.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'after' }] });
      expect(getCallInfo(after)!.trace).toBeUndefined();
    } finally {
      await router.close();
      await mock.close();
    }
  });
});

describe('exporters from the environment', () => {
  it('OTEL_TRACES_EXPORTER: default otlp, comma lists, none, unknown names dropped', () => {
    expect(traceExporterNames({})).toEqual(['otlp']);
    expect(traceExporterNames({ OTEL_TRACES_EXPORTER: 'file, console,file' })).toEqual(['file', 'console']);
    expect(traceExporterNames({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(traceExporterNames({ OTEL_TRACES_EXPORTER: 'zipkin,file' })).toEqual(['file']);
  });

  it('metrics and logs are off unless asked for', () => {
    expect(metricExporterNames({})).toEqual([]);
    expect(metricExporterNames({ OTEL_METRICS_EXPORTER: 'otlp' })).toEqual(['otlp']);
    expect(logExporterNames({ OTEL_LOGS_EXPORTER: 'console,none' })).toEqual([]);
  });
});
