/**
 * `buildReport()`: reads the trace file (streaming), an optional evaluations file and router
 * config, joins spans into calls, folds them into cohorts, and returns the `Report` the renderers
 * print. With `compare` the baseline file is reported the same way and compared; with `window` one
 * file is split at a time into a baseline and a current window.
 */
import { ReportSink, WindowAggregator, overallCoverage } from './aggregate.js';
import type { Dimension } from './cohort.js';
import { compareReports } from './compare.js';
import { loadRouteConfig, type RouteConfig } from './config-file.js';
import { Joiner, type JoinStats } from './model/join.js';
import {
  REQUIRED_ANSWERED_CALL_ATTRIBUTES,
  REQUIRED_ANSWERED_CHAT_ATTEMPT_ATTRIBUTES,
  REQUIRED_ATTEMPT_ATTRIBUTES,
  REQUIRED_CALL_ATTRIBUTES,
  REQUIRED_FAILED_ATTEMPT_ATTRIBUTES,
} from './model/required.js';
import { isCallSpan, type PendingEval } from './model/records.js';
import { readEvalsFile, type EvalsFileStats } from './read/evals-file.js';
import { createProgress, type ProgressStream } from './read/progress.js';
import { readTraceFile, type ReadStats } from './read/trace-file.js';
import { TraceGrouper, type SuccessMode } from './traces.js';
import { REPORT_FORMAT_VERSION, type CompareThresholds, type Report, type ReportInput, type TraceGroupingStats } from './types.js';
import { basename } from 'node:path';

export interface ReportOptions {
  /** The trace file: OTLP/JSON lines, a whole OTLP/JSON export, or a Jaeger `/api/traces` response. */
  traces: string;
  /** A separate evaluations file (JSON lines, or OTLP/JSON with evaluation spans). */
  evals?: string;
  /** Cohort tables besides the route table (default: provider, model, deployment). */
  by?: Dimension[][];
  /** Router or proxy config (native, router options, or LiteLLM) giving the aliases' primaries. */
  config?: string;
  /** A baseline trace file to compare with. */
  compare?: string;
  /** Split `traces` at this time (epoch ms), or at the middle of its calls (`'auto'`), into baseline and current. */
  window?: number | 'auto';
  thresholds?: Partial<CompareThresholds>;
  /** Calls kept for the HTML trace list (default 200). */
  sampleSize?: number;
  /** Trace success: `status` (root span and gateway calls, the default) or `evals` (also every evaluation passed). */
  success?: SuccessMode;
  /** A trace closes once the file's span end times moved this far past its last span (default 5 min). */
  traceIdleMs?: number;
  /** Open traces kept at most (default 50 000); past that the least recently active closes early. */
  maxOpenTraces?: number;
  /** Where the progress line goes (only drawn on a TTY); false for none. Default: stderr. */
  progress?: ProgressStream | false;
}

function progressFor(options: ReportOptions, file: string): ((total: number) => ReturnType<typeof createProgress>) | undefined {
  if (options.progress === false) return undefined;
  const stream = options.progress ?? process.stderr;
  return (total) => createProgress(basename(file), total, stream);
}

function metadataKeys(by: Dimension[][] | undefined): string[] {
  const keys = new Set<string>();
  for (const t of by ?? []) for (const d of t) if (d.startsWith('metadata.')) keys.add(d.slice('metadata.'.length));
  return [...keys];
}

/** First pass for `--window auto`: the middle of the call spans' start times. */
async function middleOfCalls(options: ReportOptions): Promise<number> {
  let min = Infinity;
  let max = -Infinity;
  await readTraceFile(
    options.traces,
    (s) => {
      if (!isCallSpan(s.attributes)) return;
      if (s.startMs < min) min = s.startMs;
      if (s.startMs > max) max = s.startMs;
    },
    { progress: progressFor(options, options.traces) },
  );
  return Number.isFinite(min) ? min + (max - min) / 2 : 0;
}

interface Pass {
  windows: WindowAggregator[];
  traces: ReadStats;
  evals: EvalsFileStats | undefined;
  join: JoinStats;
  traceGrouping: TraceGroupingStats;
}

async function runPass(options: ReportOptions, traces: string, windows: WindowAggregator[], select: ((startMs: number) => number) | undefined, evals: PendingEval[] | undefined): Promise<Omit<Pass, 'evals'>> {
  const sink = new ReportSink(windows, select ? (c) => select(c.startMs) : undefined);
  const joiner = new Joiner(sink, { metadataKeys: metadataKeys(options.by) });
  const grouper = new TraceGrouper(
    {
      ...(options.success ? { success: options.success } : {}),
      ...(options.traceIdleMs !== undefined ? { idleMs: options.traceIdleMs } : {}),
      ...(options.maxOpenTraces !== undefined ? { maxOpenTraces: options.maxOpenTraces } : {}),
    },
    joiner,
  );
  sink.traces = grouper;
  for (const e of evals ?? []) joiner.addEvaluation(e);
  const stats = await readTraceFile(
    traces,
    (span) => {
      grouper.span(span);
      joiner.addSpan(span);
    },
    { progress: progressFor(options, traces), onDocumentEnd: () => grouper.endOfDocument() },
  );
  const join = joiner.finish();
  const traceGrouping = grouper.finish();
  return { windows, traces: stats, join, traceGrouping };
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

function assemble(pass: Omit<Pass, 'evals'>, current: WindowAggregator, input: ReportInput, config: RouteConfig | undefined): Report {
  const snap = current.snapshot(config);
  const coverage = overallCoverage(current);
  return {
    format: 'tracegate-report',
    version: REPORT_FORMAT_VERSION,
    generatedAt: new Date().toISOString(),
    input,
    ...snap,
    coverage: {
      ...coverage,
      callsMissingAttempts: pass.join.callsMissingAttempts,
      orphanAttempts: pass.join.orphanAttempts,
      orphanEvaluations: pass.join.orphanEvaluations,
      required: {
        call: REQUIRED_CALL_ATTRIBUTES,
        answeredCall: REQUIRED_ANSWERED_CALL_ATTRIBUTES,
        attempt: REQUIRED_ATTEMPT_ATTRIBUTES,
        failedAttempt: REQUIRED_FAILED_ATTEMPT_ATTRIBUTES,
        answeredChatAttempt: REQUIRED_ANSWERED_CHAT_ATTEMPT_ATTRIBUTES,
      },
    },
    join: pass.join,
    traceGrouping: pass.traceGrouping,
  };
}

export async function buildReport(options: ReportOptions): Promise<Report> {
  const config = options.config ? await loadRouteConfig(options.config) : undefined;
  let evals: PendingEval[] | undefined;
  let evalsStats: EvalsFileStats | undefined;
  if (options.evals) {
    evals = [];
    const list = evals;
    evalsStats = await readEvalsFile(options.evals, (e) => list.push(e), { progress: progressFor(options, options.evals) });
  }
  const aggOptions = { ...(options.by ? { tables: options.by } : {}), ...(options.sampleSize !== undefined ? { sampleSize: options.sampleSize } : {}) };
  let windows: WindowAggregator[];
  let select: ((startMs: number) => number) | undefined;
  if (options.window !== undefined) {
    const split = options.window === 'auto' ? await middleOfCalls(options) : options.window;
    windows = [new WindowAggregator(`before ${isoTime(split)}`, aggOptions), new WindowAggregator(`from ${isoTime(split)}`, aggOptions)];
    select = (startMs) => (startMs < split ? 0 : 1);
  } else {
    windows = [new WindowAggregator(basename(options.traces), aggOptions)];
  }
  const pass = await runPass(options, options.traces, windows, select, evals);
  const input: ReportInput = {
    traces: [pass.traces],
    evals: evalsStats ? { file: evalsStats.file, results: evalsStats.results, badLines: evalsStats.badLines, badLineSamples: evalsStats.badLineSamples } : undefined,
    config: options.config,
  };
  const report = assemble(pass, windows[windows.length - 1]!, input, config);
  if (options.window !== undefined) {
    const baseline = windows[0]!.snapshot(config);
    report.baseline = baseline;
    report.comparison = compareReports(baseline, report, { baseline: `${options.traces} (${baseline.label})`, current: `${options.traces} (${report.label})` }, options.thresholds);
  } else if (options.compare) {
    const baseWindow = new WindowAggregator(basename(options.compare), aggOptions);
    const basePass = await runPass(options, options.compare, [baseWindow], undefined, evals);
    input.traces.push(basePass.traces);
    const baseline = baseWindow.snapshot(config);
    report.baseline = baseline;
    report.comparison = compareReports(baseline, report, { baseline: options.compare, current: options.traces }, options.thresholds);
  }
  return report;
}
