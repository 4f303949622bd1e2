// Shared helpers for bench scripts: timing, percentiles, results files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';

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

export function writeResults(name, results) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${name}.json`, import.meta.url);
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
