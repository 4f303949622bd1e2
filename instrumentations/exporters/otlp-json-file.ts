/**
 * A span exporter that appends OTLP/JSON to a file, one `ExportTraceServiceRequest` per line
 * (the OTLP JSON encoding: hex trace and span ids, enums as integers, 64-bit integers as decimal
 * strings; attributes declared as doubles as `doubleValue`), the format `tracegate report` and `tracegate eval` read and the OpenTelemetry
 * Collector's file exporter writes. Writes are synchronous, so a batch handed to `export` is on
 * disk before the process can exit.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { doublesInJsonRequest } from './double-values.js';

export const DEFAULT_TRACES_FILE = './tracegate-traces.jsonl';

/** Protobuf JSON mapping: 64-bit integer attribute values are decimal strings. */
function int64AsString(key: string, value: unknown): unknown {
  return key === 'intValue' && typeof value === 'number' ? String(value) : value;
}

/** One OTLP/JSON line for a batch of spans. */
export function encodeOtlpJsonLine(spans: ReadableSpan[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('OTLP JSON serialization returned nothing');
  const request: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  doublesInJsonRequest(request);
  return JSON.stringify(request, int64AsString);
}

export class OtlpJsonFileSpanExporter implements SpanExporter {
  readonly path: string;
  private fd: number | undefined;
  private closed = false;

  constructor(path: string = DEFAULT_TRACES_FILE) {
    this.path = resolve(path);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    if (spans.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    try {
      if (this.fd === undefined) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.fd = openSync(this.path, 'a');
      }
      writeSync(this.fd, encodeOtlpJsonLine(spans) + '\n');
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (err) {
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
    return Promise.resolve();
  }
}
