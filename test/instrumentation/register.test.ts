/**
 * `tracegate/register` in real child processes running the built package: an ESM app under
 * `--import` and a CJS app under `-r` produce the same spans in an OTLP/JSON file; an app loading
 * both builds gets one span per call; an app with its own provider gets no second one; spans are
 * flushed on natural exit, process.exit() and SIGTERM; OTLP over HTTP/protobuf reaches a receiver;
 * no API key appears anywhere in the export.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { readOtlpJsonLines, type FlatSpan } from '../helpers/otlp-json.js';
import { FAKE_KEY, startMockServer, type MockServer } from './harness.js';

const APPS = 'test/instrumentation/apps';
let mock: MockServer;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-register-'));
}, 120_000);
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_BASE_URL: mock.baseURL('openai'), ...extra };
  return env;
}

function runApp(args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: baseEnv(env), timeout: 20_000 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

function fileEnv(name: string, extra: Record<string, string> = {}): { file: string; env: Record<string, string> } {
  const file = join(dir, `${name}.jsonl`);
  return { file, env: { OTEL_TRACES_EXPORTER: 'file', TRACEGATE_TRACES_FILE: file, OTEL_SERVICE_NAME: 'register-test', ...extra } };
}

const VOLATILE = new Set(['tracegate.call.id', 'tracegate.attempt.id', 'gen_ai.response.id', 'server.port', 'gen_ai.response.time_to_first_chunk', 'tracegate.time_to_first_chunk']);

/** Spans as comparable records: names, kinds, parent names, status and attributes without volatile values. */
function comparable(spans: FlatSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => {
      const attributes = Object.fromEntries(Object.entries(s.attributes).filter(([k]) => !VOLATILE.has(k)).sort(([a], [b]) => a.localeCompare(b)));
      const parent = s.parentSpanId ? (byId.get(s.parentSpanId)?.name ?? '<missing>') : null;
      return JSON.stringify({ name: s.name, kind: s.kind, parent, status: s.statusCode, attributes, service: s.resource['service.name'] });
    })
    .sort();
}

describe('tracegate/register', () => {
  let esmSpans: FlatSpan[];

  it('an ESM app under --import and a CJS app under -r produce the same spans', async () => {
    const esm = fileEnv('esm');
    const cjs = fileEnv('cjs');
    const [a, b] = await Promise.all([
      runApp(['--import', 'tracegate/register', `${APPS}/esm-app.mjs`], esm.env),
      runApp(['-r', 'tracegate/register', `${APPS}/cjs-app.cjs`], cjs.env),
    ]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    esmSpans = readOtlpJsonLines(esm.file);
    const cjsSpans = readOtlpJsonLines(cjs.file);
    // 1 application span + 4 calls × (call span + attempt span)
    expect(esmSpans).toHaveLength(9);
    expect(comparable(cjsSpans)).toEqual(comparable(esmSpans));
    const names = esmSpans.map((s) => s.name).sort();
    expect(names).toEqual([
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat support-broken',
      'chat support-fast',
      'chat support-fast',
      'embeddings embed',
      'embeddings text-embedding-3-small',
      'handle-ticket',
    ]);
    // The call made inside the application's span is its child, in the trace id the app saw.
    const appSpan = esmSpans.find((s) => s.name === 'handle-ticket')!;
    const { traceIds } = JSON.parse(a.stdout) as { traceIds: string[] };
    expect(appSpan.traceId).toBe(traceIds[0]);
    const child = esmSpans.find((s) => s.parentSpanId === appSpan.spanId)!;
    expect(child.name).toBe('chat support-fast');
    expect(child.resource['service.name']).toBe('register-test');
    expect(child.scope).toBe('@tracegate/instrumentation');
  });

  it('the file is OTLP/JSON: hex ids, integer enums, 64-bit integers as strings', () => {
    const file = join(dir, 'esm.jsonl');
    const line = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as {
      resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string; kind: unknown; startTimeUnixNano: unknown; attributes: { key: string; value: Record<string, unknown> }[] }[] }[] }[];
    };
    const span = line.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof span.kind).toBe('number');
    expect(typeof span.startTimeUnixNano).toBe('string');
    const ints = span.attributes.filter((a) => 'intValue' in a.value);
    expect(ints.length).toBeGreaterThan(0);
    for (const a of ints) expect(typeof a.value.intValue).toBe('string');
  });

  it('an app that loads both builds gets exactly one span per call', async () => {
    const { file, env } = fileEnv('both');
    const r = await runApp(['--import', 'tracegate/register', `${APPS}/both-builds.mjs`], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const spans = readOtlpJsonLines(file);
    expect(spans.filter((s) => s.name === 'chat support-fast')).toHaveLength(2);
    expect(spans.filter((s) => s.name === 'chat gpt-4o-mini')).toHaveLength(2);
    expect(spans).toHaveLength(4);
  });

  it('no API key or auth header appears in the export, even with content capture on', async () => {
    const { file, env } = fileEnv('capture', { TRACEGATE_CAPTURE_CONTENT: 'true' });
    const r = await runApp(['--import', 'tracegate/register', `${APPS}/esm-app.mjs`], env);
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Where is order A-1?'); // content capture was on
    expect(text).not.toContain(FAKE_KEY);
    expect(text).not.toContain(FAKE_KEY.slice(3, 20));
    expect(text.toLowerCase()).not.toContain('bearer');
    expect(text.toLowerCase()).not.toContain('authorization');
    // A key was really sent upstream (the mock only logs its presence), so the scan is meaningful.
    expect(mock.calls.length).toBeGreaterThan(0);
    expect(mock.calls.every((c) => c.headersPresent.authorization)).toBe(true);
  });

  it('an app with its own tracer provider: no second provider, each span exported once', async () => {
    const appFile = join(dir, 'own-sdk.json');
    const { file, env } = fileEnv('own-sdk', { APP_SPANS_FILE: appFile });
    const r = await runApp([`${APPS}/own-sdk-app.mjs`], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(readFileSync(appFile, 'utf8')) as { ownsProvider: boolean; spans: { name: string; spanId: string }[] };
    expect(out.ownsProvider).toBe(false);
    expect(out.spans.filter((s) => s.name === 'chat support-fast')).toHaveLength(2);
    expect(out.spans.filter((s) => s.name === 'chat gpt-4o-mini')).toHaveLength(3);
    expect(new Set(out.spans.map((s) => s.spanId)).size).toBe(out.spans.length);
    expect(existsSync(file)).toBe(false);
  });

  it('flushes when the app calls process.exit() right after a call', async () => {
    const { file, env } = fileEnv('exit');
    const r = await runApp(['--import', 'tracegate/register', `${APPS}/exit-app.mjs`], env);
    expect(r.code).toBe(0);
    expect(readOtlpJsonLines(file).map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat support-fast']);
  });

  for (const own of [false, true]) {
    it(`SIGTERM ${own ? 'with the app\'s own handler: the app decides' : 'with no app handler: flush, then end by the signal'}`, async () => {
      const { file, env } = fileEnv(`sigterm-${own}`, own ? { APP_OWN_SIGTERM: '1' } : {});
      const child = spawn(process.execPath, ['--import', 'tracegate/register', `${APPS}/signal-app.mjs`], { cwd: ROOT, env: baseEnv(env) });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('ready')) child.kill('SIGTERM');
      });
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
      if (own) {
        expect([code, signal]).toEqual([0, null]);
        expect(stdout).toContain('app handler ran');
      } else {
        expect([code, signal]).toEqual([null, 'SIGTERM']);
      }
      expect(readOtlpJsonLines(file).map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat support-fast']);
    });
  }

  it('the support-agent example runs under --import and traces its retries and fallbacks', async () => {
    const { file, env } = fileEnv('example');
    const r = await runApp(['--import', 'tracegate/register', 'examples/support-agent/app.mjs'], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const spans = readOtlpJsonLines(file);
    const calls = spans.filter((s) => s.name.startsWith('chat support-'));
    expect(calls.length).toBe(6);
    expect(calls.some((s) => s.attributes['tracegate.outcome'] === 'fallback_success')).toBe(true);
    const tickets = spans.filter((s) => s.name.startsWith('ticket '));
    expect(tickets).toHaveLength(5);
    for (const t of tickets) expect(spans.some((s) => s.parentSpanId === t.spanId && s.name.startsWith('chat support-'))).toBe(true);
  });

  it('an unreachable OTLP endpoint does not hold the process at exit past the flush bound', async () => {
    // The exporter would keep retrying for 30 s; the exit flush gives up after 200 ms.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await runApp(['--import', 'tracegate/register', `${APPS}/otlp-app.mjs`], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
      TRACEGATE_FLUSH_TIMEOUT_MS: '200',
    });
    // runApp kills the child after 20 s; ending on its own with status 0 is the point.
    expect([r.code, r.signal, r.stderr]).toEqual([0, null, '']);
  });

  it('OTEL_SDK_DISABLED=true turns it off', async () => {
    const { file, env } = fileEnv('disabled', { OTEL_SDK_DISABLED: 'true' });
    const r = await runApp(['--import', 'tracegate/register', `${APPS}/exit-app.mjs`], env);
    expect(r.code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('exports OTLP over HTTP/protobuf to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await runApp(['--import', 'tracegate/register', `${APPS}/otlp-app.mjs`], {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_SERVICE_NAME: 'otlp-test',
      });
      expect([r.code, r.stderr]).toEqual([0, '']);
      const { traceId } = JSON.parse(r.stdout) as { traceId: string };
      expect(received.length).toBeGreaterThan(0);
      const req = received[0]!;
      expect(req.path).toBe('/v1/traces');
      expect(req.headers['content-type']).toBe('application/x-protobuf');
      const body = Buffer.concat(received.map((x) => x.body));
      expect(body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
      expect(body.includes(Buffer.from('chat support-fast'))).toBe(true);
      expect(body.includes(Buffer.from('otlp-test'))).toBe(true);
    } finally {
      server.close();
    }
  });
});
