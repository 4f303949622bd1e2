/**
 * Real Redis for tests. `startRedis()` spawns a private `redis-server` on a free loopback port
 * (no persistence) and returns its URL, PID, `stop()` and `restart()` (same port, to test
 * recovery). `redisUrlForTests()` returns `TRACEGATE_TEST_REDIS_URL` (CI starts one server for the
 * whole run) or spawns a private one. A test that kills Redis must use `startRedis()`, never the
 * shared server. Tests sharing a server keep apart with `uniqueRedisPrefix()`.
 *
 * Without a `redis-server` binary (and no TRACEGATE_TEST_REDIS_URL), `describeRedis` skips its
 * suite with a loud message, except under CI (`process.env.CI` set), where the suite FAILS: tests
 * needing Redis never silently skip in CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

export interface RedisServer {
  url: string;
  port: number;
  /** PID of the running redis-server (changes on restart). */
  readonly pid: number;
  /** Stops the server (SIGKILL: like a crash) and waits until its port is closed. */
  stop(): Promise<void>;
  /** Starts a fresh (empty) server on the same port; resolves when it answers PING. */
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Path of redis-server (REDIS_SERVER, else PATH, else /usr/bin, /usr/local/bin), or undefined (also when TRACEGATE_TEST_NO_REDIS is set). */
export function redisServerBinary(): string | undefined {
  // Lets the missing-binary behaviour be checked on a machine that has one.
  if (process.env.TRACEGATE_TEST_NO_REDIS) return undefined;
  const candidates = [process.env.REDIS_SERVER, ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'redis-server')), '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Whether tests can get a Redis: a shared URL or a binary to spawn. */
export function redisAvailable(): boolean {
  return Boolean(process.env.TRACEGATE_TEST_REDIS_URL) || redisServerBinary() !== undefined;
}

/** Whether tests can spawn (and kill) their own redis-server. */
export function redisSpawnable(): boolean {
  return redisServerBinary() !== undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends PING over raw RESP; true on +PONG. */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function spawnServer(bin: string, port: number): ChildProcess {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Spawns a private redis-server on a free loopback port. Throws when there is no binary. */
export async function startRedis(): Promise<RedisServer> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER)');
  const port = await freePort();
  let child = spawnServer(bin, port);
  const up = async (c: ChildProcess) => {
    let exited = false;
    c.once('exit', () => (exited = true));
    await waitFor(async () => {
      if (exited) throw new Error(`redis-server on port ${port} exited at start`);
      return pingRedis(port);
    }, 10_000, `redis-server on port ${port}`);
  };
  await up(child);
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(child.pid!, 'SIGKILL');
      await exited;
      await waitFor(async () => !(await pingRedis(port, '127.0.0.1', 200)), 5_000, `redis-server on port ${port} to stop`);
    },
    async restart() {
      await server.stop();
      child = spawnServer(bin, port);
      await up(child);
    },
  };
  return server;
}

let shared: Promise<{ url: string; server?: RedisServer }> | undefined;

/** A Redis URL for tests that only need a server: TRACEGATE_TEST_REDIS_URL, else one spawned per test file. */
export async function redisUrlForTests(): Promise<string> {
  const fromEnv = process.env.TRACEGATE_TEST_REDIS_URL;
  if (fromEnv) return fromEnv;
  shared ??= startRedis().then((server) => ({ url: server.url, server }));
  return (await shared).url;
}

/** Stops the server `redisUrlForTests()` spawned, if any (afterAll). */
export async function stopTestRedis(): Promise<void> {
  const s = shared;
  shared = undefined;
  const got = await s?.catch(() => undefined);
  await got?.server?.stop();
}

/** A key prefix no other test (or test file) uses: tests can share one server. */
export function uniqueRedisPrefix(tag = 't'): string {
  return `tgtest:${tag}:${randomBytes(6).toString('hex')}:`;
}

const MISSING =
  'redis-server is not installed and TRACEGATE_TEST_REDIS_URL is not set: the Redis tests are SKIPPED. ' +
  'Install it (apt-get install redis-server) to run them.';

/**
 * `describe` for suites needing Redis. `needs: 'spawn'` for suites that start and kill their own
 * server. Without Redis: skipped with a loud warning, or a failing test under CI.
 */
export function describeRedis(name: string, fn: () => void, needs: 'server' | 'spawn' = 'server'): void {
  const ok = needs === 'spawn' ? redisSpawnable() : redisAvailable();
  if (ok) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`CI is set but ${needs === 'spawn' ? 'redis-server (to spawn) is not installed' : MISSING}`);
      });
    });
    return;
  }
  console.warn(`\n*** ${name}: ${MISSING} ***\n`);
  describe.skip(name, fn);
}

/** Version line of the installed redis-server (bench notes). */
export function redisServerVersion(): string | undefined {
  const bin = redisServerBinary();
  if (!bin) return undefined;
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
}
