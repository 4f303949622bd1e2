/**
 * The proxy's `telemetry.protocol`: with `grpc` and a gRPC receiver started here, the startup line
 * names the protocol and endpoint, and the call's spans reach the receiver's TraceService.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProxy, type ProxyCommandIO } from '../../src/cli/commands/proxy.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { GRPC_EXPORT_PATHS, startGrpcReceiver, type Receiver } from '../helpers/otlp-receivers.js';

let mock: MockServer;
let rx: Receiver;
let dir: string;

beforeAll(async () => {
  mock = await startMockServer();
  rx = await startGrpcReceiver();
  dir = await mkdtemp(join(tmpdir(), 'tracegate-proxy-otlp-'));
});
afterAll(async () => {
  await mock.close();
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('proxy telemetry over gRPC', () => {
  it('exports the call spans to the configured gRPC endpoint', async () => {
    const config = join(dir, 'proxy.yaml');
    await writeFile(
      config,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        'models:',
        `  - { name: support-fast, provider: openai, model: gpt-4o-mini, apiKey: sk-provider-otlp-0001, baseURL: ${mock.baseURL('openai')} }`,
        `telemetry: { traces: otlp, protocol: grpc, endpoint: ${rx.url}, serviceName: proxy-grpc }`,
        '',
      ].join('\n'),
    );
    const out: string[] = [];
    const err: string[] = [];
    let traceId = '';
    const io: ProxyCommandIO = {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: {},
      readStdin: () => '',
      waitForStop: async () => {
        const url = /listening on (\S+)/.exec(out.join('\n'))?.[1] ?? '';
        const r = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'support-fast', messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(r.status).toBe(200);
        traceId = r.headers.get('x-tracegate-trace-id') ?? '';
        await r.text();
        return 'SIGTERM';
      },
    };
    expect(await runProxy(['--config', config], io)).toBe(0);
    expect(out.join('\n')).toContain(`  traces   OTLP grpc ${rx.url}`);
    expect(err).toEqual([]);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const body = Buffer.concat(rx.received.filter((x) => x.path === GRPC_EXPORT_PATHS.traces).map((x) => x.body));
    expect(body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
    expect(body.includes(Buffer.from('proxy-grpc'))).toBe(true);
  });
});
