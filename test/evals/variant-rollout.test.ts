/**
 * An evaluated rollout of a prompt adjustment, scripted end to end: the real Router and
 * instrumentation against `tracegate mock`, spans in an OTLP/JSON file, every answer scored by the
 * JSON schema evaluator and recorded through the bridge, eval-aware routing watching it.
 *
 * Deployment `extract-a` carries two override variants, 50/50 by the caller's `user`:
 *   control  nothing of its own: the mock's default answer, valid JSON
 *   terse    a system instruction, and (the mock's control header standing in for how the model
 *            reacts to it) an answer that echoes the user's message
 * Phase 1: users send JSON, so `terse` echoes valid JSON: both variants pass.
 * Phase 2: users send prose: `terse`'s JSON validity drops to 0, `control` stays valid.
 * The policy rolls `terse` back (its weight to 0) once its fail rate reaches 50% over 4 results;
 * from then on every call runs `control`. The report's variant table and the policy's decision
 * must say so, exactly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalRoutingPolicy, JsonSchemaValidation, recordEvaluation, type EvalRoutingDecision } from '../../src/evals/index.js';
import { MemoryStore, Router, getCallInfo } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { chromium } from 'playwright-core';
import { buildReport, renderHtml, renderJson, renderTerminal, type CohortStats, type Report } from '../../src/report/index.js';
import { findChromium } from '../helpers/chromium.js';
import { startFileTracing, type FileTracing } from '../report/helpers/tracing.js';

const VALID = '{"order_id":"42","status":"shipped"}';
const json = JsonSchemaValidation({ schema: { type: 'object', required: ['order_id', 'status'] } });

let dir: string;
let tracesFile: string;
let tracing: FileTracing;
let mock: MockServer;
let router: Router;
let policy: EvalRoutingPolicy;
const decisions: EvalRoutingDecision[] = [];
/** The variant of every call, in order, per phase. */
const ran: Record<'before' | 'dropping' | 'after', string[]> = { before: [], dropping: [], after: [] };
let report: Report;

async function call(user: string, content: string): Promise<string> {
  const answer = await router.chat.completions.create({ model: 'extract', user, messages: [{ role: 'user', content }] });
  recordEvaluation(answer, await json.evaluate({ response: answer }));
  await policy.idle();
  return getCallInfo(answer)!.variant!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-variant-rollout-'));
  tracesFile = join(dir, 'traces.jsonl');
  tracing = startFileTracing(tracesFile);
  mock = await startMockServer({ scenario: { defaults: { reply: { text: VALID } } } });
  const clock = { now: () => 1_700_000_000_000 };
  router = new Router({
    models: [
      {
        id: 'extract-a',
        name: 'extract',
        provider: 'openai',
        model: 'gpt-4o-mini',
        apiKey: 'sk-test',
        baseURL: mock.baseURL('openai'),
        variants: [
          { name: 'control', weight: 1 },
          { name: 'terse', weight: 1, system: { append: 'Be terse.' }, extraHeaders: { 'x-mock-reply': '{"echo":true}' } },
        ],
      },
    ],
    clock,
    store: new MemoryStore({ clock }),
  });
  policy = new EvalRoutingPolicy({
    router,
    evaluator: 'json_schema',
    window: 600_000,
    minSamples: 4,
    failRateThreshold: 0.5,
    restoreBelow: 0.2,
    action: 'rollback',
    onDecision: (d) => decisions.push(d),
  });
  try {
    for (let i = 0; i < 8; i++) ran.before.push(await call(`user-${i}`, VALID));
    for (let i = 8; decisions.length === 0 && i < 40; i++) ran.dropping.push(await call(`user-${i}`, 'Where is order 42?'));
    for (let i = 40; i < 48; i++) ran.after.push(await call(`user-${i}`, 'Where is order 42?'));
  } finally {
    policy.close();
    await tracing.shutdown();
    await router.close();
    await mock.close();
  }
  report = await buildReport({ traces: tracesFile, progress: false });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function variantRow(r: Report, variant: string): CohortStats {
  const t = r.tables.find((x) => x.by.join() === 'route,deployment,variant')!;
  const c = t.cohorts.find((x) => x.key.variant === variant);
  if (!c) throw new Error(`no variant cohort ${variant}: ${t.cohorts.map((x) => x.label).join(', ')}`);
  return c;
}

describe('an evaluated rollout of an override variant', () => {
  it('the script: both variants run until terse\'s JSON validity drops, then only control', () => {
    // The split is by the hash of each user (deterministic): which variant each call ran.
    expect(ran.before).toEqual(['terse', 'terse', 'terse', 'terse', 'control', 'control', 'control', 'terse']);
    // terse: 5 valid answers, then its 5th invalid one makes 5 of 10: the policy acts.
    expect(ran.dropping).toEqual(['terse', 'control', 'control', 'terse', 'control', 'terse', 'terse', 'control', 'terse']);
    expect(ran.after).toEqual(Array(8).fill('control'));
  });

  it('eval-aware routing rolls the variant back on evidence, and only the variant', async () => {
    expect(decisions).toEqual([
      {
        action: 'rollback',
        route: 'extract',
        deployment: 'extract-a',
        variant: 'terse',
        evaluator: 'json_schema',
        samples: 10,
        failures: 5,
        failRate: 0.5,
        threshold: 0.5,
        multiplier: 0,
        reason: 'json_schema fail rate 50% (5/10) >= 50%',
        at: 1_700_000_000_000,
      },
    ]);
    expect((await router.routing.list()).weights).toEqual({});
    expect((await router.routing.list()).redirects).toEqual({});
    expect((await router.routing.list()).variants).toEqual({ 'extract-a': { terse: { multiplier: 0, reason: 'json_schema fail rate 50% (5/10) >= 50%', setAt: 1_700_000_000_000 } } });
    expect((await policy.status()).map((s) => [s.variant, s.phase])).toEqual(
      expect.arrayContaining([
        ['control', 'healthy'],
        ['terse', 'rolled_back'],
      ]),
    );
  });

  it('the report: eval-fail-rate by variant, exactly', () => {
    const control = variantRow(report, 'control');
    const terse = variantRow(report, 'terse');
    expect([control.requests, control.evals]).toEqual([
      3 + 4 + 8,
      [{ evaluator: 'json_schema', results: 15, withVerdict: 15, failed: 0, failRate: 0, meanScore: 1 }],
    ]);
    expect([terse.requests, terse.evals]).toEqual([5 + 5, [{ evaluator: 'json_schema', results: 10, withVerdict: 10, failed: 5, failRate: 0.5, meanScore: 0.5 }]]);
    expect(control.key).toEqual({ route: 'extract', deployment: 'extract-a', variant: 'control' });
    const text = renderTerminal(report);
    expect(text).toMatch(/By route × deployment × variant: eval-fail-rate\ncohort .*\nextract · extract-a · control +json_schema +15 +0 +0\.0%/);
    expect(text).toMatch(/\nextract · extract-a · terse +json_schema +10 +5 +50\.0%/);
  });

  it('--json and the HTML page carry the same table', async () => {
    const parsed = JSON.parse(renderJson(report)) as Report;
    expect(variantRow(parsed, 'terse').evals[0]).toMatchObject({ failed: 5, failRate: 0.5 });
    const htmlFile = join(dir, 'report.html');
    writeFileSync(htmlFile, renderHtml(report));
    const browser = await findChromium();
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: browser.executablePath,
      env: { ...process.env, ...browser.env },
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });
      const heading = page.locator('#tables h3', { hasText: 'Eval-fail-rate by route × deployment × variant' });
      await expect(heading.count()).resolves.toBe(1);
      const rows = await heading.evaluate((h) => [...(h.nextElementSibling?.querySelectorAll('tbody tr') ?? [])].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toEqual([
        ['extract · extract-a · control', 'json_schema', '15', '0', '0.0%', '1.000'],
        ['extract · extract-a · terse', 'json_schema', '10', '5', '50.0%', '0.500'],
      ]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the trace says so: the next call carries the rollback and the variant weight it applied', () => {
    const spans = readFileSync(tracesFile, 'utf8')
      .trim()
      .split('\n')
      .flatMap((l) => JSON.parse(l).resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)));
    const events = spans.flatMap((s: any) => (s.events ?? []).filter((e: any) => e.name === 'tracegate.eval_routing'));
    const attrs = (e: any) => Object.fromEntries(e.attributes.map((a: any) => [a.key, a.value.intValue !== undefined ? Number(a.value.intValue) : Object.values(a.value)[0]]));
    const rollback = events.map(attrs).find((a: any) => a['tracegate.decision.action'] === 'rollback');
    expect(rollback).toMatchObject({ 'tracegate.deployment.id': 'extract-a', 'tracegate.routing.variant': 'terse', 'tracegate.routing.weight_multiplier': 0 });
    const weight = events.map(attrs).filter((a: any) => a['tracegate.decision.action'] === 'weight');
    expect(weight).toHaveLength(8);
    expect(weight[0]).toMatchObject({ 'tracegate.routing.variant': 'terse', 'tracegate.routing.weight_multiplier': 0 });
    const variants = spans.map((s: any) => s.attributes?.find((a: any) => a.key === 'tracegate.request.override_variant')?.value.stringValue).filter(Boolean);
    // Attempt spans and evaluation spans both name the variant.
    expect(variants.filter((v: string) => v === 'terse').length).toBeGreaterThanOrEqual(10);
    expect(variants.filter((v: string) => v === 'control').length).toBeGreaterThanOrEqual(15);
  });
});
