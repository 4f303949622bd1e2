/**
 * A cross-process evaluation: the answer is produced here (its span ends here); a real child
 * process, given only the answer's traceparent and text, evaluates it under `tracegate/register`
 * with the file exporter. Its evaluation span lands in the same trace, as a child of the answer's
 * span with exactly one link to it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCallInfo } from '../../src/index.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { readOtlpJsonLines } from '../helpers/otlp-json.js';
import { setupTracing, useMockRouter } from '../instrumentation/harness.js';

const h = setupTracing();
const t = useMockRouter(h);
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-evals-xproc-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(env: Record<string, string>, app = 'test/evals/apps/evaluate-later.mjs'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tracegate/register', app],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('cross-process evaluation', () => {
  it('a child process given only the traceparent records into the same trace', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: '{"order_id":"42"}' } });
    const answer = await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Order 42 as JSON' }] });
    const target = getCallInfo(answer)!.trace!;
    const file = join(dir, 'evals.jsonl');
    const res = await run({
      OTEL_TRACES_EXPORTER: 'file',
      TRACEGATE_TRACES_FILE: file,
      OTEL_SERVICE_NAME: 'evaluator',
      TRACEPARENT: target.traceparent,
      ANSWER: answer.choices[0]!.message.content!,
    });
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toEqual({ outcome: 'span', passed: false });
    const spans = readOtlpJsonLines(file);
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span!.traceId).toBe(target.traceId);
    expect(span!.parentSpanId).toBe(target.attemptSpanId);
    expect(span!.name).toBe('evaluation json_schema');
    expect(span!.resource['service.name']).toBe('evaluator');
    // content capture is off in the child: no explanation anywhere
    expect(span!.attributes).toMatchSnapshot();
    expect(span!.events).toMatchSnapshot();
    const raw = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8').trim()) as {
      resourceSpans: { scopeSpans: { spans: { links?: { traceId: string; spanId: string }[] }[] }[] }[];
    };
    expect(raw.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.links).toEqual([expect.objectContaining({ traceId: target.traceId, spanId: target.attemptSpanId })]);
  });

  it('with both builds loaded (two instrumentations, two recordEvaluation functions) each result is recorded once', async () => {
    const file = join(dir, 'both.jsonl');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await run({ OTEL_TRACES_EXPORTER: 'file', TRACEGATE_TRACES_FILE: file, TRACEPARENT: traceparent }, 'test/evals/apps/both-builds-evals.mjs');
    expect([res.code, res.stderr]).toEqual([0, '']);
    expect(JSON.parse(res.stdout)).toEqual(['span', 'span']);
    const spans = readOtlpJsonLines(file);
    expect(spans.map((s) => [s.name, s.traceId, s.parentSpanId])).toEqual([
      ['evaluation json_schema', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
      ['evaluation json_schema', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
    ]);
  });
});
