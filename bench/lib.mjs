// Shared helpers for bench scripts: timing, percentiles, results files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(latenciesMs, wallMs) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 1000) / 1000;
  return {
    calls: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    callsPerSec: Math.round((sorted.length / wallMs) * 1000),
  };
}

/** Runs `fn` `total` times with `concurrency` workers; returns per-call latencies and wall time. */
export async function run(fn, { total, concurrency }) {
  const latencies = [];
  let next = 0;
  const start = performance.now();
  async function worker() {
    while (next < total) {
      next++;
      const t0 = performance.now();
      await fn();
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - start };
}

export function machine() {
  return { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model };
}

/** Writes bench/results/<name>.json (or <outDir>/<name>.json); returns its path. */
export function writeResults(name, results, outDir) {
  const dir = outDir ? pathToFileURL(`${path.resolve(outDir)}/`) : new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...results }, null, 2) + '\n');
  return file.pathname;
}

/** Starts the mock server in a child process; resolves to its URLs and a `close()`. */
export async function startMockChild(scenario) {
  const child = spawn(process.execPath, [new URL('./mock-child.mjs', import.meta.url).pathname, scenario ? JSON.stringify(scenario) : ''], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`mock child exited with ${code}`)));
  });
  const urls = JSON.parse(line);
  return {
    ...urls,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.stdin.end();
      }),
  };
}

/** Median of a list of numbers (NaN when empty). */
export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** A free TCP port on 127.0.0.1 (for servers that cannot listen on port 0 and say which port they got). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a bench server child (`file` answers the server-stats.mjs protocol on stdin and prints
 * `{"url": ...}` first); resolves to its URL, pid, `stats()` and `close()`. `spawnedAt` is the
 * performance.now() of the spawn (for cold-start figures).
 */
export async function startServerChild(file, args = [], { env, execArgv = [] } = {}) {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...execArgv, new URL(file, import.meta.url).pathname, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  let exited = false;
  lines.on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not ours (a server's own output)
    }
    waiting.shift()?.resolve(msg);
  });
  child.once('exit', (code) => {
    exited = true;
    for (const w of waiting.splice(0)) w.reject(new Error(`${file} exited with ${code}`));
  });
  const next = () => new Promise((resolve, reject) => (exited ? reject(new Error(`${file} has exited`)) : waiting.push({ resolve, reject })));
  const info = await next();
  return {
    url: info.url,
    info,
    pid: child.pid,
    spawnedAt,
    stats: () => {
      const p = next();
      child.stdin.write('stats\n');
      return p;
    },
    /** Sends a control line (`cpu-start`, `cpu-stop <file>`, `heap <file>`; see server-stats.mjs). */
    command: (line) => {
      const p = next();
      child.stdin.write(`${line}\n`);
      return p;
    },
    close: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.stdin.end();
      }),
  };
}

/**
 * Sends `request` (an undici request spec) until it answers 200, every `everyMs`, for at most
 * `timeoutMs`; resolves to performance.now() at the first 200 answer.
 */
export async function waitForAnswer(url, { path, method = 'POST', headers, body }, { timeoutMs = 30_000, everyMs = 5 } = {}) {
  const { request } = await import('undici');
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const res = await request(`${url}${path}`, { method, headers, body, reset: true });
      const text = await res.body.text();
      if (res.statusCode === 200) return performance.now();
      last = new Error(`status ${res.statusCode}: ${text.slice(0, 300)}`);
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`no answer from ${url}${path} within ${timeoutMs} ms: ${last?.message}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
