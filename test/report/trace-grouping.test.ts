/**
 * Trace grouping in bounded memory: a trace closes after an idle gap in the file's span end times
 * or, past the cap on open traces, early; spans that come after their trace closed are counted as
 * late or overflow (by kind), never dropped silently; a late root span with an error still turns
 * its trace into a failure; lines out of time order (an older file appended) do not make spans late.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type ReportOptions } from '../../src/report/index.js';
import { synthSpans, type SynthCall } from './helpers/synth.js';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-grouping-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Span = { spanId: string; parentSpanId?: string; name: string; status: { code: number } };

/** A call's spans by role: app parent (when asked), attempts, call. */
function call(key: string, startMs: number, extra: Partial<SynthCall> = {}): { app?: Span; attempts: Span[]; call: Span } {
  const spans = synthSpans({ route: 'r', startMs, latencyMs: 100, attempts: [{ deployment: 'd', provider: 'openai', model: 'm', costUsd: 0.001 }], traceKey: `${key}-${dir}`, ...extra }) as Span[];
  const app = extra.appParent ? spans.shift() : undefined;
  const c = spans.pop()!;
  return { ...(app ? { app } : {}), attempts: spans, call: c };
}

async function report(lines: Span[][], options: Partial<ReportOptions>) {
  const file = join(dir, `t${++n}.jsonl`);
  writeFileSync(file, lines.map((spans) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] })).join('\n') + '\n');
  return buildReport({ traces: file, progress: false, ...options });
}

describe('trace grouping', () => {
  it('late spans after the idle gap: counted by kind; a late root error fails the trace; a call waiting for lost attempts joins when its trace closes', async () => {
    const x = call('X', 0, { appParent: true });
    const x2 = call('X2', 10);
    const y = call('Y', 10_000);
    x.app!.status = { code: 2 };
    const r = await report(
      [
        [...x.attempts, x.call, x2.call], // X2's attempt span is not there yet: its call waits
        [...y.attempts, y.call], // 10 s later: X and X2 have been idle for more than 1 s
        [x.app!, ...x2.attempts], // too late
      ],
      { traceIdleMs: 1000 },
    );
    expect(r.traceGrouping).toMatchObject({ traces: 3, closedIdle: 2, closedAtEnd: 1, partial: 1, late: { spans: 2, calls: 0, attempts: 1, evaluations: 0, other: 1 }, verdictsChangedAfterClose: 1 });
    const t = r.totals.traces;
    expect([t.traces, t.successes, t.partial]).toEqual([3, 2, 1]); // X lost its root to the gap: partial, and failed once the root came
    expect(t.costWholeUsd).toBeCloseTo(0.003, 12); // X2's call joined without its attempt: the call span's total
    expect(r.totals.costPerSuccessfulTrace!).toBeCloseTo(0.0015, 12);
    // The request-level figures still have every call.
    expect(r.totals.requests).toBe(3);
  });

  it('more open traces than the cap: the least recently active closes early; its later spans are overflow', async () => {
    const p = call('P', 0);
    const p2 = call('P', 50);
    const q = call('Q', 20);
    const s = call('S', 30);
    const r = await report([[...p.attempts, p.call], [...q.attempts, q.call], [...s.attempts, s.call], [...p2.attempts, p2.call]], { maxOpenTraces: 2 });
    expect(r.traceGrouping).toMatchObject({ traces: 3, closedCap: 1, closedAtEnd: 2, peakOpen: 3, overflow: { spans: 2, calls: 1, attempts: 1 }, late: { spans: 0 } });
    expect(r.totals.traces.traces).toBe(3);
    expect(r.totals.traces.callsPerTrace.p95).toBe(1); // P's second call is not in its trace
    expect(r.totals.requests).toBe(4);
  });

  it('an older file appended after a newer one: nothing is late; traces without calls are counted apart', async () => {
    const w = call('W', 100_000);
    const v1 = call('V', 0);
    const v2 = call('V', 500);
    const lonely = { traceId: 'e'.repeat(32), spanId: 'e'.repeat(16), name: 'health', kind: 1, startTimeUnixNano: '1000000', endTimeUnixNano: '2000000', attributes: [], events: [], links: [], status: { code: 0 } };
    const r = await report([[...w.attempts, w.call], [...v1.attempts, v1.call], [...v2.attempts, v2.call, lonely as unknown as Span]], { traceIdleMs: 1000 });
    expect(r.traceGrouping).toMatchObject({ traces: 2, tracesWithoutCalls: 1, late: { spans: 0 }, overflow: { spans: 0 } });
    expect(r.totals.traces.callsPerTrace).toMatchObject({ p50: 1, p95: 2 });
  });
});
