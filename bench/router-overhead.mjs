// Router overhead per call with the full policy stack on (retries, breakers, strategies,
// decisions; nothing triggered) vs a raw undici request to the same mock endpoint.
// Run after `npm run build`:  node bench/router-overhead.mjs [--n 2000]
// Writes bench/results/router-overhead.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { Router } from '../dist/esm/src/index.js';
import { startMockChild } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('n', 2000);
const WARMUP = Math.min(300, N);

const mock = await startMockChild();
const baseURL = mock.openai;
// --plain: one deployment and no policy options (runs on the foundation router too, for comparison).
const PLAIN = process.argv.includes('--plain');
const router = new Router(PLAIN ? { models: [{ name: 'bench', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-0000000000', baseURL }] } : {
  models: [
    { name: 'bench', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-0000000000', baseURL },
    { name: 'bench', provider: 'openai', model: 'gpt-4o-mini', id: 'bench-b', apiKey: 'sk-bench-0000000000', baseURL },
    { name: 'bench-fb', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-0000000000', baseURL },
  ],
  retry: { maxAttempts: 4 },
  breaker: { enabled: true },
  fallbacks: { bench: ['bench-fb'] },
});
const OUT = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'bench/results/router-overhead.json';

const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, pipelining: 1 });
const messages = [{ role: 'user', content: 'Say something short.' }];
const url = `${baseURL.replace(/\/$/, '')}/chat/completions`;

async function rawCall(stream) {
  const res = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-0000000000' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }),
  });
  if (stream) {
    for await (const _ of res.body) {
      /* read every byte */
    }
  } else {
    await res.body.json();
  }
}

async function routerCall(stream) {
  if (stream) {
    const s = await router.chat.completions.create({ model: 'bench', messages, stream: true });
    for await (const _ of s) {
      /* consume */
    }
  } else {
    await router.chat.completions.create({ model: 'bench', messages });
  }
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(fn, concurrency) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const lat = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        next++;
        const t = performance.now();
        await fn();
        lat.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - started;
  lat.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 1000) / 1000;
  return { calls: lat.length, p50Ms: r(pct(lat, 50)), p99Ms: r(pct(lat, 99)), callsPerSec: Math.round((lat.length / wall) * 1000) };
}

const results = [];
for (const stream of [false, true]) {
  for (const concurrency of [1, 10]) {
    const raw = await measure(() => rawCall(stream), concurrency);
    const routed = await measure(() => routerCall(stream), concurrency);
    const row = {
      kind: stream ? 'stream' : 'chat',
      concurrency,
      raw,
      router: routed,
      overheadP50Ms: Math.round((routed.p50Ms - raw.p50Ms) * 1000) / 1000,
      overheadP99Ms: Math.round((routed.p99Ms - raw.p99Ms) * 1000) / 1000,
    };
    results.push(row);
    console.log(
      `${row.kind.padEnd(6)} c=${String(concurrency).padEnd(2)} raw p50 ${raw.p50Ms}ms p99 ${raw.p99Ms}ms ${raw.callsPerSec}/s | router p50 ${routed.p50Ms}ms p99 ${routed.p99Ms}ms ${routed.callsPerSec}/s | overhead p50 ${row.overheadP50Ms}ms`,
    );
  }
}

const out = {
  bench: 'router-overhead',
  description: 'Router call with retries, breakers, fallbacks and decisions enabled but not triggered, vs a raw undici request to the same tracegate mock endpoint',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  callsPerCase: N,
  config: PLAIN ? 'plain: one deployment, default policies' : 'full: two deployments + fallback alias, retries and breakers on',
  results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(OUT, JSON.stringify(out, null, 2) + '\n');
await router.close();
await agent.close();
await mock.close();
