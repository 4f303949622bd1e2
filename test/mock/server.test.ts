/** Server lifecycle and the call log: close() never hangs, credentials are redacted, routes and bodies are checked. */
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_DIALECTS, startMockServer, type MockCallRecord, type MockServer } from '../../src/mock/index.js';
import { AUTH, chat, chatBody, chatPath, post, readBody } from '../helpers/mock-client.js';

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function serve(options: Parameters<typeof startMockServer>[0] = {}): Promise<MockServer> {
  const server = await startMockServer(options);
  servers.push(server);
  return server;
}

describe('close()', () => {
  it('destroys hanging and stalled requests on HTTP/1.1 and HTTP/2, quickly', async () => {
    const mock = await startMockServer();
    const hanging = [1, 2, 3].map(() => chat(mock, 'openai', 'm', { headers: { 'x-mock-fault': 'hang' }, timeoutMs: 10_000 }).then(
      () => 'answered',
      (err: Error) => err.name,
    ));
    const stalled = await chat(mock, 'anthropic', 'm', { stream: true, headers: { 'x-mock-fault': 'stall:afterChunks=1' }, timeoutMs: 10_000 });
    const stalledRead = readBody(stalled, 10_000);
    const session = http2.connect(mock.url);
    session.on('error', () => undefined);
    const h2 = session.request({ ':method': 'POST', ':path': chatPath('bedrock', 'm', true), ...AUTH.bedrock, 'x-mock-fault': 'hang' });
    h2.on('error', () => undefined);
    h2.end(JSON.stringify(chatBody('bedrock', 'm', true)));
    const h2Closed = new Promise<void>((resolve) => h2.on('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(mock.count({ fault: 'hang' })).toBe(4);

    const started = Date.now();
    await mock.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await Promise.all(hanging)).toEqual(['TypeError', 'TypeError', 'TypeError']);
    expect((await stalledRead).outcome).toBe('error');
    await h2Closed;
    session.destroy();
    expect(mock.calls.filter((call) => call.fault === 'hang').every((call) => call.status === 0)).toBe(true);
    await mock.close();
  });

  it('a client abort releases a hanging request; onCall reports it without a status', async () => {
    const seen: MockCallRecord[] = [];
    const mock = await serve({ onCall: (call) => seen.push({ ...call }) });
    await chat(mock, 'openai', 'm', { headers: { 'x-mock-fault': 'hang' }, timeoutMs: 100 }).catch(() => undefined);
    await (await chat(mock, 'openai', 'm')).text();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map((call) => [call.seq, call.status, call.fault])).toEqual([
      [1, 0, 'hang'],
      [2, 200, undefined],
    ]);
  });

  it('a port in use is an EADDRINUSE error', async () => {
    const mock = await serve();
    await expect(startMockServer({ port: mock.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('call log', () => {
  it('records method, path, dialect, model, stream, status; never a credential value', async () => {
    const mock = await serve();
    const secrets = { authorization: 'Bearer sk-SECRET-1', 'api-key': 'SECRET-2', 'x-api-key': 'SECRET-3', 'x-goog-api-key': 'SECRET-4', 'x-amz-security-token': 'SECRET-5' };
    await (await post(mock, '/v1/chat/completions?key=SECRET-6', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }, secrets)).text();
    const [call] = mock.calls;
    expect(call).toMatchObject({ seq: 1, method: 'POST', path: '/v1/chat/completions', dialect: 'openai', operation: 'chat', model: 'gpt-4o', stream: true, status: 200, protocol: 'http/1.1' });
    expect(call?.headersPresent).toEqual({ auth: true, authorization: true, 'api-key': true, 'x-api-key': true, 'x-goog-api-key': true, queryKey: true });
    expect(call?.body).toMatchObject({ model: 'gpt-4o' });
    expect(Math.abs((call?.at ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(JSON.stringify(mock.calls)).not.toMatch(/SECRET/);
    expect(call?.headers['content-type']).toBe('application/json');
  });

  it('unknown endpoints are a 404 recorded as dialect unknown; bad JSON is a 400 in the dialect shape', async () => {
    const mock = await serve();
    const res = await post(mock, '/v2/whatever', {});
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('POST /v2/whatever');
    expect(mock.calls[0]).toMatchObject({ dialect: 'unknown', operation: 'unknown', status: 404 });
    const bad = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: { ...AUTH.anthropic, 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('maxCalls keeps only the newest records', async () => {
    const mock = await serve({ maxCalls: 3 });
    for (let i = 0; i < 5; i++) await (await chat(mock, 'openai', `m${i}`)).text();
    expect(mock.calls.map((call) => [call.seq, call.model])).toEqual([
      [3, 'm2'],
      [4, 'm3'],
      [5, 'm4'],
    ]);
  });

  it('url, port and the base URL of every dialect', async () => {
    const mock = await serve();
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(Object.fromEntries(MOCK_DIALECTS.map((d) => [d, mock.baseURL(d)]))).toEqual({
      openai: `${mock.url}/v1`,
      azure: mock.url,
      anthropic: mock.url,
      gemini: mock.url,
      bedrock: mock.url,
    });
    const res = await chat(mock, 'openai', 'm');
    expect(res.headers.get('x-mock-seq')).toBe('1');
  });
});
