/** Export failures: a short reason per kind of failure, one line per exporter and reason, repeats counted and rate-limited. */
import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { ExportHealth, exportFailureReason } from '../../instrumentations/exporters/export-health.js';

const failed = (error: unknown) => ({ code: ExportResultCode.FAILED, error: error as Error });

describe('export health', () => {
  it('names the reason a person fixes', () => {
    expect(exportFailureReason(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' }))).toBe('connection refused');
    expect(exportFailureReason(Object.assign(new Error('Unauthorized'), { code: 401 }))).toBe('HTTP 401');
    expect(exportFailureReason(new Error('Request timed out'))).toBe('timeout');
    expect(exportFailureReason(Object.assign(new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED'), { code: 14, details: 'No connection established' }))).toBe('connection refused');
    expect(exportFailureReason(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 }))).toBe('timeout');
  });

  it('one line per reason; repeats within the interval are counted and said with the next line', () => {
    let t = 0;
    const lines: string[] = [];
    const h = new ExportHealth('OTLP traces (grpc)', 'http://localhost:4317', (l) => lines.push(l), 60_000, () => t);
    const refused = failed(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    h.record(refused);
    h.record(refused);
    h.record(refused);
    h.record(failed(Object.assign(new Error('Forbidden'), { code: 403 })));
    expect(lines).toEqual([
      'OTLP traces (grpc) export to http://localhost:4317 failed: connection refused',
      'OTLP traces (grpc) export to http://localhost:4317 failed: HTTP 403',
    ]);
    t = 61_000;
    h.record(refused);
    expect(lines[2]).toBe('OTLP traces (grpc) export to http://localhost:4317 failed: connection refused (2 more since the last warning)');
    h.record({ code: ExportResultCode.SUCCESS });
    expect(h.status()).toEqual({ exporter: 'OTLP traces (grpc)', endpoint: 'http://localhost:4317', succeeded: 1, failed: 5, lastError: 'connection refused' });
  });
});
