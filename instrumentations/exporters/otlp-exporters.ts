/**
 * The OTLP span and log exporters over the three protocols, built from the same public parts as
 * the @opentelemetry/exporter-{trace,logs}-otlp-* packages (the HTTP or gRPC export delegate of
 * @opentelemetry/otlp-exporter-base / otlp-grpc-exporter-base and the serializers of
 * @opentelemetry/otlp-transformer), with one difference: the serializer writes the attributes
 * declared as doubles in semconv/ as `double_value` even when whole (see double-values.ts). Spans
 * in protobuf (http/protobuf and gRPC, the common case) are encoded in one pass by
 * trace-protobuf.ts; JSON and logs go through the transformer and a rewrite of its output.
 * Endpoint, headers, timeout and compression come from `OTEL_EXPORTER_OTLP_*` through the same
 * option converters as in those packages. Each protocol's modules load only when it is chosen
 * (gRPC pulls in @grpc/grpc-js).
 */
import type { IOtlpExportDelegate, OTLPExporterBase, OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import type { IExporterMetricsHelper, ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { doublesInJsonBytes, doublesInProtobuf } from './double-values.js';
import type { OtlpProtocol } from './otlp-protocol.js';
import { encodeTraceRequest } from './trace-protobuf.js';

/**
 * The `node-http` entry of @opentelemetry/otlp-exporter-base, typed here: it is reachable only
 * through the package's `exports` map, which the CommonJS build's type resolution does not read.
 */
interface NodeHttpEntry {
  convertLegacyHttpOptions(config: OTLPExporterNodeConfigBase, signal: string, path: string, headers: Record<string, string>): unknown;
  createOtlpHttpExportDelegate<I, R>(options: unknown, serializer: ISerializer<I, R>, componentType: string, metrics: IExporterMetricsHelper<I>, meterProvider: undefined): IOtlpExportDelegate<I>;
}
const NODE_HTTP_ENTRY = '@opentelemetry/otlp-exporter-base/node-http';

function withDoubles<I, R>(inner: ISerializer<I, R>, rewrite: (bytes: Uint8Array) => Uint8Array): ISerializer<I, R> {
  return {
    serializeRequest: (request) => {
      const bytes = inner.serializeRequest(request);
      return bytes && rewrite(bytes);
    },
    deserializeResponse: (data) => inner.deserializeResponse(data),
  };
}

interface Signal<I> {
  /** `TRACES` / `LOGS` as the option converters name it. */
  id: 'TRACES' | 'LOGS';
  path: string;
  json: ISerializer<I, unknown>;
  protobuf: ISerializer<I, unknown>;
  metrics: IExporterMetricsHelper<I>;
  component: { http: string; grpc: string };
  grpc: { service: string; method: string };
}

async function createExporter<I>(protocol: OtlpProtocol, url: string, signal: Signal<I>): Promise<OTLPExporterBase<I>> {
  const { OTLPExporterBase } = await import('@opentelemetry/otlp-exporter-base');
  if (protocol === 'grpc') {
    const grpc = await import('@opentelemetry/otlp-grpc-exporter-base');
    const options = grpc.convertLegacyOtlpGrpcOptions({ url }, signal.id);
    return new OTLPExporterBase(
      grpc.createOtlpGrpcExportDelegate(options, signal.protobuf, signal.component.grpc, signal.metrics, undefined, signal.grpc.service, signal.grpc.method),
    );
  }
  const http = (await import(NODE_HTTP_ENTRY)) as NodeHttpEntry;
  const json = protocol === 'http/json';
  const options = http.convertLegacyHttpOptions({ url }, signal.id, signal.path, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
  return new OTLPExporterBase(http.createOtlpHttpExportDelegate(options, json ? signal.json : signal.protobuf, signal.component.http, signal.metrics, undefined));
}

/** An OTLP span exporter for `protocol` sending to `url`. */
export async function createOtlpSpanExporter(protocol: OtlpProtocol, url: string): Promise<OTLPExporterBase<ReadableSpan[]>> {
  const t = await import('@opentelemetry/otlp-transformer');
  return createExporter<ReadableSpan[]>(protocol, url, {
    id: 'TRACES',
    path: 'v1/traces',
    json: withDoubles(t.JsonTraceSerializer, doublesInJsonBytes),
    // One pass, doubles included (trace-protobuf.ts); the response is read by the standard deserializer.
    protobuf: { serializeRequest: encodeTraceRequest, deserializeResponse: (data) => t.ProtobufTraceSerializer.deserializeResponse(data) },
    metrics: t.TraceExporterMetricsHelper,
    component: { http: 'otlp_http_span_exporter', grpc: 'otlp_grpc_span_exporter' },
    grpc: { service: 'TraceExportService', method: '/opentelemetry.proto.collector.trace.v1.TraceService/Export' },
  });
}

/** An OTLP log exporter for `protocol` sending to `url`. */
export async function createOtlpLogExporter(protocol: OtlpProtocol, url: string): Promise<OTLPExporterBase<ReadableLogRecord[]>> {
  const t = await import('@opentelemetry/otlp-transformer');
  return createExporter<ReadableLogRecord[]>(protocol, url, {
    id: 'LOGS',
    path: 'v1/logs',
    json: withDoubles(t.JsonLogsSerializer, doublesInJsonBytes),
    protobuf: withDoubles(t.ProtobufLogsSerializer, (b) => doublesInProtobuf(b, 'logs')),
    metrics: t.LogsExporterMetricsHelper,
    component: { http: 'otlp_http_log_exporter', grpc: 'otlp_grpc_log_exporter' },
    grpc: { service: 'LogsExportService', method: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' },
  });
}
