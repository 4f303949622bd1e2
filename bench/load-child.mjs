// Load generator in its own process: `connections` closed-loop workers over an undici Pool,
// `total` requests after `warmup`, each timed to the end of its body; streams also to their
// first body byte. Prints one JSON line with the figures.
import { Pool } from 'undici';
import { percentile } from './lib.mjs';

const { url, path, body, headers, connections, total, warmup } = JSON.parse(process.argv[2]);
const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });

async function once(ttfb) {
  const t0 = performance.now();
  const res = await pool.request({ path, method: 'POST', headers, body });
  let first = -1;
  for await (const _chunk of res.body) if (first < 0) first = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  ttfb?.push(first);
  return performance.now() - t0;
}

async function run(n, latencies, ttfb) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < n) {
        next++;
        const ms = await once(ttfb);
        latencies?.push(ms);
      }
    }),
  );
  return performance.now() - started;
}

await run(warmup);
const latencies = [];
const ttfb = [];
const wallMs = await run(total, latencies, ttfb);
latencies.sort((a, b) => a - b);
ttfb.sort((a, b) => a - b);
const r = (x) => Math.round(x * 1000) / 1000;
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    requestsPerSec: Math.round((latencies.length / wallMs) * 1000),
    p50Ms: r(percentile(latencies, 50)),
    p99Ms: r(percentile(latencies, 99)),
    ttfbP50Ms: r(percentile(ttfb, 50)),
    ttfbP99Ms: r(percentile(ttfb, 99)),
  }) + '\n',
);
await pool.close();
