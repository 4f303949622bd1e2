/**
 * The HTML report in a real headless browser (Chromium through playwright-core): it
 * renders from a `file://` URL, every chart has data points, clicking a trace shows its attempt
 * waterfall and evaluation results, hostile aliases and explanations stay text, and there is no
 * console error, page error, dialog or network request. The browser is the system Chromium when
 * present, else the one the `@sparticuz/chromium` devDependency ships (test/helpers/chromium.ts);
 * without either this test fails with a message saying how to get one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderHtml, type Report } from '../../src/report/index.js';
import { findChromium } from '../helpers/chromium.js';
import { synthLines, type SynthCall } from './helpers/synth.js';

const XSS_ALIAS = '<img src=x onerror="window.__xss=1">';
const XSS_EXPLANATION = '</script><script>window.__xss=2</script> & "quotes" \u2028';

let dir: string;
let htmlFile: string;
let context: BrowserContext;
let report: Report;

function calls(start: number, degraded: boolean): SynthCall[] {
  const out: SynthCall[] = [];
  for (let i = 0; i < 24; i++) {
    out.push({
      route: i % 4 === 3 ? XSS_ALIAS : 'support-fast',
      startMs: start + i * 5_000,
      latencyMs: degraded ? 300 + i : 700 + i,
      ttftMs: 80,
      appParent: true,
      attempts:
        i % 6 === 0
          ? [
              { deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', errorType: 'rate_limit', status: 429, durationMs: 40 },
              { deployment: 'fast-gemini', provider: 'gemini', model: 'gemini-2.0-flash', costUsd: 0.0002, inTokens: 100, outTokens: 20 },
            ]
          : [{ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.0004, inTokens: 100, outTokens: 20 }],
      evals: [
        { name: 'json_validity', passed: degraded ? i % 3 !== 0 : i % 12 !== 0, score: 1, explanation: (degraded ? i % 3 === 0 : i % 12 === 0) ? XSS_EXPLANATION : 'valid JSON' },
        { name: 'groundedness', score: 0.8, passed: true },
      ],
    });
  }
  out.push({ route: 'support-accurate', startMs: start + 1000, latencyMs: 1500, attempts: [{ deployment: 'accurate-anthropic', provider: 'anthropic', model: 'claude-sonnet-4-5', errorType: 'upstream_unavailable', status: 529 }] });
  // An agent trace with two calls: a classification, then the answer.
  const agent = `agent-${degraded}`;
  out.push({ route: 'classify', traceKey: agent, startMs: start + 2000, latencyMs: 90, attempts: [{ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.0001 }], evals: [{ name: 'tool_selection', passed: true, score: 1 }] });
  out.push({ route: 'support-fast', traceKey: agent, startMs: start + 2100, latencyMs: 200, attempts: [{ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.0004 }] });
  return out;
}

beforeAll(async () => {
  const browser = await findChromium();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-html-'));
  const base = join(dir, 'baseline.jsonl');
  const cur = join(dir, 'traces.jsonl');
  const t0 = Date.UTC(2026, 3, 1, 10);
  writeFileSync(base, synthLines(calls(t0, false)));
  writeFileSync(cur, synthLines(calls(t0 + 3_600_000, true)));
  report = await buildReport({ traces: cur, compare: base, progress: false, thresholds: { minRequests: 5, minEvaluations: 5 } });
  htmlFile = join(dir, 'report.html');
  writeFileSync(htmlFile, renderHtml(report));
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env },
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('renders charts with data, a clickable trace list with waterfall and evaluations, and nothing else', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });

    await expect(page.title()).resolves.toMatch(/^tracegate report: /);
    expect(await page.locator('#cards .card').count()).toBeGreaterThanOrEqual(7);
    // Latency: 3 percentiles × 3 routes; evals: (route and
    // provider cohorts) × evaluators; providers over time: at least one bar per provider.
    expect(await page.locator('svg[data-chart=latency] .pt').count()).toBe(4 * 3);
    // Cost: per successful trace next to per call, for each of the 4 routes with calls; no bar
    // where there is no figure (support-accurate has no successful trace).
    const routeCohorts = report.tables[0]!.cohorts.filter((c) => !c.shadow && (c.costPerSuccessfulTrace !== null || c.costPerRequest !== null));
    expect(routeCohorts).toHaveLength(4);
    const costBars = await page.locator('svg[data-chart=cost] .pt').evaluateAll((els) => els.map((e) => [e.getAttribute('data-series'), Number(e.getAttribute('data-value'))]));
    const expectedBars = routeCohorts.flatMap((c) => [['per successful trace', c.costPerSuccessfulTrace], ['per call', c.costPerRequest]].filter(([, v]) => v !== null));
    expect(expectedBars).toHaveLength(7);
    expect(costBars).toEqual(expectedBars);
    await expect(page.locator('#tables').textContent()).resolves.toContain('Traces by route (a trace is in every cohort it touched)');
    // route (support-fast, hostile alias: 2 evaluators each; classify: 1) + provider (openai: 3, gemini: 2).
    expect(await page.locator('svg[data-chart=evals] .pt').count()).toBe(2 + 2 + 1 + 3 + 2);
    expect(await page.locator('svg[data-chart=providers] .pt').count()).toBeGreaterThanOrEqual(3);
    const heights = await page.locator('svg[data-chart=latency] .pt').evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    expect(heights.every((h) => h > 0)).toBe(true);

    // The comparison section shows the flags.
    await expect(page.locator('#comparison').isVisible()).resolves.toBe(true);
    expect(await page.locator('#comparison .flag.route_rollback').count()).toBeGreaterThanOrEqual(1);

    // The trace list is in start order, and says so.
    await expect(page.locator('#traces > p').textContent()).resolves.toMatch(/^27 calls in start order\./);
    const starts = await page.locator('tr.trace td:first-child').allTextContents();
    expect(starts).toEqual([...starts].sort());

    // Click a trace whose failed evaluation has the hostile explanation: waterfall and evaluations appear.
    const rows = page.locator('tr.trace');
    expect(await rows.count()).toBe(27);
    await expect(page.locator('#trace-detail').isVisible()).resolves.toBe(false);
    const target = page.locator('tr.trace', { hasText: '1 passed, 1 failed' }).first();
    await target.click();
    await expect(page.locator('#trace-detail').isVisible()).resolves.toBe(true);
    expect(await page.locator('#trace-detail svg[data-chart=waterfall] .pt').count()).toBe(3); // the call and two attempts
    expect(await page.locator('#trace-evals tbody tr').count()).toBe(2);
    await expect(page.locator('#trace-evals').textContent()).resolves.toContain(XSS_EXPLANATION.trim().slice(0, 40));

    // A trace with two calls shows both calls, their attempts and the evaluations of either.
    await page.locator('tr.trace', { hasText: 'classify' }).first().click();
    await expect(page.locator('#trace-detail h3').first().textContent()).resolves.toMatch(/\(2 calls\)$/);
    expect(await page.locator('#trace-detail svg[data-chart=waterfall] .pt').count()).toBe(4);
    expect(await page.locator('#trace-evals tbody tr').count()).toBe(1);

    // Hostile strings stayed text.
    await expect(page.locator('#tables').textContent()).resolves.toContain(XSS_ALIAS);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // The filter narrows the list.
    await page.fill('#trace-filter', 'support-accurate');
    expect(await page.locator('tr.trace:visible').count()).toBe(1);

    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT, fullPage: true });
    await page.close();
  }, 60_000);

  it('at 1400 px: no table scrolls sideways, $/successful trace is in view, chart labels neither overlap nor clip', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });

    const boxes = await page.locator('main .scroll').evaluateAll((els) => els.map((e) => ({ where: e.parentElement!.id, scroll: e.scrollWidth, client: e.clientWidth })));
    expect(boxes.length).toBeGreaterThanOrEqual(4);
    for (const b of boxes) expect(b.scroll, `a table in #${b.where} scrolls sideways`).toBeLessThanOrEqual(b.client);
    const headline = page.locator('#tables th', { hasText: /^\$\/successful trace$/ });
    expect(await headline.count()).toBeGreaterThanOrEqual(2);
    for (const th of await headline.all()) {
      await th.scrollIntoViewIfNeeded();
      const box = (await th.boundingBox())!;
      const wrap = (await th.evaluate((e) => {
        const r = e.closest('.scroll')!.getBoundingClientRect();
        return { left: r.left, right: r.right };
      }))!;
      expect(box.width).toBeGreaterThan(0);
      expect(box.x).toBeGreaterThanOrEqual(wrap.left);
      expect(box.x + box.width).toBeLessThanOrEqual(Math.min(wrap.right, 1400));
    }
    // The page itself does not scroll sideways either.
    expect(await page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(1400);

    // Every chart's texts: inside their SVG, and x-axis labels clear of each other (rendered boxes).
    const charts = await page.locator('#charts svg[data-chart]').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const outer = svg.getBoundingClientRect();
        const texts = Array.from(svg.querySelectorAll('text') as ArrayLike<(typeof svgs)[number]>).map((t) => {
          const r = t.getBoundingClientRect();
          return { cls: t.getAttribute('class'), text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        });
        return { chart: svg.getAttribute('data-chart'), outer: { left: outer.left, right: outer.right, top: outer.top, bottom: outer.bottom }, texts };
      }),
    );
    expect(charts.map((c) => c.chart)).toEqual(['latency', 'cost', 'evals', 'providers']);
    for (const c of charts) {
      for (const t of c.texts) {
        expect(t.left, `${c.chart}: "${t.text}" clipped left`).toBeGreaterThanOrEqual(c.outer.left - 0.5);
        expect(t.right, `${c.chart}: "${t.text}" clipped right`).toBeLessThanOrEqual(c.outer.right + 0.5);
        expect(t.top, `${c.chart}: "${t.text}" clipped at the top`).toBeGreaterThanOrEqual(c.outer.top - 0.5);
        expect(t.bottom, `${c.chart}: "${t.text}" clipped at the bottom`).toBeLessThanOrEqual(c.outer.bottom + 0.5);
      }
      const xs = c.texts.filter((t) => t.cls === 'xlabel').sort((a, b) => a.left - b.left);
      if (c.chart !== 'evals') expect(xs.length, `${c.chart} has x labels`).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < xs.length; i++) expect(xs[i]!.left, `${c.chart}: "${xs[i]!.text}" overlaps "${xs[i - 1]!.text}"`).toBeGreaterThanOrEqual(xs[i - 1]!.right);
    }
    // The cost axis: one notation (the same decimals on every tick).
    const costTicks = charts[1]!.texts.filter((t) => t.cls === 'tick').map((t) => t.text!);
    expect(costTicks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(costTicks.map((t) => t.split('.')[1]?.length ?? 0)).size).toBe(1);
    if (process.env.SHOT_1400) await page.screenshot({ path: process.env.SHOT_1400 });
    await page.close();
  }, 60_000);
});
