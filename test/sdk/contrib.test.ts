/**
 * Alongside `@opentelemetry/instrumentation-openai` (contrib) each openai call is one span: the
 * contrib's. Registered after tracegate (contrib wraps tracegate's wrapper: tracegate sees the
 * contrib's span active and records nothing) and before it (tracegate finds the method already
 * wrapped and leaves it). With `TRACEGATE_DISABLED_INSTRUMENTATIONS=openai`-style settings the
 * same holds trivially; the switch itself is tested in register-sdk.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { APPS, childrenOf, runApp, spansOf, tracesFile } from './helpers.js';

let dir: string;
let mock: MockServer;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-contrib-'));
  mock = await startMockServer();
}, 180_000);
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const ORDERS = {
  'contrib registered after tracegate': ['-r', 'tracegate/register', '-r', `./${APPS}/contrib-preload.cjs`],
  'contrib registered before tracegate': ['-r', `./${APPS}/contrib-preload.cjs`, '-r', 'tracegate/register'],
};

it.each(Object.entries(ORDERS))('%s: one span per call, the contrib\'s', async (name, preload) => {
  const file = tracesFile(dir, name.replace(/\W+/g, '-'));
  const r = await runApp([...preload, `${APPS}/contrib-app.cjs`], file, { MOCK_URL: mock.url });
  expect([r.code, r.stderr, r.stdout.trim()]).toEqual([0, '', 'done']);
  const spans = spansOf(file);
  const kids = childrenOf(spans);
  const apps = spans.filter((s) => s.scope === 'sdk-test-app');
  expect(apps.map((s) => s.name)).toEqual(['openai:plain', 'openai:stream', 'openai:embeddings']);
  for (const app of apps) {
    expect((kids.get(app.spanId) ?? []).map((s) => [s.kind, s.scope]), app.name).toEqual([[3, '@opentelemetry/instrumentation-openai']]);
  }
  expect(spans).toHaveLength(6);
}, 60_000);
