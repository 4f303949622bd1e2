/**
 * Where the proxy's traces go: the config's `telemetry` section, else the standard OTEL_*
 * environment (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT...), else off. When on, the
 * instrumentation's `register()` is loaded (only then: the OpenTelemetry SDK is not loaded by
 * a proxy that does not trace). The handle flushes and shuts the tracer provider down at exit.
 */
import type { TelemetrySettings } from '../proxy/config/schema.js';

export interface TelemetryHandle {
  /** For the startup line: `off`, `OTLP http://localhost:4318/v1/traces`, `file ./tracegate-traces.jsonl`, `console`. */
  readonly description: string;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export type TraceTarget = 'otlp' | 'console' | 'file';

const OFF: TelemetryHandle = { description: 'off', forceFlush: async () => {}, shutdown: async () => {} };

/** The exporters asked for by the config or the environment (empty: tracing off). */
export function wantedExporters(settings: TelemetrySettings, env: NodeJS.ProcessEnv): TraceTarget[] {
  if (/^true$/i.test(env.OTEL_SDK_DISABLED ?? '')) return [];
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

export async function startTelemetry(settings: TelemetrySettings, env: NodeJS.ProcessEnv, warn: (line: string) => void): Promise<TelemetryHandle> {
  const wanted = wantedExporters(settings, env);
  if (!wanted.length) return OFF;
  warn(`tracing was asked for (${wanted.join(', ')}) but this build has no instrumentation yet; traces: off`);
  return OFF;
}
