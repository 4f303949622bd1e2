/**
 * `register(options)`: turns tracing on for the process. Sets up an sdk-trace-node tracer
 * provider (batch span processor, W3C trace-context and baggage propagators, AsyncLocalStorage
 * context), exporters chosen by `OTEL_*` variables or options, optional metrics and logs
 * providers, the tracegate instrumentation, and flushing on exit and signals. If the
 * application already registered a tracer provider (its own NodeSDK), only the instrumentation
 * is added: no second provider, no duplicate spans. Idempotent per process (both builds share
 * the registration). Prints nothing unless `OTEL_LOG_LEVEL` asks.
 */
import { DiagConsoleLogger, diag, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { TracegateInstrumentationConfig } from './config.js';
import {
  createLogExporter,
  createMetricReader,
  createTraceExporter,
  logExporterNames,
  metricExporterNames,
  traceExporterNames,
  type SignalExporterName,
  type TraceExporterName,
} from './exporters/from-env.js';
import type { ExportHealth, ExportStatus, WarnLine } from './exporters/export-health.js';
import { LazyExporter } from './exporters/lazy-exporter.js';
import type { OtlpProtocol } from './exporters/otlp-protocol.js';
import { processGlobal } from '../src/process-global.js';
import { TracegateInstrumentation } from './instrumentation.js';
import { installFlushHooks } from './lifecycle.js';
import { preferTracegateSpans } from './sdk/anthropic.js';
import { createSdkInstrumentations, selectSdkIds, type SdkInstrumentation, type SdkSelection } from './sdk/index.js';

export interface RegisterOptions {
  /** Instrumentation settings (content capture, redaction, propagation); the SDK instrumentations share them. */
  instrumentation?: TracegateInstrumentationConfig;
  /**
   * Instrument the official provider SDKs (`openai`, `@anthropic-ai/sdk`, `@google/genai`,
   * `@aws-sdk/client-bedrock-runtime`) too: `true` (default), `false`, or per id
   * (`{ anthropic: false }`). `OTEL_NODE_DISABLED_INSTRUMENTATIONS`,
   * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` and `TRACEGATE_DISABLED_INSTRUMENTATIONS` apply (ids
   * `openai`, `anthropic`, `google-genai`, `bedrock-runtime`).
   */
  sdk?: SdkSelection;
  /** Trace exporters: names (as in `OTEL_TRACES_EXPORTER`) or exporter instances. Default: from the environment (`otlp`). */
  traces?: TraceExporterName | SpanExporter | readonly (TraceExporterName | SpanExporter)[];
  /** OTLP traces URL, e.g. `http://localhost:4318/v1/traces` (gRPC: `http://localhost:4317`). */
  otlpEndpoint?: string;
  /** OTLP protocol of the traces exporter: `http/protobuf` (default), `http/json` or `grpc`; default from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  otlpProtocol?: OtlpProtocol;
  /** Where a failed export is said, once per exporter and reason, rate-limited (default: a line on stderr). */
  warn?: WarnLine;
  /** File for the `file` exporter (default `TRACEGATE_TRACES_FILE` or `./tracegate-traces.jsonl`). */
  tracesFile?: string;
  /** `batch` (default) or `simple` (export each span as it ends: tests, short scripts). */
  spanProcessor?: 'batch' | 'simple';
  /** Metrics exporter; default `OTEL_METRICS_EXPORTER`, none when unset. */
  metrics?: SignalExporterName | MetricReader;
  /** Logs exporter (evaluation events); default `OTEL_LOGS_EXPORTER`, none when unset. */
  logs?: SignalExporterName;
  /** `service.name`; default `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`, else the SDK default. */
  serviceName?: string;
  /** Flush on exit, SIGTERM and SIGINT (default true). */
  flushOnExit?: boolean;
  /** Longest wait for that flush, ms (default `TRACEGATE_FLUSH_TIMEOUT_MS`, else 2000). */
  flushTimeoutMs?: number;
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface Registration {
  readonly instrumentation: TracegateInstrumentation;
  /** The provider SDK instrumentations turned on (each can be `disable()`d on its own). */
  readonly sdkInstrumentations: readonly SdkInstrumentation[];
  /** The provider register() created; undefined when the application's own provider is used. */
  readonly tracerProvider: NodeTracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly loggerProvider: LoggerProvider | undefined;
  /** Names of the trace exporters in use (`otlp`, `console`, `file`, or a class name). */
  readonly traceExporters: readonly string[];
  /** Each OTLP exporter's successes and failures so far (what a "traces went to ..." line should be based on). */
  exportStatus(): ExportStatus[];
  forceFlush(): Promise<void>;
  /** Flushes, disables the instrumentation and shuts down what register() created. */
  shutdown(): Promise<void>;
}

/** The registration slot, shared by both builds. */
const slot = (): { current: Registration | undefined } => processGlobal('tracegate.register', () => ({ current: undefined as Registration | undefined }));

/** The process's registration, if `register()` ran (in either build). */
export function getRegistration(): Registration | undefined {
  return slot().current;
}

function setRegistration(r: Registration | undefined): void {
  slot().current = r;
}

function setupDiag(env: NodeJS.ProcessEnv): void {
  const level = env.OTEL_LOG_LEVEL ? diagLogLevelFromString(env.OTEL_LOG_LEVEL) : undefined;
  if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel: level, suppressOverrideMessage: true });
}

/** True when some tracer provider (not the API's no-op) is registered globally. */
export function hasGlobalTracerProvider(): boolean {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy;
  return !!delegate && (delegate as object).constructor?.name !== 'NoopTracerProvider';
}

function hasGlobalMeterProvider(): boolean {
  return (metrics.getMeterProvider() as object).constructor?.name !== 'NoopMeterProvider';
}

function buildResource(options: RegisterOptions): Resource {
  // envDetector reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES from process.env.
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  const name = options.serviceName;
  if (name) resource = resource.merge(resourceFromAttributes({ 'service.name': name }));
  return resource;
}

function traceExporters(options: RegisterOptions, env: NodeJS.ProcessEnv): SpanExporter[] {
  const chosen = options.traces === undefined ? traceExporterNames(env) : Array.isArray(options.traces) ? options.traces : [options.traces];
  const out: SpanExporter[] = [];
  for (const c of chosen as (TraceExporterName | SpanExporter)[]) {
    const exporter =
      typeof c === 'string'
        ? createTraceExporter(
            c,
            {
              ...(options.otlpEndpoint ? { otlpEndpoint: options.otlpEndpoint } : {}),
              ...(options.tracesFile ? { tracesFile: options.tracesFile } : {}),
              ...(options.otlpProtocol ? { protocol: options.otlpProtocol } : {}),
              ...(options.warn ? { warn: options.warn } : {}),
            },
            env,
          )
        : c;
    if (exporter) out.push(exporter);
  }
  return out;
}

function exporterName(e: SpanExporter): string {
  if (e instanceof LazyExporter) return 'otlp';
  const name = e.constructor?.name ?? 'exporter';
  if (name === 'OTLPTraceExporter') return 'otlp';
  if (name === 'ConsoleSpanExporter') return 'console';
  if (name === 'OtlpJsonFileSpanExporter') return 'file';
  return name;
}

/**
 * Turns tracing on (see the module comment). A second call returns the first registration
 * (its options are not applied again).
 */
export function register(options: RegisterOptions = {}): Registration {
  const existing = getRegistration();
  if (existing) {
    diag.debug('tracegate: register() already ran in this process; returning the existing registration');
    return existing;
  }
  const env = options.env ?? process.env;
  setupDiag(env);

  let tracerProvider: NodeTracerProvider | undefined;
  let exporterNames: string[] = [];
  const health: ExportHealth[] = [];
  const signalOptions = { health, ...(options.warn ? { warn: options.warn } : {}) };
  if (!hasGlobalTracerProvider()) {
    const exporters = traceExporters(options, env);
    exporterNames = exporters.map(exporterName);
    for (const e of exporters) if (e instanceof LazyExporter) health.push(e.health);
    const spanProcessors: SpanProcessor[] = exporters.map((e) => (options.spanProcessor === 'simple' ? new SimpleSpanProcessor(e) : new BatchSpanProcessor(e)));
    tracerProvider = new NodeTracerProvider({ resource: buildResource(options), spanProcessors });
    tracerProvider.register();
  } else {
    diag.debug('tracegate: a tracer provider is already registered; adding the instrumentation only');
  }

  let meterProvider: MeterProvider | undefined;
  const metricChoice = options.metrics ?? metricExporterNames(env)[0];
  if (metricChoice !== undefined && metricChoice !== 'none' && !hasGlobalMeterProvider()) {
    const reader = typeof metricChoice === 'string' ? createMetricReader(metricChoice, env, signalOptions) : metricChoice;
    if (reader) {
      meterProvider = new MeterProvider({ resource: buildResource(options), readers: [reader] });
      metrics.setGlobalMeterProvider(meterProvider);
    }
  }

  let loggerProvider: LoggerProvider | undefined;
  const logChoice = options.logs ?? logExporterNames(env)[0];
  if (logChoice !== undefined && logChoice !== 'none') {
    const exporter = createLogExporter(logChoice, env, signalOptions);
    if (exporter) {
      const created = new LoggerProvider({ resource: buildResource(options), processors: [new BatchLogRecordProcessor({ exporter })] });
      // setGlobalLoggerProvider returns the provider already registered, if there is one.
      if (logs.setGlobalLoggerProvider(created) === created) loggerProvider = created;
      else void created.shutdown();
    }
  }

  const instrumentation = new TracegateInstrumentation(options.instrumentation);
  if (meterProvider) instrumentation.setMeterProvider(meterProvider);
  const sdkIds = selectSdkIds(options.sdk, env);
  if (sdkIds.includes('anthropic')) preferTracegateSpans();
  const sdkInstrumentations = createSdkInstrumentations(sdkIds, { ...options.instrumentation });

  const flush = async (): Promise<void> => {
    const appProvider = tracerProvider ?? ((trace.getTracerProvider() as { getDelegate?: () => unknown }).getDelegate?.() as { forceFlush?: () => Promise<void> } | undefined);
    await Promise.allSettled([appProvider?.forceFlush?.(), meterProvider?.forceFlush(), loggerProvider?.forceFlush()]);
  };
  let removeHooks: (() => void) | undefined;
  if (options.flushOnExit !== false) {
    const envTimeout = Number(env.TRACEGATE_FLUSH_TIMEOUT_MS);
    const flushTimeoutMs = options.flushTimeoutMs ?? (Number.isFinite(envTimeout) && envTimeout > 0 ? envTimeout : undefined);
    removeHooks = installFlushHooks(
      {
        flush,
        flushSync: () => {
          // Starts the export of the current batch synchronously (written at once by synchronous exporters).
          void tracerProvider?.forceFlush().catch(() => undefined);
        },
      },
      flushTimeoutMs !== undefined ? { flushTimeoutMs } : {},
    );
  }

  const registration: Registration = {
    instrumentation,
    sdkInstrumentations,
    tracerProvider,
    meterProvider,
    loggerProvider,
    traceExporters: exporterNames,
    exportStatus: () => health.map((h) => h.status()),
    forceFlush: flush,
    async shutdown() {
      removeHooks?.();
      instrumentation.disable();
      for (const sdk of sdkInstrumentations) sdk.disable();
      await flush();
      await Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown(), loggerProvider?.shutdown()]);
      if (tracerProvider) trace.disable();
      if (meterProvider) metrics.disable();
      if (loggerProvider) logs.disable();
      setRegistration(undefined);
    },
  };
  setRegistration(registration);
  return registration;
}
