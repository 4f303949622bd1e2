/**
 * `tracegate proxy`: in-process through the command module (help, startup errors, startup
 * line, --check, --hash-key), then as a real child process (`node bin/tracegate.cjs proxy`):
 * it routes, and on SIGTERM it refuses new connections, finishes in-flight requests, aborts
 * what passes the drain deadline, and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP, runProxy, type ProxyCommandIO } from '../../src/cli/commands/proxy.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { hashKey } from '../../src/proxy/index.js';
import { readOtlpJsonLines } from '../helpers/otlp-json.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';

const NATIVE = fileURLToPath(new URL('./fixtures/native.yaml', import.meta.url));
const LITELLM = fileURLToPath(new URL('./fixtures/litellm-config.yaml', import.meta.url));
const APP_KEY = 'sk-support-app-0001';
const BIN = join(ROOT, 'bin/tracegate.cjs');

let mock: MockServer;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  mock = await startMockServer();
  dir = await mkdtemp(join(tmpdir(), 'tracegate-proxy-cli-'));
  env = {
    OPENAI_API_KEY: 'sk-provider-cli-0001',
    ANTHROPIC_API_KEY: 'sk-ant-cli-0001',
    MOCK_URL: mock.url,
    MOCK_OPENAI_BASE: mock.baseURL('openai'),
    SUPPORT_APP_KEY: APP_KEY,
    LITELLM_MASTER_KEY: 'sk-litellm-master-01',
    APP_KEY: 'sk-app-key-000001',
  };
});
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

function io(options: { env?: NodeJS.ProcessEnv; stdin?: string; whileUp?: (url: string) => Promise<void> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: ProxyCommandIO = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: options.env ?? env,
    readStdin: () => options.stdin ?? '',
    waitForStop: async () => {
      const url = /listening on (\S+)/.exec(out.join('\n'))?.[1] ?? '';
      await options.whileUp?.(url);
      return 'SIGTERM';
    },
  };
  return { out, err, value };
}

describe('tracegate proxy (in-process)', () => {
  it('--help, and a missing --config is a usage error', async () => {
    const h = io();
    expect(await runProxy(['--help'], h.value)).toBe(0);
    expect(h.out.join('\n')).toBe(HELP);
    expect(HELP).toMatch(/--config FILE[\s\S]*--port N[\s\S]*--host H/);
    const m = io();
    expect(await runProxy([], m.value)).toBe(2);
    expect(m.err.join('\n')).toContain('--config FILE is required');
    expect(await runProxy(['--config', NATIVE, '--port', '99999'], io().value)).toBe(2);
  });

  it('starts, prints the URL, aliases, keys and where traces go, serves, and stops', async () => {
    let status = 0;
    const h = io({
      whileUp: async (url) => {
        const r = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'support-fast', messages: [{ role: 'user', content: 'hi' }] }),
        });
        status = r.status;
        await r.text();
      },
    });
    expect(await runProxy(['--config', NATIVE, '--port', '0'], h.value)).toBe(0);
    expect(status).toBe(200);
    const text = h.out.join('\n');
    expect(text).toMatch(/^tracegate proxy listening on http:\/\/127\.0\.0\.1:\d+ \(OpenAI base URL http:\/\/127\.0\.0\.1:\d+\/v1\)$/m);
    expect(text).toContain('  aliases  support-fast, support-accurate, embed');
    expect(text).toContain('  keys     1 virtual key + master key');
    expect(text).toContain('  traces   off');
    expect(text).toMatch(/stopped \(SIGTERM\): 0 in-flight request\(s\) completed, 0 aborted/);
    expect(text + h.err.join('\n')).not.toContain('sk-provider-cli-0001');
  });

  it('a LiteLLM file: the ignored settings are warned about', async () => {
    const h = io();
    expect(await runProxy(['--config', LITELLM, '--port', '0'], h.value)).toBe(0);
    expect(h.out.join('\n')).toContain('(LiteLLM format)');
    expect(h.err.join('\n')).toMatch(/warning: litellm_settings\.success_callback: ignored/);
  });

  it('a bad config names file, line and path; a missing variable names the variable', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'models:\n  - name: a\n    provider: openai\n    model: gpt-4o\n    apiKey: sk-000000\nfallbacks:\n  a: [b]\n');
    const h = io();
    expect(await runProxy(['--config', bad], h.value)).toBe(1);
    expect(h.err.join('\n')).toContain(`${bad}:7: fallbacks.a[0]: unknown alias "b"`);
    const m = io({ env: { ...env, SUPPORT_APP_KEY: undefined } });
    expect(await runProxy(['--config', NATIVE], m.value)).toBe(1);
    expect(m.err.join('\n')).toMatch(/native\.yaml:39: keys\[0\]\.key: environment variable SUPPORT_APP_KEY is not set/);
  });

  it('a port in use is a clear error', async () => {
    const h = io();
    expect(await runProxy(['--config', NATIVE, '--port', String(mock.port)], h.value)).toBe(1);
    expect(h.err.join('\n')).toContain(`port ${mock.port} on 127.0.0.1 is already in use`);
  });

  it('--check validates without listening; --hash-key prints the sha256 form', async () => {
    const c = io();
    expect(await runProxy(['--config', NATIVE, '--check'], c.value)).toBe(0);
    expect(c.out.join('\n')).toMatch(/config OK: .*native\.yaml \(tracegate format\); aliases support-fast, support-accurate, embed; 1 virtual key \+ master key/);
    const k = io({ stdin: 'sk-some-client-key\n' });
    expect(await runProxy(['--hash-key'], k.value)).toBe(0);
    expect(k.out).toEqual([hashKey('sk-some-client-key')]);
  });
});

describe('tracegate proxy (child process)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  interface Child {
    proc: ChildProcess;
    url: string;
    port: number;
    out: string[];
    exited: Promise<number | null>;
  }

  async function spawnProxy(config: string): Promise<Child> {
    const proc = spawn(process.execPath, [BIN, 'proxy', '--config', config, '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out.push(d.toString());
        const text = out.join('');
        const m = /listening on (http:\/\/\S+)/.exec(text);
        if (m && /^ {2}traces .*\n/m.test(text)) resolve(m[1]!);
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      void exited.then((code) => reject(new Error(`proxy exited with ${code}: ${out.join('')}`)));
    });
    return { proc, url, port: Number(new URL(url).port), out, exited };
  }

  function chat(url: string, content: string): Promise<{ status: number; body: any }> {
    return fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'support-fast', messages: [{ role: 'user', content }] }),
      signal: AbortSignal.timeout(15_000),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  }

  function refused(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
  }

  it('routes a request; on SIGTERM it refuses new connections, completes in-flight requests and exits 0', async () => {
    const child = await spawnProxy(NATIVE);
    try {
      mock.reset();
      expect((await chat(child.url, 'hello')).status).toBe(200);
      expect(mock.calls.at(-1)?.model).toBe('gpt-4o-mini');
      mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'latency', ms: 1200 }, { kind: 'latency', ms: 1200 });
      const inflight = [chat(child.url, 'slow one'), chat(child.url, 'slow two')];
      while (mock.calls.length < 3) await new Promise((r) => setTimeout(r, 10));
      const sentAt = Date.now();
      child.proc.kill('SIGTERM');
      let closed = false;
      for (let i = 0; i < 100 && !closed; i++) {
        closed = await refused(child.port);
        if (!closed) await new Promise((r) => setTimeout(r, 10));
      }
      expect(closed).toBe(true);
      const results = await Promise.all(inflight);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(results[0]!.body.choices[0].message.content).toBe('Mock reply from gpt-4o-mini.');
      expect(await child.exited).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(5000);
      expect(child.out.join('')).toMatch(/stopped \(SIGTERM\): 2 in-flight request\(s\) completed, 0 aborted/);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('the LiteLLM config.yaml starts the built CLI too, and routes', async () => {
    const child = await spawnProxy(LITELLM);
    try {
      expect(child.out.join('')).toContain('(LiteLLM format)');
      mock.reset();
      const r = await fetch(`${child.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.APP_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-tracegate-deployment')).toBe('mini-1');
      expect(mock.calls.at(-1)?.model).toBe('gpt-4o-mini');
      child.proc.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('telemetry: the file exporter gets one trace per request continuing the client\'s, flushed at shutdown', async () => {
    const tracesFile = join(dir, 'traces.jsonl');
    const config = join(dir, 'traced.yaml');
    await writeFile(
      config,
      [
        'models: [{ name: support-fast, provider: openai, model: gpt-4o-mini, apiKey: "${OPENAI_API_KEY}", baseURL: "${MOCK_URL}/v1" }]',
        'keys: [{ id: app, key: "${SUPPORT_APP_KEY}" }]',
        `telemetry: { traces: file, file: ${JSON.stringify(tracesFile)}, serviceName: proxy-under-test }`,
      ].join('\n'),
    );
    const child = await spawnProxy(config);
    try {
      expect(child.out.join('')).toContain(`traces   file ${tracesFile}`);
      mock.reset();
      const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const clientSpan = '00f067aa0ba902b7';
      const r = await fetch(`${child.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json', traceparent: `00-${clientTrace}-${clientSpan}-01` },
        body: JSON.stringify({ model: 'support-fast', messages: [{ role: 'user', content: 'traced' }] }),
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-tracegate-trace-id')).toBe(clientTrace);
      await r.text();
      child.proc.kill('SIGTERM');
      expect(await child.exited).toBe(0);
      const spans = readOtlpJsonLines(tracesFile);
      const call = spans.find((s) => s.name === 'chat support-fast')!;
      expect(call).toMatchObject({ traceId: clientTrace, parentSpanId: clientSpan, kind: 2 });
      expect(call.resource['service.name']).toBe('proxy-under-test');
      const attempt = spans.find((s) => s.parentSpanId === call.spanId)!;
      expect(attempt.kind).toBe(3);
      expect(mock.calls.at(-1)!.headers.traceparent).toBe(`00-${clientTrace}-${attempt.spanId}-01`);
      expect(JSON.stringify(spans)).not.toContain(env.OPENAI_API_KEY);
      expect(JSON.stringify(spans)).not.toContain(APP_KEY);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('requests past the drain deadline are aborted with a 503, and the process still exits 0', async () => {
    const config = join(dir, 'short-drain.yaml');
    await writeFile(
      config,
      [
        'server: { drainTimeoutMs: 300 }',
        'models: [{ name: support-fast, provider: openai, model: gpt-4o-mini, apiKey: "${OPENAI_API_KEY}", baseURL: "${MOCK_URL}/v1" }]',
        'keys: [{ id: app, key: "${SUPPORT_APP_KEY}" }]',
      ].join('\n'),
    );
    const child = await spawnProxy(config);
    try {
      mock.reset();
      mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'hang' });
      const pending = chat(child.url, 'never answered');
      while (mock.calls.length < 1) await new Promise((r) => setTimeout(r, 10));
      const sentAt = Date.now();
      child.proc.kill('SIGTERM');
      const r = await pending;
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('server_shutdown');
      expect(await child.exited).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(3000);
      expect(child.out.join('')).toMatch(/stopped \(SIGTERM\): 0 in-flight request\(s\) completed, 1 aborted/);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });
});
