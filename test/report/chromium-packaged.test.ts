/**
 * The npm-packaged Chromium (`@sparticuz/chromium`, test/helpers/chromium.ts) launches on this
 * machine and renders the HTML report, even where a system Chromium exists: it is what the
 * browser test uses on a machine without one (after `npm ci` alone), so CI checks it every run.
 * Its libraries come from the package (LD_LIBRARY_PATH), not from the system.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildReport, renderHtml } from '../../src/report/index.js';
import { packagedChromium } from '../helpers/chromium.js';
import { synthLines } from './helpers/synth.js';

let dir: string;
let browser: Browser;

beforeAll(async () => {
  const binary = await packagedChromium();
  expect(binary.source).toBe('npm');
  dir = mkdtempSync(join(tmpdir(), 'tracegate-chromium-npm-'));
  browser = await chromium.launch({
    executablePath: binary.executablePath,
    env: { ...process.env, ...binary.env },
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('launches and renders the HTML report with its charts and no page error', async () => {
  const t0 = Date.UTC(2026, 3, 1, 10);
  const traces = join(dir, 'traces.jsonl');
  writeFileSync(
    traces,
    synthLines(
      Array.from({ length: 6 }, (_, i) => ({
        route: 'support-fast',
        startMs: t0 + i * 1000,
        latencyMs: 400 + i,
        attempts: [{ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.0004, inTokens: 100, outTokens: 20 }],
      })),
    ),
  );
  const report = await buildReport({ traces, progress: false, thresholds: { minRequests: 1, minEvaluations: 1 } });
  const html = join(dir, 'report.html');
  writeFileSync(html, renderHtml(report));
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${html}`, { waitUntil: 'load' });
  await expect(page.title()).resolves.toMatch(/^tracegate report: /);
  expect(browser.version()).toMatch(/^\d+\./);
  expect(await page.locator('svg[data-chart=latency] .pt').count()).toBeGreaterThan(0);
  expect(await page.locator('tr.trace').count()).toBe(6);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);
