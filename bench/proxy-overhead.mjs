// Proxy overhead: `tracegate proxy` (without and with tracing) in front of `tracegate mock` vs a bare node:http
// pass-through proxy in front of the same mock (the floor for one Node hop), and the mock
// called directly. Each server runs in its own child process, the load comes from a separate
// process (load-child.mjs), all on 127.0.0.1. Per case: requests/s, latency p50/p99, time to
// first body byte on streams, the server's CPU time per request and its RSS.
// Run after `npm run build`:  node bench/proxy-overhead.mjs [--n 3000] [--rounds 2]
// Writes bench/results/proxy-overhead.json.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { startMockChild, writeResults } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('n', 3000);
const WARMUP = Math.min(500, N);
const ROUNDS = arg('rounds', 2);
const KEY = 'sk-bench-client-0001';

/** Starts a bench server child; resolves to its URL, a `stats()` query and `close()`. */
async function startServerChild(file, upstream, ...args) {
  const child = spawn(process.execPath, [new URL(file, import.meta.url).pathname, upstream, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const { url } = await next();
  return {
    url,
    stats: () => {
      const p = next();
      child.stdin.write('stats\n');
      return p;
    },
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.stdin.end();
      }),
  };
}

function runLoad(spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./load-child.mjs', import.meta.url).pathname, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load child exited with ${code}`))));
  });
}

const loadBefore = os.loadavg();
const mock = await startMockChild();
const targets = {
  direct: { url: mock.url },
  passthrough: await startServerChild('./passthrough-child.mjs', mock.openai),
  proxy: await startServerChild('./proxy-child.mjs', mock.openai),
  proxyTraced: await startServerChild('./proxy-child.mjs', mock.openai, 'traced'),
};
const messages = [{ role: 'user', content: 'Say something short.' }];
const results = [];
try {
  for (const mode of ['chat', 'stream']) {
    for (const connections of [1, 10]) {
      const row = { mode, connections };
      const rounds = {};
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, target] of Object.entries(targets)) {
          const body = JSON.stringify({
            model: name.startsWith('proxy') ? 'bench' : 'gpt-4o-mini',
            messages,
            ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
          });
          const total = connections === 1 ? Math.ceil(N / 2) : N;
          const spec = { url: target.url, path: '/v1/chat/completions', body, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, connections };
          await runLoad({ ...spec, total: WARMUP, warmup: 0 });
          const before = await target.stats?.();
          const load = await runLoad({ ...spec, total, warmup: 0 });
          const after = await target.stats?.();
          if (before && after) {
            load.serverCpuUsPerRequest = Math.round((after.cpuUs - before.cpuUs) / total);
            load.serverRssMb = Math.round(after.rss / 1024 / 102.4) / 10;
          }
          (rounds[name] ??= []).push(load);
        }
      }
      // Each target's best round (highest requests/s): the one least disturbed by the rest of the machine.
      for (const [name, list] of Object.entries(rounds)) row[name] = list.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));
      row.rounds = rounds;
      const d = (a, b, k) => Math.round((row[a][k] - row[b][k]) * 1000) / 1000;
      row.addedP50Ms = { passthrough: d('passthrough', 'direct', 'p50Ms'), proxy: d('proxy', 'direct', 'p50Ms'), proxyTraced: d('proxyTraced', 'direct', 'p50Ms') };
      row.addedP99Ms = { passthrough: d('passthrough', 'direct', 'p99Ms'), proxy: d('proxy', 'direct', 'p99Ms'), proxyTraced: d('proxyTraced', 'direct', 'p99Ms') };
      row.proxyOverPassthroughP50Ms = d('proxy', 'passthrough', 'p50Ms');
      if (mode === 'stream') row.addedTtfbP50Ms = { passthrough: d('passthrough', 'direct', 'ttfbP50Ms'), proxy: d('proxy', 'direct', 'ttfbP50Ms'), proxyTraced: d('proxyTraced', 'direct', 'ttfbP50Ms') };
      results.push(row);
      const f = (t) => `${t.requestsPerSec}/s p50 ${t.p50Ms} p99 ${t.p99Ms}${mode === 'stream' ? ` ttfb ${t.ttfbP50Ms}` : ''}${t.serverCpuUsPerRequest !== undefined ? ` cpu ${t.serverCpuUsPerRequest}µs rss ${t.serverRssMb}MB` : ''}`;
      console.log(`${mode.padEnd(6)} c=${String(connections).padEnd(2)} direct ${f(row.direct)} | passthrough ${f(row.passthrough)} | proxy ${f(row.proxy)} | proxy+tracing ${f(row.proxyTraced)}`);
    }
  }
} finally {
  await targets.proxyTraced.close();
  await targets.proxy.close();
  await targets.passthrough.close();
  await mock.close();
}

const file = writeResults('proxy-overhead', {
  bench: 'proxy-overhead',
  description:
    'tracegate proxy (one alias, one virtual key, default router policies; `proxy` without tracing, `proxyTraced` with register() and an exporter that drops the spans) ' +
    'vs a bare node:http pass-through proxy (undici upstream) vs the mock called directly; ' +
    'each server in its own process, load from another process over undici with N closed-loop connections; latencies in ms to the end of the body; ' +
    'ttfb = time to the first body byte; server CPU = user+system time of the server process per measured request (after a warm-up run); ' +
    'each case runs ROUNDS times interleaved across targets and each target keeps its best round (all rounds are under `rounds`)',
  requestsPerCase: { c1: Math.ceil(N / 2), c10: N, warmup: WARMUP, rounds: ROUNDS },
  // Other work on the machine skews every figure: the 1-minute load average before and after the run.
  loadAverage: { before: Math.round(loadBefore[0] * 100) / 100, after: Math.round(os.loadavg()[0] * 100) / 100 },
  results,
});
console.log(`wrote ${file}`);
