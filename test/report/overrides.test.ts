/**
 * Request overrides as a report dimension: the real Router and instrumentation against `tracegate
 * mock`, spans in an OTLP/JSON file, answers scored by the JSON schema evaluator. One route,
 * `support`: an OpenAI deployment with a `defaults.temperature` (applied only when the caller sent
 * none) falling back to an Anthropic deployment with an extra system instruction. The report's
 * `route × overrides` table must show each adjusted path next to the unadjusted one, exactly.
 *
 *   4 calls with temperature           → OpenAI, no override applied        all valid JSON
 *   3 calls without temperature        → OpenAI, defaults.temperature       1 invalid
 *   2 calls, OpenAI 503 → fallback     → Anthropic, system.append           2 invalid
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonSchemaValidation, recordEvaluation } from '../../src/evals/index.js';
import { Router, getCallInfo } from '../../src/index.js';
import { startMockServer } from '../../src/mock/index.js';
import { buildReport, renderTerminal, type CohortStats, type Report } from '../../src/report/index.js';
import { startFileTracing } from './helpers/tracing.js';

const VALID = '{"order_id":"42","status":"shipped"}';
const INVALID = 'Order 42 has shipped.';
const json = JsonSchemaValidation({ schema: { type: 'object', required: ['order_id', 'status'] } });

let dir: string;
let report: Report;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-overrides-report-'));
  const tracesFile = join(dir, 'traces.jsonl');
  const tracing = startFileTracing(tracesFile);
  const mock = await startMockServer({ scenario: { defaults: { reply: { text: VALID } } } });
  const router = new Router({
    models: [
      { id: 'support-openai', name: 'support', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL: mock.baseURL('openai'), defaults: { temperature: 0.2 } },
      { id: 'support-claude', name: 'support-claude', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: 'sk-test', baseURL: mock.baseURL('anthropic'), system: { append: 'Reply with JSON only.' } },
    ],
    fallbacks: { support: ['support-claude'] },
    retry: { initialBackoffMs: 1, maxBackoffMs: 2, perClass: { upstream_unavailable: 0 } },
    breaker: { enabled: false },
  });
  const ask = async (extra: Record<string, unknown>) => {
    const answer = await router.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'Order 42?' }], ...extra });
    recordEvaluation(answer, await json.evaluate({ response: answer }));
    return answer;
  };
  try {
    for (let i = 0; i < 4; i++) await ask({ temperature: 0.7 });
    mock.enqueue({ dialect: 'openai' }, { kind: 'ok', reply: { text: INVALID } });
    for (let i = 0; i < 3; i++) expect(getCallInfo(await ask({}))!.attempts[0]!.overrides).toEqual(['defaults.temperature']);
    mock.enqueue({ dialect: 'openai' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
    mock.enqueue({ dialect: 'anthropic' }, { kind: 'ok', reply: { text: INVALID } }, { kind: 'ok', reply: { text: INVALID } });
    for (let i = 0; i < 2; i++) expect(getCallInfo(await ask({ temperature: 0.7 }))!.outcome).toBe('fallback_success');
  } finally {
    await tracing.shutdown();
    await router.close();
    await mock.close();
  }
  report = await buildReport({ traces: tracesFile, progress: false });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function overridesCohorts(r: Report): CohortStats[] {
  const t = r.tables.find((x) => x.by.join() === 'route,overrides');
  if (!t) throw new Error(`no route,overrides table: ${r.tables.map((x) => x.by.join()).join(' | ')}`);
  return t.cohorts;
}

describe('the overrides dimension', () => {
  it('a default table route × overrides: each adjusted path next to the unadjusted one', () => {
    const rows = overridesCohorts(report).map((c) => ({
      key: c.key,
      requests: c.requests,
      fellBack: c.fellBack,
      json: c.evals.map((e) => [e.evaluator, e.withVerdict, e.failed]),
    }));
    expect(rows).toEqual([
      { key: { route: 'support', overrides: '(none)' }, requests: 4, fellBack: 0, json: [['json_schema', 4, 0]] },
      { key: { route: 'support', overrides: 'defaults.temperature' }, requests: 3, fellBack: 0, json: [['json_schema', 3, 1]] },
      { key: { route: 'support', overrides: 'system.append' }, requests: 2, fellBack: 2, json: [['json_schema', 2, 2]] },
    ]);
    expect(overridesCohorts(report).map((c) => c.label)).toEqual(['support · (none)', 'support · defaults.temperature', 'support · system.append']);
  });

  it('the terminal report prints the table and its eval-fail-rate', () => {
    const text = renderTerminal(report);
    expect(text).toContain('By route × overrides: requests, retries, fallbacks, latency');
    expect(text).toMatch(/By route × overrides: eval-fail-rate\ncohort .*\nsupport · \(none\) +json_schema +4 +0 +0\.0%/);
    expect(text).toMatch(/support · system\.append +json_schema +2 +2 +100\.0%/);
  });

  it('--by route,overrides asks for it explicitly; traces without overrides get no default table', async () => {
    const r = await buildReport({ traces: join(dir, 'traces.jsonl'), by: [['route', 'overrides']], progress: false });
    expect(r.tables.map((t) => t.by.join())).toEqual(['route', 'route,overrides']);
    expect(report.tables.map((t) => t.by.join())).not.toContain('route,deployment,variant');
  });
});
