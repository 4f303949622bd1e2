/**
 * `tracegate eval`: runs the evaluators of a spec on the answers in an exported trace file (the
 * OTLP/JSON lines `tracegate/register` writes; answers need captured content), or on a JSONL of
 * `{ traceparent, response, context?, expected? }`, and exports the results as evaluation spans
 * into the same traces (same trace ids, parent = the answer's span, one link): appended to the
 * trace file (or `--out`), or sent where `OTEL_TRACES_EXPORTER` says (e.g. `otlp`).
 * The OpenTelemetry SDK is loaded only here, when the command runs.
 */
import { ConfigError } from '../../errors.js';
import { readJsonlAnswers, readTraceFileAnswers, type OfflineAnswer } from '../../evals/offline/answers.js';
import { runOffline, type EvaluatorSummary } from '../../evals/offline/run.js';
import { buildSpec, readSpecFile } from '../../evals/offline/spec.js';
import { toEventResult } from '../../evals/record.js';
import type { JudgeRouter } from '../../evals/judge.js';
import type { Command } from '../main.js';
import { parseCommandArgs, UsageError } from '../args.js';

export const HELP = `usage: tracegate eval --spec evals.yaml (--traces traces.jsonl | --input answers.jsonl) [options]

Runs evaluators on recorded answers and adds the results to the same traces.

options:
  --spec FILE        evaluation spec (YAML or JSON): evaluators, filters, judge router (docs/evals.md)
  --traces FILE      OTLP/JSON lines written by tracegate/register (answers need captured content)
  --input FILE       JSONL of {"traceparent", "response", "context"?, "expected"?, "input"?} instead
  --out FILE         append the evaluation spans here (default: the --traces file; required with --input
                     unless OTEL_TRACES_EXPORTER chooses an exporter)
  --rerun            evaluate answers that already have a result of the same evaluator
  --capture-content  record explanations (default: TRACEGATE_CAPTURE_CONTENT)
  --concurrency N    evaluations at once (default 4)
  --json             print the summary as JSON
  -h, --help         show this help

Export: OTEL_TRACES_EXPORTER=otlp (with the OTEL_EXPORTER_OTLP_* variables) sends the spans over
OTLP instead of appending them to the file.`;

export interface EvalCommandIO {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

const processIO: EvalCommandIO = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
};

function table(rows: EvaluatorSummary[]): string[] {
  const head = ['evaluator', 'evaluated', 'passed', 'failed', 'errors', 'existing', 'mean score'];
  const body = rows.map((r) => [r.name, String(r.evaluated), String(r.passed), String(r.failed), String(r.errors), String(r.existing), r.meanScore === null ? '-' : r.meanScore.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${String(value)}"`);
  return n;
}

export async function runEval(argv: string[], io: EvalCommandIO = processIO): Promise<number> {
  let values;
  try {
    values = parseCommandArgs(argv, {
      spec: { type: 'string' },
      traces: { type: 'string' },
      input: { type: 'string' },
      out: { type: 'string' },
      rerun: { type: 'boolean' },
      'capture-content': { type: 'boolean' },
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    }).values;
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (typeof values.spec !== 'string') throw new UsageError('--spec is required');
    if ((values.traces === undefined) === (values.input === undefined)) throw new UsageError('give one of --traces and --input');
    if (values.input !== undefined && values.out === undefined && !(io.env.OTEL_TRACES_EXPORTER ?? '').trim()) {
      throw new UsageError('--input needs --out (the file the evaluation spans go to) or OTEL_TRACES_EXPORTER');
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`tracegate eval: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  const specFile = values.spec as string;
  const tracesFile = values.traces as string | undefined;
  const inputFile = values.input as string | undefined;
  const outFile = (values.out as string | undefined) ?? tracesFile!;
  let router: { close(): Promise<void> } | undefined;
  try {
    const concurrency = positiveInt(values.concurrency, 'concurrency', 4);
    const loaded = await readSpecFile(specFile, io.env);
    if (loaded.doc.router) {
      const { Router } = await import('../../router/router.js');
      router = new Router(loaded.doc.router as never);
    }
    const spec = await buildSpec(loaded, router as unknown as JudgeRouter | undefined);
    let answers: OfflineAnswer[];
    let note = '';
    if (tracesFile !== undefined) {
      const read = await readTraceFileAnswers(tracesFile);
      answers = read.answers;
      note = `${plural(read.answers.length, 'answer')} with captured content in ${tracesFile} (${plural(read.spans, 'span')}${read.withoutContent ? `; ${plural(read.withoutContent, 'answer')} without captured content skipped` : ''})`;
    } else {
      answers = await readJsonlAnswers(inputFile!);
      note = `${plural(answers.length, 'answer')} in ${inputFile}`;
    }
    const run = await runOffline(spec, answers, { rerun: values.rerun === true, concurrency });
    const { exportEvaluations } = await import('../../../instrumentations/eval-export.js');
    const captureContent = values['capture-content'] === true ? true : undefined; // else from the environment
    const exported = await exportEvaluations(
      run.evaluations.map((e) => ({ target: e.target, result: toEventResult(e.result), startTime: e.startTime, endTime: e.endTime })),
      { file: outFile, env: io.env, ...(captureContent !== undefined ? { captureContent } : {}) },
    );
    const spans = exported.recorded.span + exported.recorded.new_trace;
    const destination = exported.exporters.includes('file') ? `${outFile}` : exported.exporters.join(', ') || 'nowhere (OTEL_TRACES_EXPORTER=none)';
    if (values.json) {
      io.out(JSON.stringify({ answers: answers.length, summary: run.summary, exported: { spans, skipped: exported.recorded.skipped, exporters: exported.exporters, errors: exported.errors } }));
    } else {
      io.out(`tracegate eval: ${note}`);
      for (const line of table(run.summary)) io.out(line);
      io.out(`${plural(spans, 'evaluation span')} → ${destination}${exported.recorded.skipped ? ` (${exported.recorded.skipped} skipped: unsampled answers)` : ''}`);
      for (const s of run.summary) for (const m of s.errorMessages) io.err(`  ${s.name} error: ${m}`);
    }
    for (const e of exported.errors) io.err(`tracegate eval: export: ${e}`);
    return exported.errors.length ? 1 : 0;
  } catch (err) {
    if (err instanceof ConfigError || (err as NodeJS.ErrnoException)?.code === 'ENOENT') {
      io.err(`tracegate eval: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  } finally {
    await router?.close();
  }
}

export const command: Command = {
  summary: 'run evaluators over exported traces and add the results to the same traces',
  run: (argv) => runEval(argv),
};
