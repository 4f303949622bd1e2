/**
 * `recordEvaluation` with a direct SDK answer: an openai `ChatCompletion`, an Anthropic `Message`
 * and a JSON copy of the completion each join their score to the span of the call that produced
 * them (a late `evaluation {name}` span, child of the SDK's CLIENT span, in its trace).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { APPS, runApp, spansOf, tracesFile } from './helpers.js';

let dir: string;
let mock: MockServer;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-sdk-eval-'));
  mock = await startMockServer();
}, 180_000);
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

it('scores join the spans of the SDK calls that produced the answers', async () => {
  const file = tracesFile(dir, 'eval');
  const r = await runApp(['-r', 'tracegate/register', `${APPS}/evaluate-app.cjs`], file, { MOCK_URL: mock.url });
  expect([r.code, r.stderr]).toEqual([0, '']);
  const { out, ids } = JSON.parse(r.stdout) as { out: Record<string, string>; ids: Record<string, string> };
  expect(out).toEqual({ completion: 'span', message: 'span', copy: 'span' });
  const spans = spansOf(file);
  const clientOf = (id: string) => spans.find((s) => s.attributes['gen_ai.response.id'] === id)!;
  const evalSpan = (name: string) => spans.find((s) => s.name === `evaluation ${name}`)!;
  const cases: [string, string, number][] = [
    ['openai_completion', ids.completion!, 1],
    ['anthropic_message', ids.message!, 0],
    ['openai_copy', ids.completion!, 0.75],
  ];
  for (const [name, responseId, score] of cases) {
    const client = clientOf(responseId);
    const ev = evalSpan(name);
    expect([ev.traceId, ev.parentSpanId, ev.attributes['gen_ai.evaluation.score.value']], name).toEqual([client.traceId, client.spanId, score]);
  }
}, 60_000);
