/**
 * OTLP exporters for traces, metrics and logs over the three standard protocols
 * (`http/protobuf`, `http/json`, `grpc`), each loaded only when chosen (see lazy-exporter.ts).
 * Spans and logs go through otlp-exporters.ts (declared doubles stay doubles on the wire).
 * Endpoints, headers, timeouts and compression come from the standard `OTEL_EXPORTER_OTLP_*`
 * variables, read by the exporter packages themselves; an explicit URL overrides them.
 */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ExportHealth, type WarnLine } from './export-health.js';
import { LazyExporter, LazyMetricExporter, type LoadedExporter } from './lazy-exporter.js';
import { createOtlpLogExporter, createOtlpSpanExporter } from './otlp-exporters.js';
import { resolveOtlpEndpoint, type OtlpProtocol, type OtlpSignal } from './otlp-protocol.js';

/**
 * The URL is resolved here from the given environment (as the exporter packages would from
 * process.env) and passed explicitly, so `register({ env })` is honoured and the URL in a
 * warning is the one really used.
 */
function health(signal: OtlpSignal, protocol: OtlpProtocol, env: NodeJS.ProcessEnv, url: string | undefined, warn?: WarnLine): ExportHealth {
  return new ExportHealth(`OTLP ${signal} (${protocol})`, resolveOtlpEndpoint(protocol, signal, env, url), warn);
}

export function otlpTraceExporter(protocol: OtlpProtocol, env: NodeJS.ProcessEnv, explicitUrl?: string, warn?: WarnLine): LazyExporter<ReadableSpan[]> {
  const url = resolveOtlpEndpoint(protocol, 'traces', env, explicitUrl);
  const load = (): Promise<LoadedExporter<ReadableSpan[]>> => createOtlpSpanExporter(protocol, url);
  return new LazyExporter(load, health('traces', protocol, env, url, warn));
}

export function otlpMetricExporter(protocol: OtlpProtocol, env: NodeJS.ProcessEnv, warn?: WarnLine): LazyMetricExporter<ResourceMetrics> {
  const o = { url: resolveOtlpEndpoint(protocol, 'metrics', env) };
  const load = async (): Promise<LoadedExporter<ResourceMetrics>> => {
    if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter(o);
    if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(o);
    return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(o);
  };
  return new LazyMetricExporter(load, health('metrics', protocol, env, o.url, warn), env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE);
}

export function otlpLogExporter(protocol: OtlpProtocol, env: NodeJS.ProcessEnv, warn?: WarnLine): LazyExporter<ReadableLogRecord[]> {
  const url = resolveOtlpEndpoint(protocol, 'logs', env);
  const load = (): Promise<LoadedExporter<ReadableLogRecord[]>> => createOtlpLogExporter(protocol, url);
  return new LazyExporter(load, health('logs', protocol, env, url, warn));
}
