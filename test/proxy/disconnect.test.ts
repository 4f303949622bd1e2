/**
 * Client disconnects and backpressure. A TCP relay between the proxy and the mock shows what
 * happens to the upstream connection; the router's budget state shows the reservation; the
 * router's call channel shows how the call ended.
 */
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type CallEvent } from '../../src/channels.js';
import { startMockServer, type MockCallRecord, type MockServer } from '../../src/mock/index.js';
import { proxyConfigFromObject, silentLogger, startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { KEY_ALL, PROVIDER_KEY } from './helpers.js';

interface Relay {
  port: number;
  /** Upstream connections opened so far and whether each is still open. */
  connections: { open: boolean; bytesFromMock: number; closedAt?: number }[];
  close(): Promise<void>;
}

async function startRelay(target: number): Promise<Relay> {
  const connections: Relay['connections'] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const conn: Relay['connections'][number] = { open: true, bytesFromMock: 0 };
    connections.push(conn);
    const up = net.connect(target, '127.0.0.1');
    sockets.add(client).add(up);
    up.on('data', (d) => (conn.bytesFromMock += d.length));
    client.pipe(up);
    up.pipe(client);
    const done = () => {
      if (conn.open) {
        conn.open = false;
        conn.closedAt = Date.now();
      }
      client.destroy();
      up.destroy();
    };
    client.on('close', done).on('error', done);
    up.on('close', done).on('error', done);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let mock: MockServer;
let relay: Relay;
let proxy: ProxyServer;
const mockCalls: MockCallRecord[] = [];
const settled: CallEvent[] = [];
const onSettled = (e: unknown) => settled.push(e as CallEvent);
const callChannel = dc.tracingChannel(CHANNEL_NAMES.call);

beforeAll(async () => {
  mock = await startMockServer({ onCall: (c) => mockCalls.push(c) });
  relay = await startRelay(mock.port);
  const baseURL = `http://127.0.0.1:${relay.port}/v1`;
  const config = proxyConfigFromObject(
    {
      models: [{ name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: PROVIDER_KEY, baseURL }],
      keys: [{ id: 'all', key: KEY_ALL }],
      budgets: [{ scope: 'key', limitUsd: 100, window: 'day' }],
      retry: { maxAttempts: 1 },
      timeouts: { firstTokenMs: 10_000, idleMs: 10_000, totalMs: 20_000 },
    },
    { env: {} },
  );
  proxy = await startProxy({ config, port: 0, logger: silentLogger });
  callChannel.subscribe({ asyncEnd: onSettled } as never);
});
afterEach(() => {
  mock.reset();
  mockCalls.length = 0;
  settled.length = 0;
});
afterAll(async () => {
  callChannel.unsubscribe({ asyncEnd: onSettled } as never);
  await proxy.close();
  await relay.close();
  await mock.close();
});

const budgetUsage = () => proxy.router.budgets.usage(proxy.router.policies.budgets[0]!, 'all');

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw HTTP request to the proxy that we can drop at any moment. */
function openRequest(body: unknown): { req: http.ClientRequest; response: Promise<http.IncomingMessage> } {
  const req = http.request(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' },
    agent: false,
  });
  req.on('error', () => undefined);
  const response = new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
  req.end(JSON.stringify(body));
  return { req, response };
}

describe('client disconnect', () => {
  it('during a hanging unary call: the upstream request is released and the reservation returned', async () => {
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'hang' });
    const { req } = openRequest({ model: 'chat', messages: [{ role: 'user', content: 'hang' }] });
    await until(() => mock.calls.length === 1);
    await until(async () => (await budgetUsage()) > 0);
    req.destroy();
    await until(() => mockCalls.length === 1); // the mock reports the hanging call once its client (the proxy) left
    expect(mockCalls[0]!.status).toBe(0);
    await until(async () => (await budgetUsage()) === 0);
    await until(() => settled.length === 1);
    expect(settled[0]!.info.outcome).toBe('aborted');
    expect(proxy.inflight).toBe(0);
  });

  it('mid-stream: the upstream connection is closed, the stream ends aborted, the reservation is settled to the estimate of what was received', async () => {
    // 40 chunks, 100 ms apart: four seconds of stream unless cancelled.
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: 'word '.repeat(40) }, stream: { chunks: 40, delayMs: 100 } });
    const bytesBefore = new Map(relay.connections.map((c) => [c, c.bytesFromMock]));
    const { req, response } = openRequest({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'stream' }] });
    const res = await response;
    expect(res.statusCode).toBe(200);
    let received = '';
    await new Promise<void>((resolve) => {
      res.on('data', (d) => {
        received += d;
        if ((received.match(/^data: /gm) ?? []).length >= 3) resolve();
      });
    });
    // The upstream connection carrying this stream: the one the mock has been sending on.
    const upstream = relay.connections.filter((c) => c.bytesFromMock > (bytesBefore.get(c) ?? 0));
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.open).toBe(true);
    const droppedAt = Date.now();
    req.destroy();
    await until(() => upstream.every((c) => !c.open), 2000);
    expect(upstream[0]!.closedAt! - droppedAt).toBeLessThan(1000);
    await until(() => settled.length === 1);
    expect(settled[0]!.streamOutcome).toBe('aborted');
    expect(settled[0]!.info.outcome).toBe('aborted');
    // The worst-case reservation is replaced by the estimate of what was received (not released to 0).
    const attempt = settled[0]!.info.attempts[0]!;
    expect(attempt.usageEstimated).toBe(true);
    await until(async () => Math.abs((await budgetUsage()) - attempt.cost!.total) < 1e-12);
    expect(attempt.cost!.total).toBeGreaterThan(0);
    expect(received).not.toContain('[DONE]');
  });
});

describe('backpressure', () => {
  it('a client that does not read stops the proxy from pulling upstream; reading resumes it', async () => {
    // 32 MiB of stream in 16 KiB events.
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'oversized', bytes: 32 * 1024 * 1024 });
    const pulled = { n: 0 };
    const onChunk = () => pulled.n++;
    dc.subscribe(CHANNEL_NAMES.chunk, onChunk);
    const socket = net.connect(proxy.port, '127.0.0.1');
    try {
      const body = JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'big' }] });
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY_ALL}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      socket.pause(); // read nothing
      await until(() => pulled.n > 0);
      // The proxy pulls until the socket buffers up to the client are full, then stops: wait for
      // a 300 ms window with (almost) no pull. No fixed delay: on a loaded machine filling the
      // buffers can take longer than a second.
      let stalled = pulled.n;
      for (const end = Date.now() + 15_000; ; stalled = pulled.n) {
        await new Promise((r) => setTimeout(r, 300));
        if (pulled.n - stalled < 8) break;
        if (Date.now() > end) throw new Error(`the proxy kept pulling from upstream: ${pulled.n} events`);
      }
      // Far from the 2048 events of the stream (without backpressure it pulls them all).
      expect(stalled).toBeLessThan(1024);
      let bytes = 0;
      socket.on('data', (d) => (bytes += d.length));
      socket.resume();
      await until(() => pulled.n > stalled + 200, 10_000);
      expect(bytes).toBeGreaterThan(0);
    } finally {
      dc.unsubscribe(CHANNEL_NAMES.chunk, onChunk);
      socket.destroy();
    }
    await until(() => proxy.inflight === 0, 5000);
  });
});
