/**
 * Tracing for report tests: the real instrumentation exporting through the OTLP/JSON file
 * exporter (what `tracegate/register` writes), and evaluation results recorded by hand with the
 * OpenTelemetry API under the names the evaluator bridge uses (issue 6): a `gen_ai.evaluation.result`
 * event on the answer's open span, or a late `evaluation {name}` span whose parent is the answer's
 * span, with one link to it.
 */
import { context, trace, TraceFlags, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { OtlpJsonFileSpanExporter, TracegateInstrumentation, findOpenSpan } from '../../../instrumentations/index.js';
import * as S from '../../../semconv/index.js';
import type { TraceTarget } from '../../../src/index.js';

export interface FileTracing {
  tracer: Tracer;
  provider: NodeTracerProvider;
  instrumentation: TracegateInstrumentation;
  shutdown(): Promise<void>;
}

export function startFileTracing(file: string): FileTracing {
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OtlpJsonFileSpanExporter(file))] });
  provider.register();
  const instrumentation = new TracegateInstrumentation();
  instrumentation.setTracerProvider(provider);
  return {
    tracer: provider.getTracer('report-test-app'),
    provider,
    instrumentation,
    async shutdown() {
      instrumentation.disable();
      await provider.forceFlush();
      await provider.shutdown();
      trace.disable();
    },
  };
}

export interface EvalSpec {
  name: string;
  score?: number;
  label?: string;
  passed?: boolean;
  threshold?: number;
  explanation?: string;
}

function evalAttributes(e: EvalSpec): Record<string, string | number | boolean> {
  const a: Record<string, string | number | boolean> = { [S.ATTR_GEN_AI_EVALUATION_NAME]: e.name };
  if (e.score !== undefined) a[S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE] = e.score;
  if (e.label !== undefined) a[S.ATTR_GEN_AI_EVALUATION_SCORE_LABEL] = e.label;
  if (e.passed !== undefined) a[S.ATTR_TRACEGATE_EVALUATION_PASSED] = e.passed;
  if (e.threshold !== undefined) a[S.ATTR_TRACEGATE_EVALUATION_THRESHOLD] = e.threshold;
  if (e.explanation !== undefined) a[S.ATTR_GEN_AI_EVALUATION_EXPLANATION] = e.explanation;
  return a;
}

/** An evaluation event on an answer span that is still open (an inline evaluation). */
export function addEvalEvent(spanId: string, e: EvalSpec): void {
  const open = findOpenSpan(spanId);
  if (!open) throw new Error(`span ${spanId} is not open`);
  open.span.addEvent(S.EVENT_GEN_AI_EVALUATION_RESULT, evalAttributes(e));
}

/** A late evaluation: an `evaluation {name}` span, child of the answer's span, linked to it. */
export function recordEvalSpan(tracer: Tracer, target: TraceTarget, e: EvalSpec): void {
  const answer: SpanContext = { traceId: target.traceId, spanId: target.attemptSpanId ?? target.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
  const span: Span = tracer.startSpan(
    `evaluation ${e.name}`,
    { links: [{ context: answer }], attributes: { [S.ATTR_GEN_AI_EVALUATION_NAME]: e.name } },
    trace.setSpanContext(context.active(), answer),
  );
  span.addEvent(S.EVENT_GEN_AI_EVALUATION_RESULT, evalAttributes(e));
  span.end();
}
