/**
 * The official provider SDKs under `tracegate/register`, in real child processes: an ESM app under
 * `--import` and a CommonJS app under `-r` make the same calls through `openai`,
 * `@anthropic-ai/sdk`, `@google/genai` and `@aws-sdk/client-bedrock-runtime` against
 * `tracegate mock` (plain, stream, tool call and error for each; openai also `.withResponse()`,
 * `.parse()` and embeddings; anthropic also the `.stream()` helper), each inside an app span.
 * Each call is exactly one CLIENT span, child of its app span, with the same attribute map in both
 * module systems (snapshot of the whole map, content capture on). After `disable()` a call records
 * nothing. No API key appears in the export. Each failed call also sends the GenAI log event
 * `gen_ai.client.operation.exception` (ESM run, OTLP/JSON logs to a receiver on 127.0.0.1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { startHttpReceiver, type Receiver } from '../helpers/otlp-receivers.js';
import type { FlatSpan } from '../helpers/otlp-json.js';
import { APPS, childrenOf, comparable, rawText, runApp, spansOf, tracesFile } from './helpers.js';

const SECRETS = ['sk-test-openai-secret-1234', 'sk-ant-test-secret-1234', 'goog-test-secret-1234', 'bedrock-secret-1234'];
const CASES: Record<string, string[]> = {
  openai: ['plain', 'stream', 'tool', 'error', 'withResponse', 'parse', 'embeddings'],
  anthropic: ['plain', 'stream', 'tool', 'error', 'helper'],
  'google-genai': ['plain', 'stream', 'tool', 'error'],
  'bedrock-runtime': ['plain', 'stream', 'tool', 'error'],
};

let dir: string;
let mocks: MockServer[];
let logs: Receiver;
const runs: Record<'esm' | 'cjs', { outcomes: Record<string, string>; spans: FlatSpan[]; file: string }> = {} as never;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-sdk-'));
  // One mock per process: the mock numbers its answers, so both runs see the same ids.
  mocks = await Promise.all([startMockServer(), startMockServer()]);
  logs = await startHttpReceiver();
  const env = { TRACEGATE_CAPTURE_CONTENT: 'true' };
  const logEnv = { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${logs.url}/v1/logs` };
  const [esm, cjs] = await Promise.all([
    runApp(['--import', 'tracegate/register', `${APPS}/all-sdks.mjs`], tracesFile(dir, 'esm'), { ...env, ...logEnv, MOCK_URL: mocks[0]!.url }),
    runApp(['-r', 'tracegate/register', `${APPS}/all-sdks.cjs`], tracesFile(dir, 'cjs'), { ...env, MOCK_URL: mocks[1]!.url }),
  ]);
  for (const [name, r] of [['esm', esm], ['cjs', cjs]] as const) {
    expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
    runs[name] = { outcomes: JSON.parse(r.stdout) as Record<string, string>, spans: spansOf(tracesFile(dir, name)), file: tracesFile(dir, name) };
  }
}, 180_000);

afterAll(async () => {
  await Promise.all((mocks ?? []).map((m) => m.close()));
  await logs?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `<sdk>:<case>` → the spans under that app span. */
function clientSpans(spans: FlatSpan[]): Record<string, FlatSpan[]> {
  const kids = childrenOf(spans);
  const out: Record<string, FlatSpan[]> = {};
  for (const s of spans) if (s.scope === 'sdk-test-app') out[s.name] = kids.get(s.spanId) ?? [];
  return out;
}

describe('GenAI exception event', () => {
  it('each failed SDK call sends gen_ai.client.operation.exception (WARN) in its span\'s context', () => {
    const records = logs.received.flatMap((r) => {
      const body = JSON.parse(r.body.toString('utf8')) as { resourceLogs: { scopeLogs: { logRecords: { eventName?: string; spanId?: string; severityNumber?: number; attributes?: { key: string }[] }[] }[] }[] };
      return body.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
    });
    const events = records.filter((l) => l.eventName === 'gen_ai.client.operation.exception');
    const failed = runs.esm.spans.filter((s) => s.kind === 3 && s.statusCode === 2).map((s) => s.spanId);
    expect(failed.length).toBe(Object.keys(CASES).length);
    expect(events.map((e) => e.spanId).sort()).toEqual([...failed].sort());
    for (const e of events) {
      expect(e.severityNumber).toBe(13);
      expect((e.attributes ?? []).map((a) => a.key).sort()).toEqual(['exception.message', 'exception.type']);
    }
  });
});

describe.each(['esm', 'cjs'] as const)('%s app', (system) => {
  it('every call succeeded or failed as scripted', () => {
    const expected: Record<string, string> = {};
    for (const [sdk, cases] of Object.entries(CASES)) {
      for (const c of cases) expected[`${sdk}:${c}`] = c === 'error' ? 'error 429' : 'ok';
      expected[`${sdk}:disabled`] = 'ok';
    }
    expect(runs[system].outcomes).toEqual(expected);
  });

  it('each call is one CLIENT span of its SDK instrumentation, child of the app span; none after disable()', () => {
    const { spans } = runs[system];
    const byCase = clientSpans(spans);
    for (const [sdk, cases] of Object.entries(CASES)) {
      for (const c of cases) {
        const kids = byCase[`${sdk}:${c}`]!;
        expect(kids.map((k) => [k.kind, k.scope]), `${sdk}:${c}`).toEqual([[3, `@tracegate/instrumentation-${sdk}`]]);
        expect(kids[0]!.attributes['tracegate.path']).toBe('direct');
      }
      expect(byCase[`${sdk}:disabled`], `${sdk}:disabled`).toEqual([]);
    }
    // Nothing else: one app span per case and one client span per recorded call.
    const calls = Object.values(CASES).reduce((n, c) => n + c.length, 0);
    expect(spans).toHaveLength(calls + calls + Object.keys(CASES).length);
  });

  it('no API key or secret appears in the export', () => {
    const text = rawText(runs[system].file);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

it('ESM and CommonJS record the same spans', () => {
  const view = (spans: FlatSpan[]) => Object.fromEntries(Object.entries(clientSpans(spans)).map(([k, v]) => [k, v.map(comparable)]));
  expect(view(runs.cjs.spans)).toEqual(view(runs.esm.spans));
});

describe.each(Object.entries(CASES))('%s spans (whole attribute maps)', (sdk, cases) => {
  it.each(cases)('%s', (c) => {
    const span = clientSpans(runs.esm.spans)[`${sdk}:${c}`]![0]!;
    expect(comparable(span)).toMatchSnapshot();
  });
});
