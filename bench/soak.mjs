// Soak for the gateway bench (`node bench/proxy-overhead.mjs --soak`): `requests` requests to the
// tracegate proxy (tracing off, and tracing on over OTLP to the local receiver) in blocks of
// 10,000, chat and 20-chunk streams alternating per block, at `connections` closed-loop
// connections on 127.0.0.1; the target's RSS and heap after each block (after a full GC: the
// target runs with --expose-gc), and their slope per 10k requests (least squares over the blocks
// after the first, which holds the warm-up growth).
// Writes bench/results/proxy-soak.json.
import os from 'node:os';
import { startServerChild, waitForAnswer, writeResults } from './lib.mjs';
import { runLoad } from './load.mjs';

const MB = 2 ** 20;
const r2 = (x) => Math.round(x * 100) / 100;

function slopePer10k(points) {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den ? (num / den) * 10_000 : null;
}

export async function runSoak({ requests = 100_000, connections = 10, scenario, out, block = 10_000 } = {}) {
  const loadAvgStart = os.loadavg().map((x) => r2(x));
  const mock = await startServerChild('./mock-child.mjs', [JSON.stringify(scenario)]);
  const receiver = await startServerChild('./otlp-receiver-child.mjs');
  const env = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  const targets = {
    proxy: () => startServerChild('./proxy-child.mjs', [mock.info.openai], { execArgv: ['--expose-gc'] }),
    proxyTraced: () => startServerChild('./proxy-child.mjs', [mock.info.openai, 'traced'], { env, execArgv: ['--expose-gc'] }),
  };
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-client-0001' };
  const body = (stream) => JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say something short.' }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
  const result = { bench: 'proxy-soak', requests, connections, blockRequests: block, loadAverage: { start: loadAvgStart }, targets: {} };
  try {
    for (const [name, start] of Object.entries(targets)) {
      const child = await start();
      await waitForAnswer(child.url, { path: '/v1/chat/completions', headers, body: body(false) });
      const samples = [];
      let done = 0;
      let non2xx = 0;
      for (let i = 0; done < requests; i++) {
        const amount = Math.min(block, requests - done);
        const load = await runLoad({ url: child.url, path: '/v1/chat/completions', headers, body: body(i % 2 === 1), connections, amount });
        done += amount;
        non2xx += load.non2xx + load.errors;
        const s = await child.command('stats gc');
        samples.push({ requests: done, rssMb: r2(s.rss / MB), heapUsedMb: r2(s.heapUsed / MB), requestsPerSec: load.requestsPerSec });
        console.log(`soak ${name}: ${done} requests, RSS ${r2(s.rss / MB)} MB, heap ${r2(s.heapUsed / MB)} MB, ${load.requestsPerSec}/s`);
      }
      const end = await child.stats();
      await child.close();
      const later = samples.slice(1);
      result.targets[name] = {
        rssFirstMb: samples[0].rssMb,
        rssEndMb: samples.at(-1).rssMb,
        peakRssMb: r2(end.maxRss / MB),
        heapEndMb: samples.at(-1).heapUsedMb,
        rssSlopeMbPer10k: r2(slopePer10k(later.map((s) => [s.requests, s.rssMb]))),
        heapSlopeMbPer10k: r2(slopePer10k(later.map((s) => [s.requests, s.heapUsedMb]))),
        non2xx,
        samples,
      };
    }
  } finally {
    await receiver.close();
    await mock.close();
  }
  result.loadAverage.end = os.loadavg().map((x) => r2(x));
  writeResults('proxy-soak', result, out);
  result.summary = Object.fromEntries(Object.entries(result.targets).map(([n, t]) => [n, { rssSlopeMbPer10k: t.rssSlopeMbPer10k, rssEndMb: t.rssEndMb }]));
  return result;
}
