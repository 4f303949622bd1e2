/**
 * What became of an exporter's exports: counts of successes and failures, the last failure's
 * reason, and a warning line per exporter and reason (connection refused, HTTP 4xx/5xx,
 * timeout, ...), rate-limited: the first failure of a reason is said at once, repeats of it
 * are counted and said at most once per `intervalMs`. Without it a collector that nobody runs
 * loses every span in silence (the OpenTelemetry exporters log only through `diag`).
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

export interface ExportStatus {
  /** `otlp traces (grpc)`, `otlp metrics (http/json)`, ... */
  readonly exporter: string;
  readonly endpoint: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly lastError: string | undefined;
}

export type WarnLine = (line: string) => void;

export const stderrWarn: WarnLine = (line) => {
  process.stderr.write(`tracegate: ${line}\n`);
};

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** A short reason for a failed export: what a person fixes (the collector is not running, a 401, ...). */
export function exportFailureReason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; details?: unknown } | undefined;
  const message = String(e?.message ?? e ?? 'unknown error');
  const details = typeof e?.details === 'string' ? e.details : '';
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED|connection refused/i.test(`${message} ${details}`)) return 'connection refused';
  if (e?.code === 'ENOTFOUND' || /ENOTFOUND|getaddrinfo/i.test(message)) return 'host not found';
  if (e?.code === GRPC_DEADLINE_EXCEEDED || /timed? ?out|timeout|deadline/i.test(message)) return 'timeout';
  if (e?.code === GRPC_UNAVAILABLE) return `unavailable${details ? ` (${details.slice(0, 80)})` : ''}`;
  if (typeof e?.code === 'number' && e.code >= 400 && e.code < 600) return `HTTP ${e.code}`;
  if (/concurrent export limit/i.test(message)) return 'export queue full';
  return message.replace(/\s+/g, ' ').slice(0, 120);
}

export class ExportHealth {
  private succeededCount = 0;
  private failedCount = 0;
  private lastReason: string | undefined;
  private readonly said = new Map<string, { at: number; suppressed: number }>();

  constructor(
    readonly exporter: string,
    readonly endpoint: string,
    private readonly warn: WarnLine = stderrWarn,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.succeededCount += 1;
      return;
    }
    this.failedCount += 1;
    const reason = exportFailureReason(result.error);
    this.lastReason = reason;
    const t = this.now();
    const prior = this.said.get(reason);
    if (prior && t - prior.at < this.intervalMs) {
      prior.suppressed += 1;
      return;
    }
    const more = prior?.suppressed ? ` (${prior.suppressed} more since the last warning)` : '';
    this.said.set(reason, { at: t, suppressed: 0 });
    this.warn(`${this.exporter} export to ${this.endpoint} failed: ${reason}${more}`);
  }

  status(): ExportStatus {
    return { exporter: this.exporter, endpoint: this.endpoint, succeeded: this.succeededCount, failed: this.failedCount, lastError: this.lastReason };
  }
}
