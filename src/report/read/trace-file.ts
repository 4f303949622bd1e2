/**
 * Reads a trace file into `SpanView`s: OTLP/JSON lines (one `ExportTraceServiceRequest` per line,
 * what `tracegate/register` writes; streamed), a whole-file OTLP/JSON export (one object, or an
 * array), or a Jaeger query API response (`/api/traces`, whole file or one per line).
 */
import { readJsonDocuments, type BadLine, type ReadDocumentsOptions } from './json-documents.js';
import { isJaegerResponse, jaegerResponseSpans } from './jaeger.js';
import { isOtlpRequest, otlpRequestSpans } from './otlp-json.js';
import type { SpanSink } from './span.js';

export type TraceFileFormat = 'otlp-json-lines' | 'otlp-json' | 'jaeger' | 'mixed' | 'empty';

export interface ReadStats {
  file: string;
  format: TraceFileFormat;
  bytes: number;
  lines: number;
  /** Lines that were not JSON or not a trace document (skipped). */
  badLines: number;
  badLineSamples: BadLine[];
  spans: number;
  /** Spans without a usable trace or span id (skipped). */
  skippedSpans: number;
}

export const NOT_TRACES = 'not an OTLP/JSON ExportTraceServiceRequest (no "resourceSpans") or a Jaeger /api/traces response (no "data")';

/** Hands the spans of one parsed document (object or array of them) to the sink; an error message if it is not one. */
export function documentSpans(doc: unknown, sink: SpanSink, seen: { spans: number; skipped: number; otlp: boolean; jaeger: boolean }): string | undefined {
  const docs = Array.isArray(doc) ? doc : [doc];
  if (!docs.every((d) => isOtlpRequest(d) || isJaegerResponse(d))) return NOT_TRACES;
  for (const d of docs) {
    const r = isOtlpRequest(d) ? otlpRequestSpans(d, sink) : jaegerResponseSpans(d as { data: unknown[] }, sink);
    if (isOtlpRequest(d)) seen.otlp = true;
    else seen.jaeger = true;
    seen.spans += r.spans;
    seen.skipped += r.skipped;
  }
  return undefined;
}

export interface ReadTraceFileOptions extends ReadDocumentsOptions {
  /** Called after the spans of each document (line) were handed on. */
  onDocumentEnd?: () => void;
}

export async function readTraceFile(file: string, sink: SpanSink, options: ReadTraceFileOptions = {}): Promise<ReadStats> {
  const seen = { spans: 0, skipped: 0, otlp: false, jaeger: false };
  const { onDocumentEnd, ...rest } = options;
  const handle = (doc: unknown): string | undefined => {
    const problem = documentSpans(doc, sink, seen);
    onDocumentEnd?.();
    return problem;
  };
  const stats = await readJsonDocuments(file, handle, { what: 'traces file', ...rest });
  const format: TraceFileFormat =
    stats.documents === 0 ? 'empty' : seen.otlp && seen.jaeger ? 'mixed' : seen.jaeger ? 'jaeger' : stats.wholeFile ? 'otlp-json' : 'otlp-json-lines';
  return {
    file: stats.file,
    format,
    bytes: stats.bytes,
    lines: stats.lines,
    badLines: stats.badLines,
    badLineSamples: stats.badLineSamples,
    spans: seen.spans,
    skippedSpans: seen.skipped,
  };
}
