/**
 * Exporters chosen the OpenTelemetry way: `OTEL_TRACES_EXPORTER` (comma list of `otlp`
 * (default), `console`, `file`, `none`), `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER`
 * (`otlp`, `console`, `none`; unset means none here, so a Jaeger-only setup does not log
 * export errors for signals it does not accept). OTLP speaks `http/protobuf` (default),
 * `http/json` or `grpc`, per `OTEL_EXPORTER_OTLP_PROTOCOL` / `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`;
 * its endpoint, headers and timeout come from the standard `OTEL_EXPORTER_OTLP_*` variables.
 * `file` writes OTLP/JSON lines to `TRACEGATE_TRACES_FILE` (default `./tracegate-traces.jsonl`).
 */
import { diag } from '@opentelemetry/api';
import { ConsoleLogRecordExporter, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { stderrWarn, type ExportHealth, type WarnLine } from './export-health.js';
import { otlpLogExporter, otlpMetricExporter, otlpTraceExporter } from './otlp.js';
import { otlpProtocol, type OtlpProtocol } from './otlp-protocol.js';
import { DEFAULT_TRACES_FILE, OtlpJsonFileSpanExporter } from './otlp-json-file.js';

export type TraceExporterName = 'otlp' | 'console' | 'file' | 'none';
export type SignalExporterName = 'otlp' | 'console' | 'none';

export interface TraceExporterOptions {
  /** OTLP traces URL (full, e.g. `http://localhost:4318/v1/traces`); default from `OTEL_EXPORTER_OTLP_*`. */
  otlpEndpoint?: string;
  /** File for the `file` exporter; default `TRACEGATE_TRACES_FILE` or `./tracegate-traces.jsonl`. */
  tracesFile?: string;
  /** OTLP protocol; default from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  protocol?: OtlpProtocol;
  /** Where export failures are said (default: a line on stderr). */
  warn?: WarnLine;
}

function names(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Trace exporter names from `OTEL_TRACES_EXPORTER` (default `otlp`); unknown names are dropped with a diag warning. */
export function traceExporterNames(env: NodeJS.ProcessEnv = process.env): TraceExporterName[] {
  const raw = names(env.OTEL_TRACES_EXPORTER);
  if (raw.length === 0) return ['otlp'];
  const known = raw.filter((n): n is TraceExporterName => {
    const ok = n === 'otlp' || n === 'console' || n === 'file' || n === 'none';
    if (!ok) diag.warn(`tracegate: OTEL_TRACES_EXPORTER value "${n}" is not supported (otlp, console, file, none); ignored`);
    return ok;
  });
  return known.includes('none') ? [] : [...new Set(known)];
}

function signalNames(value: string | undefined, variable: string): SignalExporterName[] {
  const raw = names(value).filter((n): n is SignalExporterName => {
    const ok = n === 'otlp' || n === 'console' || n === 'none';
    if (!ok) diag.warn(`tracegate: ${variable} value "${n}" is not supported (otlp, console, none); ignored`);
    return ok;
  });
  return raw.includes('none') ? [] : [...new Set(raw)];
}

export function metricExporterNames(env: NodeJS.ProcessEnv = process.env): SignalExporterName[] {
  return signalNames(env.OTEL_METRICS_EXPORTER, 'OTEL_METRICS_EXPORTER');
}

export function logExporterNames(env: NodeJS.ProcessEnv = process.env): SignalExporterName[] {
  return signalNames(env.OTEL_LOGS_EXPORTER, 'OTEL_LOGS_EXPORTER');
}

export function createTraceExporter(name: TraceExporterName, options: TraceExporterOptions = {}, env: NodeJS.ProcessEnv = process.env): SpanExporter | undefined {
  switch (name) {
    case 'otlp': {
      const warn = options.warn ?? stderrWarn;
      return otlpTraceExporter(otlpProtocol('traces', env, options.protocol, warn), env, options.otlpEndpoint, warn);
    }
    case 'console':
      return new ConsoleSpanExporter();
    case 'file':
      return new OtlpJsonFileSpanExporter(options.tracesFile ?? env.TRACEGATE_TRACES_FILE ?? DEFAULT_TRACES_FILE);
    case 'none':
      return undefined;
  }
}

/** Options of the metric and log exporters: where failures are said, and a list that collects each OTLP exporter's health. */
export interface SignalExporterOptions {
  warn?: WarnLine;
  health?: ExportHealth[];
}

export function createMetricReader(name: SignalExporterName, env: NodeJS.ProcessEnv = process.env, options: SignalExporterOptions = {}): MetricReader | undefined {
  if (name === 'none') return undefined;
  const warn = options.warn ?? stderrWarn;
  if (name === 'console') return new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter() });
  const exporter = otlpMetricExporter(otlpProtocol('metrics', env, undefined, warn), env, warn);
  options.health?.push(exporter.health);
  return new PeriodicExportingMetricReader({ exporter });
}

export function createLogExporter(name: SignalExporterName, env: NodeJS.ProcessEnv = process.env, options: SignalExporterOptions = {}): LogRecordExporter | undefined {
  if (name === 'none') return undefined;
  const warn = options.warn ?? stderrWarn;
  if (name === 'console') return new ConsoleLogRecordExporter();
  const exporter = otlpLogExporter(otlpProtocol('logs', env, undefined, warn), env, warn);
  options.health?.push(exporter.health);
  return exporter;
}
