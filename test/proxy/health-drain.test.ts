/** Health endpoints, and the graceful drain of an in-process proxy. */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_ALL, mockModels, raw, startStack, type Stack } from './helpers.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const hi = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
const headers = { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' };
const MASTER = 'sk-master-0000000000000007';
const master = { authorization: `Bearer ${MASTER}` };

describe('health', () => {
  it('liveness is 200; readiness lists breaker states and turns 503 when every deployment is open', async () => {
    s = await startStack((mock) => ({
      models: mockModels(mock).filter((m) => m.name === 'chat'),
      breaker: { consecutiveFailures: 1, cooldownMs: 60_000 },
      keys: [{ id: 'all', key: KEY_ALL }],
      masterKey: MASTER,
    }));
    const live = await raw(`${s.proxy.url}/health/liveness`, { method: 'GET' });
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await raw(`${s.proxy.url}/health/readiness`, { method: 'GET', headers: master });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      store: { reachable: true },
      aliases: { chat: { available: true, deployments: [{ id: 'chat#0', state: 'closed', available: true }] } },
    });
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503 });
    expect((await raw(`${s.proxy.url}/v1/chat/completions`, { headers, body: hi })).status).toBe(503);
    const open = await raw(`${s.proxy.url}/health/readiness`, { method: 'GET', headers: master });
    expect(open.status).toBe(503);
    expect(open.body.status).toBe('unavailable');
    expect(open.body.reasons).toEqual(['every deployment has an open circuit breaker']);
    expect(open.body.aliases.chat.deployments[0]).toMatchObject({ id: 'chat#0', state: 'open', available: false, retryAt: expect.any(String) });
    // The breaker answers for the proxy: 503 circuit_open with retry-after, no upstream call.
    const calls = s.mock.calls.length;
    const rejected = await raw(`${s.proxy.url}/v1/chat/completions`, { headers, body: hi });
    expect(rejected.status).toBe(503);
    expect(rejected.body.error.code).toBe('circuit_open');
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(s.mock.calls.length).toBe(calls);
  });
});

describe('access log', () => {
  it('one line per request: method, route, status, key id, duration; never the key', async () => {
    const lines: string[] = [];
    s = await startStack({ server: { accessLog: true } }, { logger: { info: (l) => lines.push(l), warn: () => {}, error: () => {} } });
    await raw(`${s.proxy.url}/v1/chat/completions`, { headers, body: hi });
    await raw(`${s.proxy.url}/v1/nope`, { headers, body: hi });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines[0]).toMatch(/^POST \/v1\/chat\/completions 200 key=all [\d.]+ms$/);
    expect(lines[1]).toMatch(/^POST \/v1\/nope 404 key=- [\d.]+ms$/);
    expect(lines.join('\n')).not.toContain(KEY_ALL);
  });
});

describe('drain', () => {
  it('in-flight requests finish (connection: close), new connections are refused, readiness would say draining', async () => {
    s = await startStack();
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'latency', ms: 400 });
    const agent = new http.Agent({ keepAlive: true });
    const pending = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = http.request(`${s!.proxy.url}/v1/chat/completions`, { method: 'POST', headers, agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.end(hi);
    });
    while (s.mock.calls.length < 1) await new Promise((r) => setTimeout(r, 5));
    const report = s.proxy.shutdown({ drainTimeoutMs: 3000 });
    expect(s.proxy.draining).toBe(true);
    const refused = await fetch(`${s.proxy.url}/health/liveness`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.connection).toBe('close');
    expect(JSON.parse(r.body).choices[0].message.content).toBe('Mock reply from gpt-4o-mini.');
    expect(await report).toEqual({ inflight: 1, completed: 1, aborted: 0 });
    agent.destroy();
  });

  it('a stream still running at the deadline ends with a server_shutdown error event', async () => {
    s = await startStack();
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'stall', afterChunks: 2 });
    const res = await fetch(`${s.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'stall' }] }),
    });
    expect(res.status).toBe(200);
    const text = res.text();
    await new Promise((r) => setTimeout(r, 100));
    const report = await s.proxy.shutdown({ drainTimeoutMs: 200 });
    expect(report).toEqual({ inflight: 1, completed: 0, aborted: 1 });
    const body = await text;
    const events = body.split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(events.at(-1)!.slice('data: '.length))).toMatchObject({ error: { type: 'server_shutdown', code: 'server_shutdown' } });
    expect(body).not.toContain('[DONE]');
  });
});
