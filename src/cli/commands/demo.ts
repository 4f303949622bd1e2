/**
 * `tracegate demo [--out dir] [--calls N] [--seed N] [--quiet]`: the whole story on this machine,
 * no outside service. Starts fake providers (scripted 429s, 5xx, slow first tokens, a provider
 * whose JSON answers degrade), runs a support agent through `support-fast` and `support-accurate`
 * with retries, fallbacks and a breaker, evaluates each answer (JSON schema, groundedness) on its
 * trace, writes the traces with `register({ traces: 'file' })`, then prints the cohort report and
 * writes the HTML report. Seeded: the same counts on every run.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ExportStatus } from '../../../instrumentations/exporters/export-health.js';
import { getRegistration, hasGlobalTracerProvider, register } from '../../../instrumentations/setup.js';
import { startMockServer } from '../../mock/index.js';
import { buildReport, renderHtml, renderJson, renderTerminal, type Report } from '../../report/index.js';
import { Router } from '../../router/router.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { demoRouterConfigFile, demoRouterOptions, demoScenario } from '../demo/scenario.js';
import { demoClock, runWorkload, type WorkloadProgress } from '../demo/workload.js';
import { runAgentWorkload, type AgentProgress } from '../demo/agent.js';
import { usd } from '../../report/render/format.js';
import type { Command } from '../main.js';

export const DEMO_USAGE = `usage: tracegate demo [--out DIR] [--calls N] [--seed N] [--quiet]

Runs fake providers on 127.0.0.1, a support agent routed through support-fast and
support-accurate (retries, fallbacks, circuit breaker), a refund-case agent with several calls
per task through agent-lite and agent-pro, evaluators on every answer, and writes the traces, the
cohort report and an HTML report. No outside service; about 10 s.

options:
  --out DIR     where to write traces.jsonl, report.html, report.json, router.json (default ./tracegate-demo)
  --calls N     support tickets to run (default 120; and a quarter as many agent cases)
  --seed N      seed of the scripted faults and routing (default 7)
  --quiet       no progress line and no report on stdout
  -h, --help    this help

Send the same traces to Jaeger too: OTEL_TRACES_EXPORTER=otlp tracegate demo (see examples/jaeger).`;

export interface DemoOptions {
  out: string;
  calls: number;
  seed: number;
  quiet: boolean;
}

export interface DemoIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export interface DemoResult {
  tracesFile: string;
  htmlFile: string;
  jsonFile: string;
  configFile: string;
  workload: WorkloadProgress;
  agent: AgentProgress;
  report: Report;
  elapsedMs: number;
}

function intOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${String(value)}"`);
  return n;
}

export function demoOptionsFromArgs(argv: string[]): DemoOptions | 'help' {
  const { values } = parseCommandArgs(argv, {
    out: { type: 'string' },
    calls: { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  return {
    out: typeof values.out === 'string' ? values.out : 'tracegate-demo',
    calls: intOption(values.calls, 'calls', 120, 1, 100_000),
    seed: intOption(values.seed, 'seed', 7, 0, 2 ** 31 - 1),
    quiet: values.quiet === true,
  };
}

function progressLine(p: WorkloadProgress): string {
  const width = 20;
  const filled = Math.round((p.done / p.total) * width);
  const aliases = Object.entries(p.byAlias)
    .map(([a, n]) => `${a} ${n}`)
    .join(' · ');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} tickets · ${aliases} · fallbacks ${p.fallbacks} · failed ${p.failed} · evals failed ${p.evalsFailed}/${p.evaluations}`;
}

/** Agent tasks run after the support tickets: a quarter as many (each is several calls). */
export function agentTasks(calls: number): number {
  return Math.max(4, Math.round(calls / 4));
}

/** The agent story in one line: agent-lite against agent-pro, per call and per successful trace. */
export function agentStory(report: Report): string | undefined {
  const routes = report.tables.find((t) => t.by.length === 1 && t.by[0] === 'route')?.cohorts ?? [];
  const lite = routes.find((c) => c.key.route === 'agent-lite' && !c.shadow);
  const pro = routes.find((c) => c.key.route === 'agent-pro' && !c.shadow);
  if (!lite || !pro) return undefined;
  const per = (c: typeof lite): string => `$${usd(c.costPerRequest)} per call, $${usd(c.costPerSuccessfulTrace)} per successful trace (${c.traces.callsPerTrace.mean?.toFixed(1) ?? '-'} calls per trace, ${((c.traces.successRate ?? 0) * 100).toFixed(0)}% of traces succeed)`;
  return `The agent: agent-lite ${per(lite)};\n           agent-pro  ${per(pro)}.`;
}

/** Says where the OTLP copy went only when an export succeeded; otherwise why it did not. */
function otlpLine(exporters: readonly string[], statuses: readonly ExportStatus[]): string {
  const otlp = statuses.find((s) => s.exporter.startsWith('OTLP traces'));
  if (!exporters.includes('otlp') || !otlp) {
    return 'Send the same traces to Jaeger (needs Docker):\n  docker compose -f examples/jaeger/docker-compose.yml up -d\n  OTEL_TRACES_EXPORTER=otlp npx tracegate demo    # then http://localhost:16686, service "tracegate-demo"';
  }
  if (otlp.succeeded > 0 && otlp.failed === 0) {
    return `The same traces were also exported (${otlp.exporter}) to ${otlp.endpoint}: with examples/jaeger running, open http://localhost:16686, service "tracegate-demo".`;
  }
  if (otlp.succeeded > 0) return `Some traces reached ${otlp.endpoint} (${otlp.exporter}); ${otlp.failed} export(s) failed: ${otlp.lastError}.`;
  return `The OTLP copy of the traces did not reach ${otlp.endpoint} (${otlp.exporter}): ${otlp.lastError ?? 'nothing was exported'}. Is a collector or Jaeger listening there?`;
}

function exporterNames(env: NodeJS.ProcessEnv): ('file' | 'otlp')[] {
  const asked = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim());
  return asked.includes('otlp') ? ['file', 'otlp'] : ['file'];
}

export async function runDemo(options: DemoOptions, io: DemoIo): Promise<DemoResult> {
  const started = Date.now();
  if (getRegistration() || hasGlobalTracerProvider()) {
    throw new UsageError('tracing is already set up in this process (e.g. node --import tracegate/register); run `tracegate demo` without it: it registers its own file exporter');
  }
  const env = io.env ?? process.env;
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const tracesFile = join(out, 'traces.jsonl');
  const configFile = join(out, 'router.json');
  const htmlFile = join(out, 'report.html');
  const jsonFile = join(out, 'report.json');
  await rm(tracesFile, { force: true }); // the file exporter appends
  await writeFile(configFile, JSON.stringify(demoRouterConfigFile(), null, 2) + '\n');

  const exporters = exporterNames(env);
  const registration = register({
    traces: exporters,
    tracesFile,
    serviceName: 'tracegate-demo',
    // Prompts and answers are made up here: record them, so the HTML report can show explanations.
    instrumentation: { captureContent: true },
    flushOnExit: false,
    env: { ...env, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
  });
  const say = (text: string): void => {
    if (!options.quiet) io.stderr.write(text);
  };
  const mock = await startMockServer({ scenario: demoScenario(options.calls, options.seed), maxCalls: 1000 });
  const clock = demoClock();
  const router = new Router(demoRouterOptions((d) => mock.baseURL(d), options.seed, clock));
  say(`tracegate demo: fake providers on ${mock.url}; ${options.calls} support tickets through support-fast and support-accurate\n`);
  let workload: WorkloadProgress;
  let agent: AgentProgress;
  let lastQuarter = 0;
  try {
    workload = await runWorkload(router, options.calls, clock, (p) => {
      if (io.stderr.isTTY) say(`\r\x1b[2K${progressLine(p)}`);
      else {
        const quarter = Math.floor((p.done / p.total) * 4);
        if (quarter > lastQuarter || p.done === p.total) {
          lastQuarter = quarter;
          say(`${progressLine(p)}\n`);
        }
      }
    });
    if (io.stderr.isTTY) say('\n');
    const tasks = agentTasks(options.calls);
    say(`agent: ${tasks} refund cases through agent-lite and agent-pro (plan, draft, repairs until the draft passes its checks)\n`);
    agent = await runAgentWorkload(router, tasks, clock, (a) => {
      if (a.done === a.total) say(`agent: ${a.done}/${a.total} cases · ${Object.entries(a.byAlias).map(([k, v]) => `${k} ${v}`).join(' · ')} · ${a.calls} calls · gave up ${a.failed}\n`);
    });
  } finally {
    await router.close();
    await mock.close();
    await registration.shutdown();
  }

  const report = await buildReport({ traces: tracesFile, config: configFile, by: [['provider']], progress: false });
  await writeFile(htmlFile, renderHtml(report));
  await writeFile(jsonFile, renderJson(report));
  const elapsedMs = Date.now() - started;
  if (!options.quiet) {
    const rel = (f: string): string => relative(process.cwd(), f) || f;
    io.stdout.write(`\n${renderTerminal(report)}\n`);
    const story = agentStory(report);
    if (story) io.stdout.write(`${story}\n\n`);
    io.stdout.write(
      [
        `Done in ${(elapsedMs / 1000).toFixed(1)} s. Wrote:`,
        `  ${rel(tracesFile)}   the traces (OTLP/JSON lines, ${report.input.traces[0]?.spans ?? 0} spans)`,
        `  ${rel(htmlFile)}    the HTML report: charts, and every sampled trace's attempts and evaluations`,
        `  ${rel(jsonFile)}    the same report as JSON; ${rel(configFile)}: the router config it was checked against`,
        '',
        'Report on these (or your own) traces again:',
        `  npx tracegate report ${rel(tracesFile)} --config ${rel(configFile)} --by route,provider --html report.html`,
        '',
        otlpLine(exporters, registration.exportStatus()),
        '',
      ].join('\n'),
    );
  }
  return { tracesFile, htmlFile, jsonFile, configFile, workload, agent, report, elapsedMs };
}

export async function runDemoCommand(argv: string[], io: DemoIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let options: DemoOptions | 'help';
  try {
    options = demoOptionsFromArgs(argv);
    if (options === 'help') {
      io.stdout.write(`${DEMO_USAGE}\n`);
      return 0;
    }
    await runDemo(options, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tracegate demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

export const command: Command = {
  summary: 'the whole story on this machine',
  run: (argv) => runDemoCommand(argv),
};
