/**
 * Exporting offline evaluations (`tracegate eval`) as spans in the answers' traces: a tracer
 * provider of its own (not registered globally) with the exporters chosen by
 * `OTEL_TRACES_EXPORTER` when it is set (`otlp`, `console`, `file`), else the OTLP/JSON file
 * exporter appending to the given file; each result goes through the evaluation bridge, so it
 * becomes an `evaluation {name}` span whose parent is the answer's span, with one link to it and
 * the same attributes as in-process evaluations (explanations only with content capture).
 */
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { EvaluationEventResult, EvaluationRecording, EvaluationTargetRef } from '../src/channels.js';
import { resolveConfig } from './config.js';
import { EvaluationBridge } from './evaluation-bridge.js';
import { createTraceExporter, traceExporterNames } from './exporters/from-env.js';
import { OtlpJsonFileSpanExporter } from './exporters/otlp-json-file.js';
import { INSTRUMENTATION_NAME, PACKAGE_VERSION } from './version.js';

export interface ExportableEvaluation {
  target: EvaluationTargetRef;
  result: EvaluationEventResult;
  startTime?: number;
  endTime?: number;
}

export interface EvaluationExportOptions {
  /** File the OTLP/JSON lines are appended to when no exporter is chosen by the environment. */
  file: string;
  /** Record explanations (default: `TRACEGATE_CAPTURE_CONTENT`). */
  captureContent?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface EvaluationExportReport {
  /** Exporters used (`file`, `otlp`, `console`). */
  exporters: string[];
  recorded: Record<EvaluationRecording, number>;
  /** Failures reported while exporting. */
  errors: string[];
}

/** The OTLP traces URL from the given environment (the exporter itself reads only process.env). */
function otlpEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** Whether the environment picks the exporters (else the file is used). */
function exportersFromEnv(env: NodeJS.ProcessEnv): boolean {
  return (env.OTEL_TRACES_EXPORTER ?? '').trim() !== '';
}

export async function exportEvaluations(items: readonly ExportableEvaluation[], options: EvaluationExportOptions): Promise<EvaluationExportReport> {
  const env = options.env ?? process.env;
  const names = exportersFromEnv(env) ? traceExporterNames(env) : (['file'] as const);
  const exporters: { name: string; exporter: SpanExporter }[] = [];
  for (const name of names) {
    const exporter = name === 'file' ? new OtlpJsonFileSpanExporter(options.file) : createTraceExporter(name, otlpEndpoint(env) ? { otlpEndpoint: otlpEndpoint(env) } : {}, env);
    if (exporter) exporters.push({ name, exporter });
  }
  const processors: SpanProcessor[] = exporters.map(({ name, exporter }) => (name === 'otlp' ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)));
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  if (!env.OTEL_SERVICE_NAME && !/service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) resource = resource.merge(resourceFromAttributes({ 'service.name': 'tracegate-eval' }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: processors });
  const errors: string[] = [];
  const resolved = resolveConfig(options.captureContent !== undefined ? { captureContent: options.captureContent } : {}, env);
  const bridge = new EvaluationBridge({
    tracer: provider.getTracer(INSTRUMENTATION_NAME, PACKAGE_VERSION),
    resolved,
    logger: undefined,
    report: (where, err) => errors.push(`${where}: ${(err as Error)?.message ?? String(err)}`),
  });
  const recorded: Record<EvaluationRecording, number> = { event: 0, span: 0, new_trace: 0, skipped: 0 };
  try {
    for (const item of items) {
      const how = bridge.record(item.target, item.result, {
        ...(item.startTime !== undefined ? { startTime: item.startTime } : {}),
        ...(item.endTime !== undefined ? { endTime: item.endTime } : {}),
      });
      if (how) recorded[how]++;
    }
    await provider.forceFlush();
  } finally {
    await provider.shutdown();
  }
  return { exporters: exporters.map((e) => e.name), recorded, errors };
}
