/**
 * `tracegate report <traces> [--evals file] [--by route,provider] [--html out.html] [--json]
 * [--compare baseline] [--window time|auto] [--config file] [--traces N]`: the cohort report from
 * exported traces, on the terminal, as JSON, and as a self-contained HTML page.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ReportInputError } from '../../report/errors.js';
import { buildReport, parseDimensions, renderHtml, renderJson, renderTerminal, type Dimension, type Report, type ReportOptions } from '../../report/index.js';
import { parseCommandArgs, UsageError } from '../args.js';
import type { Command } from '../main.js';

export const REPORT_USAGE = `usage: tracegate report <traces> [options]

Cohort report (requests, success, retries, fallbacks, latency, cost per successful trace,
eval-fail-rate, route → provider distribution, span coverage) from exported traces. Spans are
grouped into traces: a trace is one user task, with all its gateway calls.

<traces>: the OTLP/JSON lines file of \`tracegate/register\` (OTEL_TRACES_EXPORTER=file), any
OTLP/JSON export (one object or an array), or a Jaeger /api/traces JSON response.

options:
  --evals FILE        evaluation results: JSON lines {traceId, spanId?, name, score, label?, passed,
                      threshold?, shadow?} or OTLP/JSON with evaluation spans
  --by DIMS           a cohort table by these dimensions, e.g. route,provider (repeatable; default:
                      provider, model, deployment; the route table is always shown). Dimensions:
                      route, provider, model, deployment, operation, ingress (chat.completions,
                      responses, messages, embeddings), service, stream, outcome, metadata.<key>
  --html FILE         write the self-contained HTML report (charts, trace list)
  --json              print the report as JSON instead of the terminal tables
  --compare FILE      compare with a baseline trace file (flags latency down while eval-fail-rate up)
  --window TIME       compare two time windows of <traces>, split at TIME (ISO date, epoch ms, or auto)
  --config FILE       router or proxy config (native or LiteLLM) giving each alias's primary deployment
  --traces N          calls kept for the HTML trace list (default 200)
  --success MODE      when a trace succeeded: status (its root span is not an error and no gateway
                      call failed unhandled; the default) or evals (also every evaluation passed)
  --trace-idle MS     a trace closes once the file's span end times moved MS past its last span
                      (default 300000); later spans are counted as late
  --max-open-traces N traces kept open at most (default 50000); past that the least recently
                      active closes early and its later spans are counted as overflow
  -h, --help          this help`;

export interface ReportCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

function parseWindow(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (/^\d+$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--window: expected an ISO date, epoch ms or "auto", got "${value}"`);
  return t;
}

function nonNegativeInt(value: unknown, name: string, min: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function reportOptionsFromArgs(argv: string[]): { options: ReportOptions; html?: string; json: boolean } | 'help' {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      evals: { type: 'string' },
      by: { type: 'string', multiple: true },
      html: { type: 'string' },
      json: { type: 'boolean' },
      compare: { type: 'string' },
      window: { type: 'string' },
      config: { type: 'string' },
      traces: { type: 'string' },
      success: { type: 'string' },
      'trace-idle': { type: 'string' },
      'max-open-traces': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `expected one traces file, got ${positionals.length}` : 'missing the traces file');
  if (values.compare && values.window) throw new UsageError('--compare and --window cannot be used together');
  const options: ReportOptions = { traces: positionals[0]! };
  if (typeof values.evals === 'string') options.evals = values.evals;
  if (typeof values.config === 'string') options.config = values.config;
  if (typeof values.compare === 'string') options.compare = values.compare;
  if (typeof values.window === 'string') options.window = parseWindow(values.window);
  if (Array.isArray(values.by)) {
    try {
      options.by = (values.by as string[]).map((s) => parseDimensions(s)) as Dimension[][];
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (typeof values.traces === 'string') {
    const n = Number(values.traces);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--traces must be a non-negative integer, got "${values.traces}"`);
    options.sampleSize = n;
  }
  if (typeof values.success === 'string') {
    if (values.success !== 'status' && values.success !== 'evals') throw new UsageError(`--success must be "status" or "evals", got "${values.success}"`);
    options.success = values.success;
  }
  const idle = nonNegativeInt(values['trace-idle'], '--trace-idle', 0);
  if (idle !== undefined) options.traceIdleMs = idle;
  const maxOpen = nonNegativeInt(values['max-open-traces'], '--max-open-traces', 1);
  if (maxOpen !== undefined) options.maxOpenTraces = maxOpen;
  const out: { options: ReportOptions; html?: string; json: boolean } = { options, json: values.json === true };
  if (typeof values.html === 'string') out.html = values.html;
  return out;
}

/** Warnings about skipped input, for stderr. */
export function inputWarnings(report: Report): string[] {
  const out: string[] = [];
  for (const t of report.input.traces) {
    if (t.badLines) {
      const where = t.badLineSamples.map((b) => `line ${b.line}: ${b.message}`).join('; ');
      out.push(`warning: ${t.file}: skipped ${t.badLines} bad line${t.badLines === 1 ? '' : 's'} (${where}${t.badLines > t.badLineSamples.length ? '; ...' : ''})`);
    }
    if (t.skippedSpans) out.push(`warning: ${t.file}: skipped ${t.skippedSpans} span(s) without a trace or span id`);
  }
  const e = report.input.evals;
  if (e?.badLines) out.push(`warning: ${e.file}: skipped ${e.badLines} bad line${e.badLines === 1 ? '' : 's'} (${e.badLineSamples.map((b) => `line ${b.line}: ${b.message}`).join('; ')})`);
  const g = report.traceGrouping;
  if (g.late.spans) out.push(`warning: ${g.late.spans} span(s) arrived after their trace had been idle for ${g.idleMs} ms and closed (raise --trace-idle): counted in the request figures, not the trace figures`);
  if (g.overflow.spans) out.push(`warning: ${g.overflow.spans} span(s) arrived after their trace was closed early, over ${g.maxOpenTraces} open traces (raise --max-open-traces)`);
  if (report.totals.requests === 0 && !report.shadowTotals) out.push(`warning: no tracegate call spans in ${report.input.traces[0]?.file ?? 'the traces'}`);
  return out;
}

export async function runReport(argv: string[], io: ReportCliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = reportOptionsFromArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tracegate report: ${err.message}\n\n${REPORT_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed === 'help') {
    io.stdout.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  let report: Report;
  try {
    report = await buildReport({ ...parsed.options, progress: io.stderr });
  } catch (err) {
    if (err instanceof ReportInputError) {
      io.stderr.write(`tracegate report: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  for (const w of inputWarnings(report)) io.stderr.write(`${w}\n`);
  io.stdout.write(parsed.json ? renderJson(report) : renderTerminal(report));
  if (parsed.html) {
    const file = resolve(parsed.html);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, renderHtml(report));
    io.stderr.write(`HTML report: ${file}\n`);
  }
  return 0;
}

export const command: Command = {
  summary: 'cohort report from exported traces',
  run: (argv) => runReport(argv),
};
