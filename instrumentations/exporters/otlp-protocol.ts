/**
 * The OTLP protocol of each signal, as the OpenTelemetry specification reads it:
 * `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else
 * `http/protobuf`. An explicit option (the proxy's `telemetry.protocol`) wins over both. An
 * unknown value is a warning and falls back to `http/protobuf`, saying so.
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

export function isOtlpProtocol(value: string): value is OtlpProtocol {
  return (OTLP_PROTOCOLS as readonly string[]).includes(value);
}

export function otlpProtocol(
  signal: OtlpSignal,
  env: NodeJS.ProcessEnv,
  override?: OtlpProtocol,
  warn: (line: string) => void = () => {},
): OtlpProtocol {
  if (override) return override;
  const variable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`;
  const raw = (env[variable] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim().toLowerCase();
  if (!raw) return 'http/protobuf';
  if (isOtlpProtocol(raw)) return raw;
  const from = env[variable] !== undefined ? variable : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  warn(`${from}="${raw}" is not an OTLP protocol (${OTLP_PROTOCOLS.join(', ')}); exporting ${signal} over http/protobuf`);
  return 'http/protobuf';
}

/** The collector's default endpoint for a protocol: gRPC on 4317, HTTP on 4318 with the signal's path. */
export function defaultOtlpEndpoint(protocol: OtlpProtocol, signal: OtlpSignal): string {
  return protocol === 'grpc' ? 'http://localhost:4317' : `http://localhost:4318/v1/${signal}`;
}

/**
 * Where a signal's exporter sends, resolved as the exporter packages do: the signal's own
 * endpoint variable as is; the generic one with `/v1/<signal>` appended for HTTP (as is for gRPC).
 */
export function resolveOtlpEndpoint(protocol: OtlpProtocol, signal: OtlpSignal, env: NodeJS.ProcessEnv, explicit?: string): string {
  if (explicit) return explicit;
  const own = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`];
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base) return protocol === 'grpc' ? base : `${base.replace(/\/+$/, '')}/v1/${signal}`;
  return defaultOtlpEndpoint(protocol, signal);
}
