/**
 * `tracegate eval` end to end: a real `tracegate/register` file export (a child process with
 * content capture) is evaluated by the command (run in-process) from a spec with a deterministic
 * evaluator, a schema file, `where` filters and a judge router on the mock; the evaluation spans
 * are appended to the same file, in the answers' traces (parent = answer span, one link), a
 * second run adds nothing, a JSONL of traceparents works, and OTLP export reaches a receiver.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../../src/cli/commands/eval.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { parseOtlpJsonLines, type FlatSpan } from '../helpers/otlp-json.js';

const VALID = '{"order_id":"42","status":"shipped"}';
let mock: MockServer;
let dir: string;
let traces: string;
let spec: string;
let original: FlatSpan[];

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  return runEval(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MOCK_URL: mock.url, ...env } }).then((code) => ({ code, out, err }));
}

function rawLinks(file: string): Map<string, { traceId: string; spanId: string }[]> {
  const links = new Map<string, { traceId: string; spanId: string }[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: { spanId: string; links?: { traceId: string; spanId: string }[] }[] }[] }[] };
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) links.set(s.spanId, (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })));
  }
  return links;
}

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-eval-cli-'));
  traces = join(dir, 'traces.jsonl');
  mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: VALID } }, { kind: 'ok', reply: { text: 'Order 42 has shipped.' } });
  mock.enqueue({ model: 'gpt-4o' }, { kind: 'ok', reply: { text: 'Order 42 shipped on May 3. It arrives by drone tomorrow.' } });
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tracegate/register', 'test/evals/apps/support-answers.mjs'],
      {
        cwd: ROOT,
        timeout: 20_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_BASE_URL: mock.baseURL('openai'), OTEL_TRACES_EXPORTER: 'file', TRACEGATE_TRACES_FILE: traces, TRACEGATE_CAPTURE_CONTENT: 'true' },
      },
      (err, _stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()),
    );
  });
  original = parseOtlpJsonLines(readFileSync(traces, 'utf8'));
  writeFileSync(join(dir, 'order.schema.json'), JSON.stringify({ type: 'object', required: ['order_id', 'status'] }));
  spec = join(dir, 'evals.yaml');
  writeFileSync(
    spec,
    [
      'router:',
      '  models:',
      '    - { name: judge, provider: openai, model: judge-model, apiKey: sk-judge-key-000000, baseURL: "${MOCK_URL}/v1" }',
      'evaluators:',
      '  - use: json_schema',
      '    where: { route: support-fast }',
      '    schemaFile: order.schema.json',
      '  - use: groundedness',
      '    where: { route: support-accurate }',
      '  - use: answer_relevancy',
      '    method: judge',
      '    alias: judge',
      '    where: { route: "support-acc*" }',
      '',
    ].join('\n'),
  );
}, 120_000);
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tracegate eval', () => {
  it('evaluates the captured answers and appends evaluation spans to the same traces', async () => {
    mock.enqueue({ model: 'judge-model' }, { kind: 'ok', reply: { text: '```json\n{"score": 4, "reason": "on topic"}\n```' } });
    const res = await run(['--traces', traces, '--spec', spec, '--capture-content']);
    expect(res.err).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.out).toEqual([
      `tracegate eval: 3 answers with captured content in ${traces} (6 spans)`,
      'evaluator         evaluated  passed  failed  errors  existing  mean score',
      'json_schema               2       1       1       0         0       0.500',
      'groundedness              1       0       1       0         0       0.500',
      'answer_relevancy          1       1       0       0         0       0.750',
      `4 evaluation spans → ${traces}`,
    ]);
    const all = parseOtlpJsonLines(readFileSync(traces, 'utf8'));
    const evals = all.filter((s) => s.name.startsWith('evaluation '));
    expect(evals).toHaveLength(4);
    const links = rawLinks(traces);
    for (const e of evals) {
      const answer = original.find((s) => s.spanId === e.parentSpanId)!;
      expect(answer.attributes['tracegate.attempt.id']).toBeDefined();
      expect(e.traceId).toBe(answer.traceId);
      expect(links.get(e.spanId)).toEqual([{ traceId: answer.traceId, spanId: answer.spanId }]);
      expect(e.resource['service.name']).toBe('tracegate-eval');
      expect(e.attributes['tracegate.route']).toBe(answer.attributes['tracegate.route']);
    }
    const grounded = evals.find((e) => e.name === 'evaluation groundedness')!;
    expect(grounded.attributes).toMatchObject({
      'tracegate.evaluation.passed': false,
      'gen_ai.evaluation.score.label': 'ungrounded',
      'evaluations.0.evaluation.explanation': expect.stringContaining('"It arrives by drone tomorrow."'),
      'tracegate.deployment.id': 'support-accurate#0',
    });
    expect(evals.find((e) => e.name === 'evaluation answer_relevancy')!.attributes['evaluations.0.evaluation.annotator_kind']).toBe('LLM');
  });

  it('a second run finds the results already there and adds nothing', async () => {
    const before = readFileSync(traces, 'utf8');
    const res = await run(['--traces', traces, '--spec', spec, '--json']);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.out[0]!) as { summary: { name: string; evaluated: number; existing: number }[]; exported: { spans: number } };
    expect(summary.summary.map((s) => [s.name, s.evaluated, s.existing])).toEqual([
      ['json_schema', 0, 2],
      ['groundedness', 0, 1],
      ['answer_relevancy', 0, 1],
    ]);
    expect(summary.exported.spans).toBe(0);
    expect(readFileSync(traces, 'utf8')).toBe(before);
  });

  it('--input: a JSONL of traceparents and answers, spans to --out; without content capture no explanation', async () => {
    const answer = original.find((s) => s.attributes['tracegate.route'] === 'support-accurate' && s.attributes['tracegate.attempt.id'] !== undefined)!;
    const input = join(dir, 'answers.jsonl');
    const out = join(dir, 'out.jsonl');
    writeFileSync(
      input,
      JSON.stringify({ traceparent: `00-${answer.traceId}-${answer.spanId}-01`, response: 'Order 42 shipped on May 3.', context: ['Order 42 shipped on May 3.'], route: { alias: 'support-accurate', provider: 'openai', model: 'gpt-4o', deployment: 'support-accurate#0' } }) + '\n',
    );
    const onlyGrounded = join(dir, 'grounded.yaml');
    writeFileSync(onlyGrounded, 'evaluators:\n  - use: groundedness\n');
    const res = await run(['--input', input, '--spec', onlyGrounded, '--out', out]);
    expect(res.code).toBe(0);
    const [span] = parseOtlpJsonLines(readFileSync(out, 'utf8'));
    expect(span!.traceId).toBe(answer.traceId);
    expect(span!.parentSpanId).toBe(answer.spanId);
    expect(span!.attributes['tracegate.evaluation.passed']).toBe(true);
    expect(Object.keys(span!.attributes).filter((k) => k.includes('explanation'))).toEqual([]);
  });

  it('OTEL_TRACES_EXPORTER=otlp sends the spans over OTLP/HTTP', async () => {
    const got: { url?: string; type?: string; bytes: number }[] = [];
    const receiver: Server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        got.push({ url: req.url, type: req.headers['content-type'], bytes });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const answer = original.find((s) => s.attributes['tracegate.attempt.id'] !== undefined)!;
      const input = join(dir, 'otlp.jsonl');
      writeFileSync(input, JSON.stringify({ traceparent: `00-${answer.traceId}-${answer.spanId}-01`, response: VALID }) + '\n');
      const jsonSpec = join(dir, 'json.yaml');
      writeFileSync(jsonSpec, 'evaluators:\n  - use: json_schema\n');
      const res = await run(['--input', input, '--spec', jsonSpec], { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
      expect(res.err).toEqual([]);
      expect(res.code).toBe(0);
      expect(res.out.at(-1)).toBe('1 evaluation span → otlp');
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ url: '/v1/traces', type: 'application/x-protobuf' });
      expect(got[0]!.bytes).toBeGreaterThan(50);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('bad usage exits 2; a bad spec or a missing file exits 1 naming the problem', async () => {
    expect((await run(['--spec', spec])).code).toBe(2);
    expect((await run(['--traces', traces])).code).toBe(2);
    const missing = await run(['--traces', join(dir, 'nope.jsonl'), '--spec', spec]);
    expect([missing.code, missing.err[0]]).toEqual([1, `tracegate eval: ${join(dir, 'nope.jsonl')}: no such traces file`]);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'evaluators:\n  - use: no_such_evaluator\n');
    const r = await run(['--traces', traces, '--spec', bad]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^tracegate eval: eval spec: evaluators\[0\] \(no_such_evaluator\): unknown evaluator "no_such_evaluator"/);
    writeFileSync(bad, 'evaluators:\n  - use: groundedness\n    where: { rout: x }\n');
    expect((await run(['--traces', traces, '--spec', bad])).err[0]).toMatch(/evaluators\[0\]\.where: Unrecognized key/);
    writeFileSync(bad, 'router:\n  models: [{ name: j, provider: openai, model: m, apiKey: "${NO_SUCH_VAR}" }]\nevaluators:\n  - use: groundedness\n');
    expect((await run(['--traces', traces, '--spec', bad])).err[0]).toBe(`tracegate eval: eval spec: router.models[0].apiKey: environment variable NO_SUCH_VAR is not set`);
  });
});
