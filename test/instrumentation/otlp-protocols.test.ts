/**
 * OTLP over each standard protocol, in real child processes running the built package under
 * `--import tracegate/register`: http/protobuf, http/json and gRPC receivers started here get the
 * app's spans (and metrics), chosen by OTEL_EXPORTER_OTLP_PROTOCOL or the per-signal variable;
 * with no receiver, one clear warning line names the exporter, the endpoint and the reason.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { GRPC_EXPORT_PATHS, startGrpcReceiver, startHttpReceiver, type Receiver } from '../helpers/otlp-receivers.js';
import { startMockServer, type MockServer } from './harness.js';

const APP = 'test/instrumentation/apps/otlp-app.mjs';
let mock: MockServer;

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
}, 120_000);
afterAll(async () => {
  await mock.close();
});

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runApp(env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tracegate/register', APP],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_BASE_URL: mock.baseURL('openai'), OTEL_SERVICE_NAME: 'otlp-protocols', ...env }, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const traceIdOf = (r: RunResult): string => (JSON.parse(r.stdout) as { traceId: string }).traceId;

async function withReceiver(start: () => Promise<Receiver>, fn: (r: Receiver) => Promise<void>): Promise<void> {
  const receiver = await start();
  try {
    await fn(receiver);
  } finally {
    await receiver.close();
  }
}

describe('OTLP protocols', () => {
  it('http/json: spans and metrics as OTLP/JSON on /v1/traces and /v1/metrics', async () => {
    await withReceiver(startHttpReceiver, async (rx) => {
      const r = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRICS_EXPORTER: 'otlp' });
      expect([r.code, r.stderr]).toEqual([0, '']);
      const traces = rx.received.filter((x) => x.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      expect(traces.every((x) => x.contentType.startsWith('application/json'))).toBe(true);
      const spans = traces.flatMap((x) => {
        const body = JSON.parse(x.body.toString('utf8')) as { resourceSpans: { scopeSpans: { spans: { traceId: string; name: string }[] }[] }[] };
        return body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      });
      const traceId = traceIdOf(r);
      expect(spans.filter((s) => s.traceId === traceId).map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat support-fast']);
      const metrics = rx.received.filter((x) => x.path === '/v1/metrics');
      expect(metrics.length).toBeGreaterThan(0);
      expect(metrics[0]!.body.toString('utf8')).toContain('gen_ai.client.operation.duration');
    });
  });

  it('grpc: spans and metrics reach the collector services (OTEL_EXPORTER_OTLP_PROTOCOL=grpc)', async () => {
    await withReceiver(startGrpcReceiver, async (rx) => {
      const r = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_METRICS_EXPORTER: 'otlp' });
      expect([r.code, r.stderr]).toEqual([0, '']);
      const traces = rx.received.filter((x) => x.path === GRPC_EXPORT_PATHS.traces);
      expect(traces.length).toBeGreaterThan(0);
      const body = Buffer.concat(traces.map((x) => x.body));
      // Protobuf carries the trace id as its 16 raw bytes and span names as UTF-8.
      expect(body.includes(Buffer.from(traceIdOf(r), 'hex'))).toBe(true);
      expect(body.includes(Buffer.from('chat support-fast'))).toBe(true);
      const metrics = rx.received.filter((x) => x.path === GRPC_EXPORT_PATHS.metrics);
      expect(Buffer.concat(metrics.map((x) => x.body)).includes(Buffer.from('gen_ai.client.operation.duration'))).toBe(true);
    });
  });

  it('the per-signal variable wins: traces over grpc while the generic protocol says http/json', async () => {
    await withReceiver(startGrpcReceiver, async (rx) => {
      const r = await runApp({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(Buffer.concat(rx.received.map((x) => x.body)).includes(Buffer.from(traceIdOf(r), 'hex'))).toBe(true);
    });
  });

  it('http/protobuf stays the default', async () => {
    await withReceiver(startHttpReceiver, async (rx) => {
      const r = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url });
      expect([r.code, r.stderr]).toEqual([0, '']);
      const traces = rx.received.filter((x) => x.path === '/v1/traces');
      expect(traces[0]!.contentType).toBe('application/x-protobuf');
      expect(Buffer.concat(traces.map((x) => x.body)).includes(Buffer.from(traceIdOf(r), 'hex'))).toBe(true);
    });
  });

  it('an unknown protocol is said, and traces still go out over http/protobuf', async () => {
    await withReceiver(startHttpReceiver, async (rx) => {
      const r = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL="thrift" is not an OTLP protocol');
      expect(rx.received.filter((x) => x.path === '/v1/traces').length).toBeGreaterThan(0);
    });
  });

  for (const protocol of ['http/protobuf', 'grpc'] as const) {
    it(`with no receiver (${protocol}): one clear warning line, and the process still exits`, async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const r = await runApp({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        TRACEGATE_FLUSH_TIMEOUT_MS: '5000',
      });
      expect(r.code).toBe(0);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      const endpoint = protocol === 'grpc' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1/traces`;
      expect(lines[0]).toMatch(new RegExp(`^tracegate: OTLP traces \\(${protocol.replace('/', '\\/')}\\) export to ${endpoint.replace(/[/.]/g, '\\$&')} failed: (connection refused|timeout|unavailable.*)$`));
    });
  }
});
