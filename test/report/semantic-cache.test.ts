/**
 * The report's semantic cache figures from real spans: a Router with the semantic cache against
 * `tracegate mock`, traced through the OTLP/JSON file exporter, late evaluations recorded on the
 * answers. Per route: lookups, hit rate, what the hits saved, and the eval-fail-rate of cached
 * answers next to that of provider answers (the cached ones are made to fail, so it shows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Router, getCallInfo } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { buildReport, renderTerminal, type Report } from '../../src/report/index.js';
import { pageView } from '../../src/report/render/html/view.js';
import { recordEvalSpan, startFileTracing } from './helpers/tracing.js';

let dir: string;
let report: Report;
let saved = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-semantic-report-'));
  const file = join(dir, 'traces.jsonl');
  const tracing = startFileTracing(file);
  const mock: MockServer = await startMockServer({ scenario: { defaults: { reply: { echo: true } } } });
  const baseURL = mock.baseURL('openai');
  const router = new Router({
    models: [
      { name: 'support', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0001', baseURL },
      { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: 'sk-test-0001', baseURL },
    ],
    cache: { semantic: { embeddingModel: 'embed', scope: 'global', threshold: 0.75 } },
  });
  const ask = async (content: string) => {
    const r = await router.chat.completions.create({ model: 'support', messages: [{ role: 'user', content }] });
    await new Promise((res) => setTimeout(res, 20));
    return getCallInfo(r)!;
  };
  try {
    const answered = [await ask('How do I reset my password?'), await ask('Which plan includes priority support?')];
    const hits = [await ask('how can I reset my password'), await ask('how do I reset the password'), await ask('which plan includes the priority support')];
    answered.push(await ask('What is the weather in Paris today?'));
    for (const h of hits) {
      expect(h.cacheKind).toBe('semantic');
      saved += h.semanticHit!.savedUsd!;
    }
    // Cached answers: 2 of 3 fail; provider answers: 1 of 3 fails.
    hits.forEach((h, i) => recordEvalSpan(tracing.tracer, h.trace!, { name: 'relevancy', passed: i === 2 }));
    answered.forEach((a, i) => recordEvalSpan(tracing.tracer, a.trace!, { name: 'relevancy', passed: i !== 0 }));
  } finally {
    await router.close();
    await mock.close();
    await tracing.shutdown();
  }
  report = await buildReport({ traces: file, progress: false });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('per route: lookups, hit rate, cost saved, eval-fail-rate of cached vs provider answers', () => {
  expect(report.semanticCache).toHaveLength(1);
  const s = report.semanticCache![0]!;
  expect(s).toMatchObject({ route: 'support', lookups: 6, hits: 3, hitRate: 0.5 });
  expect(saved).toBeGreaterThan(0);
  expect(s.savedUsd).toBeCloseTo(saved, 12);
  expect(s.meanHitSimilarity!).toBeGreaterThan(0.75);
  expect(s.cachedEvalFailRate).toBeCloseTo(2 / 3, 9);
  expect(s.answeredEvalFailRate).toBeCloseTo(1 / 3, 9);
  expect(s.cachedEvals.map((e) => [e.evaluator, e.results, e.failed])).toEqual([['relevancy', 3, 2]]);
  // The embeddings calls of the lookups are calls of their own route, without a semantic cache.
  expect(report.semanticCache!.some((r) => r.route === 'embed')).toBe(false);
  const text = renderTerminal(report);
  expect(text).toContain('Semantic cache');
  expect(text).toMatch(/support: 6 lookups, hit rate 50(\.0)?%/);
  // The HTML page: a table row per route, the cached answers' higher fail rate marked.
  const [block] = pageView(report).semanticCache;
  expect(block?.kind).toBe('table');
  const row = (block as Extract<typeof block, { kind: 'table' }>).table.rows[0]!;
  expect(row.slice(0, 4)).toEqual(['support', '6', '3', '50.0%']);
  expect(row[6]).toEqual({ text: '66.7%', cls: 'bad' });
  expect(row[7]).toBe('33.3%');
});
