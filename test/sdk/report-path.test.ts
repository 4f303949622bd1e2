/**
 * The report's `path` cohorts on a scripted mixed workload (test/sdk/apps/mixed-workload.cjs, run
 * under `-r tracegate/register` against tracegate mock): gpt-4o-mini called 3 times through the
 * gateway and 3 times directly with the openai SDK, one failure and one failed evaluation on each
 * path. The default `model,path` table shows both side by side with exact counts, success rates,
 * cost and eval-fail rates; direct calls count in span coverage and sit in the route table as
 * `(direct)`; `--by path` works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { buildReport } from '../../src/report/index.js';
import type { CohortStats, Report } from '../../src/report/types.js';
import { ensureBuilt } from '../helpers/build.js';
import { APPS, runApp, tracesFile } from './helpers.js';

let dir: string;
let mock: MockServer;
let file: string;
let report: Report;

/** USD of one gpt-4o-mini answer of the mock to this prompt (8 tokens in, 7 out), from the catalog. */
const CALL_COST = 0.0000054;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-report-path-'));
  mock = await startMockServer();
  file = tracesFile(dir, 'mixed');
  const r = await runApp(['-r', 'tracegate/register', `${APPS}/mixed-workload.cjs`], file, { MOCK_URL: mock.url });
  expect([r.code, r.stderr, r.stdout.trim()]).toEqual([0, '', JSON.stringify(['span', 'span', 'span', 'span'])]);
  report = await buildReport({ traces: file, progress: false });
}, 180_000);
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function table(r: Report, by: string): CohortStats[] {
  const t = r.tables.find((x) => x.by.join(',') === by);
  if (!t) throw new Error(`no ${by} table (have ${r.tables.map((x) => x.by.join(',')).join('; ')})`);
  return t.cohorts;
}

function figures(c: CohortStats) {
  return {
    key: c.key,
    requests: c.requests,
    successes: c.successes,
    successRate: c.successRate,
    costUsd: Math.round(c.costUsd * 1e12) / 1e12,
    latencyCount: c.latencyMs.count,
    evals: c.evals.map((e) => ({ evaluator: e.evaluator, results: e.results, failed: e.failed, failRate: e.failRate })),
    complete: c.coverage.complete,
  };
}

it('model,path: the same model through the gateway and directly, side by side', () => {
  const evals = [{ evaluator: 'helpful', results: 2, failed: 1, failRate: 0.5 }];
  expect(table(report, 'model,path').map(figures)).toEqual([
    { key: { model: 'gpt-4o-mini', path: 'direct' }, requests: 3, successes: 2, successRate: 2 / 3, costUsd: 2 * CALL_COST, latencyCount: 3, evals, complete: 3 },
    { key: { model: 'gpt-4o-mini', path: 'gateway' }, requests: 3, successes: 2, successRate: 2 / 3, costUsd: 2 * CALL_COST, latencyCount: 3, evals, complete: 3 },
  ]);
});

it('direct calls are requests of their own: route (direct), span coverage, join stats', () => {
  expect(table(report, 'route').map((c) => [c.key.route, c.requests, c.successes])).toEqual([
    ['(direct)', 3, 2],
    ['support', 2, 2],
    ['support-broken', 1, 0],
  ]);
  expect(report.totals.requests).toBe(6);
  expect([report.coverage.calls, report.coverage.inAppTrace, report.coverage.complete]).toEqual([6, 6, 6]);
  expect(report.join.directSpans).toBe(3);
  expect(report.join.orphanEvaluations).toBe(0);
});

it('--by path gives the path cohorts alone; the default tables include model,path', async () => {
  const byPath = await buildReport({ traces: file, by: [['path']], progress: false });
  expect(table(byPath, 'path').map((c) => [c.key.path, c.requests, c.successes])).toEqual([
    ['direct', 3, 2],
    ['gateway', 3, 2],
  ]);
  expect(report.tables.map((t) => t.by.join(','))).toContain('model,path');
});
