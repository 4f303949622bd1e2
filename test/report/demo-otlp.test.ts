/**
 * `tracegate demo` with OTEL_TRACES_EXPORTER=otlp says where the traces went only when an export
 * succeeded: with a receiver on 127.0.0.1 it names it; with nobody listening it says the copy did
 * not arrive, and why (one warning line on stderr, not a false "exported to").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/commands/demo.js';
import { startHttpReceiver } from '../helpers/otlp-receivers.js';

let dir: string;
const saved = { ...process.env };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-demo-otlp-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

async function demoOutput(endpoint: string, sub: string): Promise<string> {
  // The OTLP exporter packages read their timeout from process.env; the endpoint is the demo's env's.
  process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '1000';
  const out: string[] = [];
  const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t), isTTY: false }, env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } };
  await runDemo({ out: join(dir, sub), calls: 6, seed: 7, quiet: false }, io);
  return out.join('');
}

describe('tracegate demo over OTLP', () => {
  it('names the receiver after a successful export', async () => {
    const rx = await startHttpReceiver();
    try {
      const text = await demoOutput(rx.url, 'ok');
      expect(rx.received.some((r) => r.path === '/v1/traces')).toBe(true);
      expect(text).toContain(`The same traces were also exported (OTLP traces (http/protobuf)) to ${rx.url}/v1/traces`);
    } finally {
      await rx.close();
    }
  }, 60_000);

  it('says the copy did not arrive when nobody listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const text = await demoOutput(`http://127.0.0.1:${port}`, 'down');
    expect(text).not.toContain('were also exported');
    expect(text).toMatch(new RegExp(`The OTLP copy of the traces did not reach http://127\\.0\\.0\\.1:${port}/v1/traces \\(OTLP traces \\(http/protobuf\\)\\): (connection refused|timeout)`));
  }, 60_000);
});
