/**
 * Attributes declared as doubles in semconv/ (`llm.cost.*`, `gen_ai.evaluation.score.value`, …)
 * reach an OTLP receiver as `doubleValue` / `double_value` even when whole, over http/json,
 * http/protobuf and gRPC, on spans, span events and log records; other whole numbers stay ints.
 * The receivers run on 127.0.0.1; protobuf bodies are decoded with protobufjs from the OTLP
 * message definitions below (an implementation independent of the rewriter under test).
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, type ReadableLogRecord, type LogRecordProcessor, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { otlpLogExporter, otlpTraceExporter } from '../../instrumentations/exporters/otlp.js';
import { encodeOtlpJsonLine } from '../../instrumentations/exporters/otlp-json-file.js';
import { isDoubleAttribute } from '../../instrumentations/exporters/double-values.js';
import { GRPC_EXPORT_PATHS, startGrpcReceiver, startHttpReceiver, type Receiver } from '../helpers/otlp-receivers.js';

const OTLP_PROTO = `
syntax = "proto3";
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Span { bytes trace_id = 1; bytes span_id = 2; string name = 5; repeated KeyValue attributes = 9; repeated Event events = 11; }
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message LogRecord { repeated KeyValue attributes = 6; string event_name = 12; }
message ScopeLogs { repeated LogRecord log_records = 2; }
message ResourceLogs { repeated ScopeLogs scope_logs = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
`;
const root = protobuf.parse(OTLP_PROTO).root;

/** `key → "int:3" | "double:2" | "string:x"`: how each attribute was encoded. */
type Encoded = Record<string, string>;

interface KV {
  key: string;
  value?: Record<string, unknown>;
}

function encodedJson(list: KV[] | undefined): Encoded {
  const out: Encoded = {};
  for (const kv of list ?? []) {
    const [kind, v] = Object.entries(kv.value ?? {})[0] ?? ['none', ''];
    out[kv.key] = `${kind.replace('Value', '')}:${String(v)}`;
  }
  return out;
}

function encodedProto(list: { key: string; value?: { value?: string; [k: string]: unknown } }[] | undefined): Encoded {
  const out: Encoded = {};
  for (const kv of list ?? []) {
    const which = kv.value?.value ?? 'none';
    out[kv.key] = `${which.replace('Value', '')}:${String(kv.value?.[which] ?? '')}`;
  }
  return out;
}

interface Decoded {
  spans: Encoded[];
  events: Encoded[];
  logs: Encoded[];
}

function decode(received: Receiver['received'], json: boolean): Decoded {
  const d: Decoded = { spans: [], events: [], logs: [] };
  const opts = { oneofs: true, longs: String, defaults: false };
  for (const r of received) {
    const logs = r.path.includes('logs');
    if (json) {
      const body = JSON.parse(r.body.toString('utf8'));
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) {
            d.spans.push(encodedJson(s.attributes));
            for (const e of s.events ?? []) d.events.push(encodedJson(e.attributes));
          }
      for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs) for (const l of sl.logRecords) d.logs.push(encodedJson(l.attributes));
    } else if (logs) {
      const body = root.lookupType('ExportLogsServiceRequest').toObject(root.lookupType('ExportLogsServiceRequest').decode(r.body), opts);
      for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) for (const l of sl.logRecords ?? []) d.logs.push(encodedProto(l.attributes));
    } else {
      const body = root.lookupType('ExportTraceServiceRequest').toObject(root.lookupType('ExportTraceServiceRequest').decode(r.body), opts);
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) {
            d.spans.push(encodedProto(s.attributes));
            for (const e of s.events ?? []) d.events.push(encodedProto(e.attributes));
          }
    }
  }
  return d;
}

function spans(): ReadableSpan[] {
  const done: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [{ onStart: () => {}, onEnd: (s: ReadableSpan) => done.push(s), forceFlush: async () => {}, shutdown: async () => {} }],
  });
  const span = provider.getTracer('t').startSpan('chat m', {
    attributes: {
      'llm.cost.total': 2,
      'llm.cost.prompt': 0,
      'llm.cost.completion': 0.5,
      'tracegate.cost.total_usd': 3,
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.request.model': 'm',
    },
  });
  span.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'json_validity', 'gen_ai.evaluation.score.value': 1 });
  span.end();
  return done;
}

function logRecords(): ReadableLogRecord[] {
  const done: ReadableLogRecord[] = [];
  const processor: LogRecordProcessor = { onEmit: (r: SdkLogRecord) => done.push(r as unknown as ReadableLogRecord), forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new LoggerProvider({ processors: [processor] });
  provider.getLogger('t').emit({ eventName: 'gen_ai.evaluation.result', severityNumber: SeverityNumber.INFO, attributes: { 'gen_ai.evaluation.score.value': 0, 'gen_ai.evaluation.name': 'x', 'other.count': 4 } });
  return done;
}

function exportAll<T>(exporter: { export(items: T, done: (r: { code: number; error?: Error }) => void): void; shutdown(): Promise<void> }, items: T): Promise<void> {
  return new Promise((resolve, reject) => exporter.export(items, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
}

const CASES = [
  { protocol: 'http/json' as const, start: startHttpReceiver, json: true, traces: (u: string) => `${u}/v1/traces`, logs: (u: string) => `${u}/v1/logs` },
  { protocol: 'http/protobuf' as const, start: startHttpReceiver, json: false, traces: (u: string) => `${u}/v1/traces`, logs: (u: string) => `${u}/v1/logs` },
  { protocol: 'grpc' as const, start: startGrpcReceiver, json: false, traces: (u: string) => u, logs: (u: string) => u },
];

describe('declared doubles are doubles on the wire', () => {
  it('the declared doubles are read from semconv/', () => {
    expect(['llm.cost.total', 'llm.cost.prompt', 'gen_ai.evaluation.score.value', 'tracegate.cost.total_usd'].every(isDoubleAttribute)).toBe(true);
    expect(['gen_ai.usage.input_tokens', 'gen_ai.request.max_tokens', 'other.count'].some(isDoubleAttribute)).toBe(false);
  });

  it('the OTLP/JSON lines file', () => {
    const d = decode([{ path: '/v1/traces', contentType: 'application/json', body: Buffer.from(encodeOtlpJsonLine(spans())) }], true);
    expect(d.spans[0]).toMatchObject({ 'llm.cost.total': 'double:2', 'llm.cost.prompt': 'double:0', 'gen_ai.usage.input_tokens': 'int:7' });
    expect(d.events[0]).toMatchObject({ 'gen_ai.evaluation.score.value': 'double:1' });
  });

  for (const c of CASES) {
    it(`${c.protocol}: spans, span events and log records`, async () => {
      const rx = await c.start();
      try {
        const env = {};
        const traces = otlpTraceExporter(c.protocol, env, c.traces(rx.url));
        const logs = otlpLogExporter(c.protocol, { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: c.logs(rx.url) });
        await exportAll(traces, spans());
        await exportAll(logs, logRecords());
        await Promise.all([traces.shutdown(), logs.shutdown()]);
        if (c.protocol === 'grpc') expect(new Set(rx.received.map((r) => r.path))).toEqual(new Set([GRPC_EXPORT_PATHS.traces, GRPC_EXPORT_PATHS.logs]));
        const d = decode(rx.received, c.json);
        expect(d.spans).toHaveLength(1);
        expect(d.spans[0]).toMatchObject({
          'llm.cost.total': 'double:2',
          'llm.cost.prompt': 'double:0',
          'llm.cost.completion': 'double:0.5',
          'tracegate.cost.total_usd': 'double:3',
          'gen_ai.usage.input_tokens': 'int:7',
          'gen_ai.request.model': 'string:m',
        });
        expect(d.events).toEqual([{ 'gen_ai.evaluation.name': 'string:json_validity', 'gen_ai.evaluation.score.value': 'double:1' }]);
        expect(d.logs).toEqual([{ 'gen_ai.evaluation.score.value': 'double:0', 'gen_ai.evaluation.name': 'string:x', 'other.count': 'int:4' }]);
      } finally {
        await rx.close();
      }
    });
  }
});
