/**
 * Reading the same spans in every accepted form gives the same figures: OTLP/JSON lines (with bad
 * lines skipped and counted), a whole-file OTLP/JSON export (one object; an array), a Jaeger
 * query API export, and evaluations from a separate file (JSON lines, or OTLP/JSON). Missing and
 * unreadable files are clear errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError } from '../../src/report/errors.js';
import { buildReport, type Report } from '../../src/report/index.js';
import { readEvalsFile } from '../../src/report/read/evals-file.js';
import { runScriptedScenario, type ScenarioFiles } from './helpers/scenario.js';
import { otlpLinesToJaeger } from './helpers/to-jaeger.js';

let dir: string;
let files: ScenarioFiles;
let reference: Report;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-readers-'));
  files = await runScriptedScenario(dir);
  reference = await buildReport({ traces: files.tracesFile, evals: files.evalsFile, progress: false });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The figures that must not depend on the input format (latencies checked separately, to the µs). */
function figures(r: Report): unknown {
  return {
    tables: r.tables.map((t) => ({
      by: t.by,
      cohorts: t.cohorts.map((c) => ({ ...c, latencyMs: c.latencyMs.count, ttftMs: c.ttftMs.count, costUsd: c.costUsd.toFixed(12), costPerRequest: c.costPerRequest?.toFixed(12), costPerSuccessfulTrace: c.costPerSuccessfulTrace?.toFixed(12) })),
    })),
    routes: r.routes,
    providers: r.providers.map((p) => ({ ...p, costUsd: p.costUsd.toFixed(12) })),
    coverage: r.coverage,
    traces: r.traces.map((t) => ({ id: t.spanId, outcome: t.outcome, attempts: t.attempts.map((a) => [a.index, a.deployment, a.errorType]), evals: t.evals.length })),
  };
}

function lines(): string[] {
  return readFileSync(files.tracesFile, 'utf8').split('\n').filter(Boolean);
}

describe('trace readers', () => {
  it('OTLP/JSON lines: the reference has the scripted calls', () => {
    expect(reference.input.traces[0]).toMatchObject({ format: 'otlp-json-lines', badLines: 0, skippedSpans: 0 });
    expect(reference.totals.requests).toBe(14);
  });

  it('bad lines are skipped and counted with their line numbers; the figures do not change', async () => {
    const good = lines();
    const mixed = [good[0], 'this is not json', ...good.slice(1, 3), '{"resourceSpans": [', '{"some": "object"}', ...good.slice(3), ''].join('\n');
    const file = join(dir, 'bad-lines.jsonl');
    writeFileSync(file, mixed);
    const r = await buildReport({ traces: file, evals: files.evalsFile, progress: false });
    expect(r.input.traces[0]!.badLines).toBe(3);
    expect(r.input.traces[0]!.badLineSamples.map((b) => b.line)).toEqual([2, 5, 6]);
    expect(r.input.traces[0]!.badLineSamples[0]!.message).toMatch(/^not JSON/);
    expect(r.input.traces[0]!.badLineSamples[2]!.message).toMatch(/resourceSpans/);
    expect(figures(r)).toEqual(figures(reference));
  });

  it('a whole-file OTLP/JSON export: one pretty-printed object, or an array of requests', async () => {
    const requests = lines().map((l) => JSON.parse(l));
    const merged = { resourceSpans: requests.flatMap((r) => r.resourceSpans) };
    const one = join(dir, 'export.json');
    writeFileSync(one, JSON.stringify(merged, null, 2));
    const r1 = await buildReport({ traces: one, evals: files.evalsFile, progress: false });
    expect(r1.input.traces[0]!.format).toBe('otlp-json');
    expect(figures(r1)).toEqual(figures(reference));
    const arr = join(dir, 'export-array.json');
    writeFileSync(arr, JSON.stringify(requests, null, 2));
    const r2 = await buildReport({ traces: arr, evals: files.evalsFile, progress: false });
    expect(figures(r2)).toEqual(figures(reference));
  });

  it('a Jaeger /api/traces export of the same spans gives the same figures', async () => {
    const file = join(dir, 'jaeger.json');
    writeFileSync(file, JSON.stringify(otlpLinesToJaeger(files.tracesFile), null, 1));
    const r = await buildReport({ traces: file, evals: files.evalsFile, progress: false });
    expect(r.input.traces[0]!.format).toBe('jaeger');
    expect(figures(r)).toEqual(figures(reference));
    // Jaeger keeps microseconds: latencies agree to the µs.
    const ref = reference.tables[0]!.cohorts[0]!;
    const got = r.tables[0]!.cohorts[0]!;
    expect(got.latencyMs.p95!).toBeCloseTo(ref.latencyMs.p95!, 2);
    expect(got.ttftMs.count).toBe(ref.ttftMs.count);
  });

  it('evaluations from a separate OTLP/JSON file (evaluation spans only) join like in-trace ones', async () => {
    // Move the evaluation spans out of the traces into their own file.
    const traces: string[] = [];
    const evals: string[] = [];
    for (const line of lines()) {
      const doc = JSON.parse(line);
      const pick = (keep: (s: { name: string }) => boolean) => ({
        resourceSpans: doc.resourceSpans.map((rs: { scopeSpans: { spans: { name: string }[] }[] }) => ({ ...rs, scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.filter(keep) })) })),
      });
      traces.push(JSON.stringify(pick((s) => !s.name.startsWith('evaluation '))));
      evals.push(JSON.stringify(pick((s) => s.name.startsWith('evaluation '))));
    }
    const tf = join(dir, 'no-evals.jsonl');
    const ef = join(dir, 'evals-otlp.jsonl');
    writeFileSync(tf, traces.join('\n'));
    writeFileSync(ef, evals.join('\n'));
    const without = await buildReport({ traces: tf, progress: false });
    expect(without.tables[0]!.cohorts[0]!.evals).toEqual([]);
    const r = await buildReport({ traces: tf, evals: ef, progress: false });
    const fast = r.tables[0]!.cohorts.find((c) => c.label === 'support-fast')!;
    expect(fast.evals).toEqual([{ evaluator: 'json_validity', results: 6, withVerdict: 6, failed: 2, failRate: 2 / 6, meanScore: 4 / 6 }]);
  });

  it('the JSON-lines evaluations file: traceparent accepted, bad lines counted, the verdict derived', async () => {
    const t = files.targets.A[0]!;
    const file = join(dir, 'evals-mixed.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ traceparent: `00-${t.traceId}-${t.attemptSpanId}-01`, name: 'relevancy', score: 0.2, threshold: 0.5 }),
        JSON.stringify({ traceId: t.traceId, spanId: t.spanId, name: 'relevancy', label: 'pass' }),
        JSON.stringify({ traceId: 'nothex', name: 'x', score: 1 }),
        JSON.stringify({ traceId: t.traceId, name: 'x' }),
        'not json',
      ].join('\n'),
    );
    const got: unknown[] = [];
    const stats = await readEvalsFile(file, (e) => got.push(e));
    expect(stats.results).toBe(2);
    expect(stats.badLines).toBe(3);
    expect(stats.badLineSamples.map((b) => [b.line, b.message])).toEqual([
      [3, '"traceId" (32 hex digits) or "traceparent" is required'],
      [4, 'one of "score", "passed", "label" is required'],
      [5, expect.stringMatching(/^not JSON/)],
    ]);
    const r = await buildReport({ traces: files.tracesFile, evals: file, progress: false });
    const fast = r.tables[0]!.cohorts.find((c) => c.label === 'support-fast')!;
    expect(fast.evals.find((e) => e.evaluator === 'relevancy')).toMatchObject({ results: 2, withVerdict: 2, failed: 1 });
    expect(r.input.evals).toMatchObject({ results: 2, badLines: 3 });
  });

  it('missing, empty-of-data and invalid files are clear errors', async () => {
    await expect(buildReport({ traces: join(dir, 'nope.jsonl'), progress: false })).rejects.toThrow(/cannot read traces file .*nope\.jsonl: no such file/);
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello\nworld\n');
    const err = await buildReport({ traces: junk, progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportInputError);
    expect((err as ReportInputError).line).toBe(1);
    expect((err as Error).message).toMatch(/junk\.txt has no usable line: line 1: not JSON/);
    const notTraces = join(dir, 'object.json');
    writeFileSync(notTraces, '{\n  "hello": "world"\n}\n');
    await expect(buildReport({ traces: notTraces, progress: false })).rejects.toThrow(/not an OTLP\/JSON ExportTraceServiceRequest/);
    await expect(buildReport({ traces: files.tracesFile, evals: join(dir, 'none.jsonl'), progress: false })).rejects.toThrow(/cannot read evaluations file/);
    await expect(buildReport({ traces: dir, progress: false })).rejects.toThrow(/is not a file/);
  });
});
