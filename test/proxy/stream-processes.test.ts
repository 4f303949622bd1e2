/**
 * Streaming through the proxy with every piece in its own process, as users run it: the built
 * `tracegate mock` and `tracegate proxy` are spawned with this test's Node (so the suite run on
 * Node 22 or 24 checks that Node), and the client is a plain HTTP client here.
 * - A slow reader gets all 200 chunks of a 3 MiB stream, in order, then `[DONE]`: nothing is
 *   dropped, the response does not end early (Node 22/24 ended it after the first chunk), and
 *   neither the proxy nor the mock sees the client as gone.
 * - A client that disconnects mid-stream makes the proxy cancel the upstream request: the mock
 *   reports the connection closed before its answer was complete, within a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/build.js';

const BIN = join(ROOT, 'bin/tracegate.cjs');
const CLIENT_KEY = 'sk-client-stream-test-0001';
const CHUNKS = 200;
/** Each content chunk of the bulk stream carries this many characters (3.2 MB in all). */
const PIECE = 16 * 1024;
const BULK_TEXT = Array.from({ length: CHUNKS }, (_, i) => String(i).padStart(4, '0') + 'x'.repeat(PIECE - 4)).join('');

interface Child {
  proc: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  out: string[];
  /** Resolves with the first match of `re` in the output (and the time it arrived). */
  waitFor(re: RegExp, ms?: number): Promise<{ match: RegExpExecArray; at: number }>;
  stop(): Promise<void>;
}

function start(args: string[]): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const out: string[] = [];
  const watchers = new Set<() => void>();
  const onData = (d: Buffer) => {
    out.push(d.toString());
    for (const w of watchers) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    out,
    waitFor(re, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = re.exec(out.join(''));
          if (!match) return;
          cleanup();
          resolve({ match, at: Date.now() });
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${re} within ${ms} ms; output:\n${out.join('')}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        void exited.then(() => {
          if (!watchers.has(check)) return;
          cleanup();
          reject(new Error(`process exited; output:\n${out.join('')}`));
        });
        check();
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

let dir: string;
let mock: Child;
let proxy: Child;
let proxyUrl: string;

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'tracegate-stream-proc-'));
  const scenario = join(dir, 'scenario.json');
  await writeFile(
    scenario,
    JSON.stringify({
      rules: [
        // `bulk`: 200 big chunks as fast as the proxy takes them.
        { match: { model: 'gpt-4o-mini', stream: true }, reply: { text: BULK_TEXT }, stream: { chunks: CHUNKS } },
        // `paced`: 200 chunks 20 ms apart, four seconds of stream unless cancelled.
        { match: { model: 'gpt-4o', stream: true }, reply: { text: 'word '.repeat(CHUNKS) }, stream: { chunks: CHUNKS, delayMs: 20 } },
      ],
    }),
  );
  mock = start(['mock', '--port', '0', '--scenario', scenario]);
  const mockUrl = (await mock.waitFor(/listening on (http:\/\/\S+)/)).match[1]!;
  const config = join(dir, 'proxy.yaml');
  await writeFile(
    config,
    [
      'server: { accessLog: true }',
      'models:',
      `  - { name: bulk, provider: openai, model: gpt-4o-mini, apiKey: sk-mock, baseURL: "${mockUrl}/v1" }`,
      `  - { name: paced, provider: openai, model: gpt-4o, apiKey: sk-mock, baseURL: "${mockUrl}/v1" }`,
      'retry: { maxAttempts: 1 }',
      `keys: [{ id: stream-test, key: ${CLIENT_KEY} }]`,
      '',
    ].join('\n'),
  );
  proxy = start(['proxy', '--config', config, '--port', '0']);
  proxyUrl = (await proxy.waitFor(/listening on (http:\/\/\S+)/)).match[1]!;
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await mock?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function streamRequest(model: string): { req: http.ClientRequest; response: Promise<http.IncomingMessage> } {
  const req = http.request(`${proxyUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    agent: false,
  });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  req.end(JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'stream please' }] }));
  return { req, response };
}

/** The JSON payloads of the `data:` events in an SSE body, and whether it ended with [DONE]. */
function parseSse(body: string): { events: any[]; done: boolean } {
  const events: any[] = [];
  let done = false;
  for (const block of body.split('\n\n')) {
    if (!block.startsWith('data: ')) continue;
    const data = block.slice(6);
    if (data === '[DONE]') done = true;
    else events.push(JSON.parse(data));
  }
  return { events, done };
}

const mockCallSeq = (out: string[], model: string): string[] =>
  [...out.join('').matchAll(new RegExp(`^#(\\d+) POST /v1/chat/completions → openai chat ${model} stream: 200$`, 'gm'))].map((m) => m[1]!);

describe('streaming through the proxy, proxy and mock in their own processes', () => {
  it('a slow reader gets every one of 200 chunks, then [DONE]', async () => {
    const { response } = streamRequest('bulk');
    const res = await response;
    expect(res.statusCode).toBe(200);
    // Read nothing for half a second (the proxy must hold back), then at most one buffer per 10 ms.
    res.pause();
    await new Promise((r) => setTimeout(r, 500));
    const parts: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      res.on('data', (d: Buffer) => {
        parts.push(d);
        res.pause();
        setTimeout(() => res.resume(), 10);
      });
      res.on('end', resolve);
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
      res.resume();
    });
    const { events, done } = parseSse(Buffer.concat(parts).toString('utf8'));
    expect(done).toBe(true);
    const content = events.map((e) => e.choices[0]?.delta?.content ?? '');
    const pieces = content.filter((c) => c.length > 0);
    expect(pieces).toHaveLength(CHUNKS);
    expect(pieces.map((p) => p.slice(0, 4))).toEqual(Array.from({ length: CHUNKS }, (_, i) => String(i).padStart(4, '0')));
    expect(content.join('')).toBe(BULK_TEXT);
    expect(events.at(-1).choices[0].finish_reason).toBe('stop');
    // Neither side saw the client leave.
    await proxy.waitFor(/POST \/v1\/chat\/completions 200 key=stream-test/);
    expect(proxy.out.join('')).not.toContain('client-closed');
    const [seq] = mockCallSeq(mock.out, 'gpt-4o-mini');
    expect(seq).toBeDefined();
    expect(mock.out.join('')).not.toContain(`#${seq} connection closed before the answer was complete`);
  });

  it('a client that disconnects mid-stream gets the upstream request cancelled within a second', async () => {
    const { req, response } = streamRequest('paced');
    req.on('error', () => undefined);
    const res = await response;
    expect(res.statusCode).toBe(200);
    let received = '';
    await new Promise<void>((resolve) => {
      res.on('data', (d: Buffer) => {
        received += d.toString('utf8');
        if ((received.match(/^data: /gm) ?? []).length >= 10) resolve();
      });
    });
    const [seq] = mockCallSeq(mock.out, 'gpt-4o');
    expect(seq).toBeDefined();
    expect(mock.out.join('')).not.toContain(`#${seq} connection closed`);
    const droppedAt = Date.now();
    req.destroy();
    // The mock (another process) sees its connection from the proxy close mid-answer.
    const closed = await mock.waitFor(new RegExp(`^#${seq} connection closed before the answer was complete$`, 'm'), 5000);
    expect(closed.at - droppedAt).toBeLessThan(1000);
    await proxy.waitFor(/POST \/v1\/chat\/completions client-closed key=stream-test/);
    expect(received).not.toContain('[DONE]');
  });
});
