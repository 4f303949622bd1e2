/**
 * `tracegate demo` in-process with a small --calls: it writes the traces, the report and the HTML
 * page; the report agrees with what the workload saw (tickets per alias, fallbacks, evaluation
 * failures, agent cases and their calls), the agent's story holds (agent-lite cheaper per call,
 * dearer per successful trace), with the script (the degrading Gemini deployment has the highest JSON fail rate,
 * OpenAI and Anthropic answer valid JSON), two runs with one seed give the same counts, and
 * evaluations added afterwards by `tracegate eval` join the same answers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, runDemoCommand, type DemoResult } from '../../src/cli/commands/demo.js';
import { runEval } from '../../src/cli/commands/eval.js';
import { buildReport, type CohortStats, type Report } from '../../src/report/index.js';

let dir: string;
let first: DemoResult;
let second: DemoResult;
const out: string[] = [];
const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t), isTTY: false }, env: {} };

function provider(r: Report, name: string): CohortStats {
  return r.tables.find((t) => t.by.join() === 'provider')!.cohorts.find((c) => c.key.provider === name)!;
}

function failRate(c: CohortStats | undefined, evaluator: string): number {
  return c?.evals.find((e) => e.evaluator === evaluator)?.failRate ?? 0;
}

/** What must not change between two runs with one seed (latencies do). */
function counts(r: Report): unknown {
  return r.tables.map((t) =>
    t.cohorts.map((c) => [c.label, c.requests, c.successes, c.attempts, c.retried, c.fellBack, c.inputTokens, c.outputTokens, c.costUsd.toFixed(12), c.evals.map((e) => [e.evaluator, e.failed]), c.traces.traces, c.traces.successes, c.traces.costShareUsd.toFixed(12), c.traces.callsPerTrace]),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-demo-'));
  first = await runDemo({ out: join(dir, 'a'), calls: 36, seed: 7, quiet: false }, io);
  second = await runDemo({ out: join(dir, 'b'), calls: 36, seed: 7, quiet: true }, io);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tracegate demo', () => {
  it('writes the traces, the HTML and JSON reports and the router config', () => {
    for (const f of [first.tracesFile, first.htmlFile, first.jsonFile, first.configFile]) expect(existsSync(f)).toBe(true);
    expect(readFileSync(first.htmlFile, 'utf8')).toMatch(/^<!doctype html>/);
    expect(JSON.parse(readFileSync(first.jsonFile, 'utf8')).totals.requests).toBe(36 + first.agent.calls);
    expect(first.report.input.traces[0]!.spans).toBeGreaterThan(36 * 4);
    const text = out.join('');
    expect(text).toMatch(/\[#+\] 36\/36 tickets · support-fast 24 · support-accurate 12/);
    expect(text).toMatch(/By route: requests, retries, fallbacks, latency/);
    expect(text).toMatch(/OTEL_TRACES_EXPORTER=otlp npx tracegate demo/);
    expect(text).toMatch(/docker compose -f examples\/jaeger\/docker-compose\.yml up -d/);
  });

  it('the report agrees with the workload', () => {
    const r = first.report;
    const w = first.workload;
    const routes = r.tables[0]!.cohorts;
    const support = routes.filter((c) => c.label.startsWith('support-'));
    expect(Object.fromEntries(support.map((c) => [c.label, c.requests]))).toEqual(w.byAlias);
    expect(support.reduce((n, c) => n + c.fellBack, 0)).toBe(w.fallbacks);
    expect(support.reduce((n, c) => n + c.requests - c.successes, 0)).toBe(w.failed);
    // Each support ticket is a trace of one call; each agent case a trace of several.
    for (const c of support) expect([c.traces.traces, c.traces.successes]).toEqual([c.requests, c.successes]);
    const a = first.agent;
    expect(r.totals.traces.traces).toBe(36 + a.total);
    // Every finished case's answer is evaluated twice (JSON schema, groundedness) and passed the agent's checks.
    expect(r.join.evaluations).toBe(w.evaluations + 2 * (a.total - a.failed));
    expect(r.join.orphanEvaluations).toBe(0);
    const failed = routes.flatMap((c) => c.evals).reduce((n, e) => n + e.failed, 0);
    expect(failed).toBe(w.evalsFailed);
    expect(r.coverage).toMatchObject({ inAppTraceShare: 1, completeShare: 1, callsMissingAttempts: 0, orphanAttempts: 0 });
  });

  it('the agent: agent-lite is cheaper per call and dearer per successful trace than agent-pro', () => {
    const r = first.report;
    const a = first.agent;
    const route = (name: string): CohortStats => r.tables[0]!.cohorts.find((c) => c.label === name)!;
    const lite = route('agent-lite');
    const pro = route('agent-pro');
    expect(lite.traces.traces + pro.traces.traces).toBe(a.total);
    expect([lite.traces.traces, pro.traces.traces]).toEqual([a.byAlias['agent-lite'], a.byAlias['agent-pro']]);
    expect(lite.traces.traces - lite.traces.successes + pro.traces.traces - pro.traces.successes).toBe(a.failed);
    expect(lite.requests + pro.requests).toBe(a.calls);
    expect(lite.traces.callsPerTrace.mean!).toBeGreaterThan(pro.traces.callsPerTrace.mean!);
    expect(lite.costPerRequest!).toBeLessThan(pro.costPerRequest!);
    expect(lite.costPerSuccessfulTrace!).toBeGreaterThan(pro.costPerSuccessfulTrace!);
    // Cost per successful trace: the route's whole spend ÷ its successful traces (failed cases paid for).
    expect(lite.costPerSuccessfulTrace!).toBeCloseTo(lite.costUsd / lite.traces.successes, 12);
    expect(out.join('')).toMatch(/The agent: agent-lite \$[\d.e-]+ per call, \$[\d.e-]+ per successful trace/);
  });

  it('the figures follow the script: the degrading Gemini deployment fails JSON validation most', () => {
    const r = first.report;
    const gemini = failRate(provider(r, 'gemini'), 'json_schema');
    expect(gemini).toBeGreaterThan(0.2);
    expect(gemini).toBeGreaterThan(failRate(provider(r, 'openai'), 'json_schema'));
    expect(failRate(provider(r, 'anthropic'), 'json_schema')).toBe(0);
    expect(failRate(provider(r, 'anthropic'), 'groundedness')).toBe(0);
    // OpenAI's scripted 429s and 5xx burst are failed attempts; the router retried them.
    const openai = r.providers.find((p) => p.deployment === 'fast-openai')!;
    expect(openai.errorTypes.rate_limit ?? 0).toBeGreaterThan(0);
    expect(openai.errorTypes.upstream_unavailable).toBeGreaterThanOrEqual(3);
    const fast = r.routes.find((x) => x.route === 'support-fast')!;
    expect(fast.primary).toMatchObject({ deployment: 'fast-openai', source: 'config' });
    expect(fast.offPrimary).toBeGreaterThan(0);
    // Streams through support-accurate have a time to first token, slow ones included.
    expect(r.tables[0]!.cohorts.find((c) => c.label === 'support-accurate')!.ttftMs.count).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same counts', () => {
    expect(counts(second.report)).toEqual(counts(first.report));
    expect(second.workload).toEqual(first.workload);
    expect(second.agent).toEqual(first.agent);
  });

  it('evaluations added later by `tracegate eval` (its own file) join the same answers in the report', async () => {
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'evaluators:\n  - use: json_schema\n    name: json_offline\n');
    const evalsFile = join(dir, 'offline-evals.jsonl');
    const lines: string[] = [];
    const code = await runEval(['--spec', spec, '--traces', first.tracesFile, '--out', evalsFile], { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} });
    expect(code).toBe(0);
    const r = await buildReport({ traces: first.tracesFile, evals: evalsFile, by: [['provider']], progress: false });
    const answered = r.totals.successes;
    const offline = r.tables[0]!.cohorts.flatMap((c) => c.evals).filter((e) => e.evaluator === 'json_offline');
    expect(offline.reduce((n, e) => n + e.results, 0)).toBe(answered);
    expect(r.join.orphanEvaluations).toBe(0);
    // Validity only (no schema): never more failures than the schema check of the demo.
    const gemini = provider(r, 'gemini');
    expect(failRate(gemini, 'json_offline')).toBeLessThanOrEqual(failRate(gemini, 'json_schema'));
  });

  it('rejects bad options with exit code 2', async () => {
    const errs: string[] = [];
    const code = await runDemoCommand(['--calls', 'zero'], { stdout: { write: () => 0 }, stderr: { write: (t: string) => errs.push(t) } });
    expect(code).toBe(2);
    expect(errs.join('')).toMatch(/--calls must be an integer from 1 to 100000, got "zero"/);
  });
});
