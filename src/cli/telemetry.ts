/**
 * Where the proxy's traces go: the config's `telemetry` section, else the standard OTEL_*
 * environment (OTEL_TRACES_EXPORTER, or an OTLP endpoint variable), else off. When on,
 * `register()` from the instrumentation is loaded (only then: a proxy that does not trace never
 * loads the OpenTelemetry SDK). The proxy drives the lifecycle itself — it drains first, then
 * flushes and shuts the tracer provider down, bounded in time — so register's own exit and
 * signal hooks are not installed.
 */
import type { TelemetrySettings } from '../proxy/config/schema.js';

type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface TelemetryHandle {
  /** For the startup line: `off`, `OTLP http://localhost:4318/v1/traces`, `file ./tracegate-traces.jsonl`, `console`. */
  readonly description: string;
  forceFlush(): Promise<void>;
  /** Flushes and shuts down (at most `SHUTDOWN_TIMEOUT_MS`: an unreachable collector must not hold the exit). */
  shutdown(): Promise<void>;
}

export type TraceTarget = 'otlp' | 'console' | 'file';

const SHUTDOWN_TIMEOUT_MS = 3000;
const OFF: TelemetryHandle = { description: 'off', forceFlush: async () => {}, shutdown: async () => {} };

/** The exporters asked for by the config or the environment (empty: tracing off). */
export function wantedExporters(settings: TelemetrySettings, env: NodeJS.ProcessEnv): TraceTarget[] {
  if (/^true$/i.test((env.OTEL_SDK_DISABLED ?? '').trim())) return [];
  if (settings.traces) return settings.traces === 'none' ? [] : [settings.traces];
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (named.includes('none')) return [];
  const known = named.filter((n): n is TraceTarget => n === 'otlp' || n === 'console' || n === 'file');
  if (known.length) return [...new Set(known)];
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : [];
}

/** The OTLP protocol of the traces exporter: the config's, else the standard variables', else http/protobuf. */
export function tracesProtocol(settings: TelemetrySettings, env: NodeJS.ProcessEnv): OtlpProtocol {
  const raw = (settings.protocol ?? env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim().toLowerCase();
  return raw === 'grpc' || raw === 'http/json' ? raw : 'http/protobuf';
}

/** Where the OTLP exporter sends, as the exporter resolves it (gRPC on 4317, HTTP on 4318). */
export function otlpEndpoint(settings: TelemetrySettings, env: NodeJS.ProcessEnv): string {
  const protocol = tracesProtocol(settings, env);
  if (settings.endpoint) return settings.endpoint;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return protocol === 'grpc' ? env.OTEL_EXPORTER_OTLP_ENDPOINT : `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318/v1/traces';
}

export function describeTargets(targets: readonly TraceTarget[], settings: TelemetrySettings, env: NodeJS.ProcessEnv): string {
  if (!targets.length) return 'off';
  return targets
    .map((t) =>
      t === 'otlp'
        ? `OTLP ${tracesProtocol(settings, env)} ${otlpEndpoint(settings, env)}`
        : t === 'file'
          ? `file ${settings.file ?? env.TRACEGATE_TRACES_FILE ?? './tracegate-traces.jsonl'}`
          : 'console',
    )
    .join(', ');
}

function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    p.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

export async function startTelemetry(settings: TelemetrySettings, env: NodeJS.ProcessEnv, warn: (line: string) => void): Promise<TelemetryHandle> {
  const targets = wantedExporters(settings, env);
  if (!targets.length) return OFF;
  let registration;
  try {
    const { register } = await import('../../instrumentations/index.js');
    registration = register({
      traces: targets,
      env,
      flushOnExit: false,
      ...(settings.endpoint ? { otlpEndpoint: settings.endpoint } : {}),
      ...(settings.protocol ? { otlpProtocol: settings.protocol } : {}),
      warn,
      ...(settings.file ? { tracesFile: settings.file } : {}),
      ...(settings.serviceName ? { serviceName: settings.serviceName } : {}),
      ...(settings.captureContent !== undefined ? { instrumentation: { captureContent: settings.captureContent } } : {}),
    });
  } catch (err) {
    // Telemetry must not stop the proxy.
    warn(`tracing could not start (${(err as Error)?.message ?? String(err)}); traces: off`);
    return OFF;
  }
  const r = registration;
  const own = r.tracerProvider !== undefined;
  return {
    description: own ? describeTargets(targets, settings, env) : 'the application\'s own tracer provider',
    forceFlush: () => bounded(r.forceFlush(), SHUTDOWN_TIMEOUT_MS),
    shutdown: () => bounded(r.shutdown(), SHUTDOWN_TIMEOUT_MS),
  };
}
