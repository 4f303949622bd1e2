// The gateway bench (`npm run bench`): what one proxy hop costs. Targets, each in its own process
// in front of the same `tracegate mock` (OpenAI dialect, 20-chunk streams), all on 127.0.0.1:
//   direct       the mock called directly
//   passthrough  a bare node:http proxy that parses nothing (the floor for one Node hop)
//   proxy        `tracegate proxy`, tracing off
//   proxyTraced  `tracegate proxy`, tracing on as `tracegate/register` does it, spans sent over
//                OTLP http/protobuf to a local receiver that answers 200
//   portkey      the Portkey gateway 1.15.2, when it installs (into .cache/bench-portkey; skipped
//                with a message otherwise)
// Chat and stream at 1, 10 and 50 connections, closed-loop load from autocannon in this process,
// rounds interleaved across targets (the order rotates each round); per case: requests/s,
// latency p50/p90/p99, stream TTFB, the target's CPU µs per request (its process.cpuUsage() over
// the measured window) and RSS; per target: peak RSS, idle RSS, cold start (spawn -> first 200).
// Each figure is the median of the rounds; ratios are taken within a round, then the median.
// Also the import-cost table of bench/import-cost.mjs when that file exists.
// Writes bench/results/proxy-overhead.json and bench/RESULTS.md.
//
//   node bench/proxy-overhead.mjs [--rounds 3] [--duration 2.5] [--warmup 0.75] [--connections 1,10,50]
//                                 [--requests N] [--targets direct,passthrough,...] [--no-portkey] [--quick] [--out DIR]
//   node bench/proxy-overhead.mjs --soak [--soak-requests 100000]   (RSS over many requests; see soak.mjs)
// --quick: one round of 40 requests per case, no Portkey, one cold start: a smoke test of the bench itself.
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { freePort, machine, median, startServerChild, waitForAnswer, writeResults } from './lib.mjs';
import { runLoad } from './load.mjs';
import { ensurePortkey } from './portkey-install.mjs';
import { writeResultsMarkdown } from './results-md.mjs';
import { MOCK_SCENARIO, STREAM_CHUNKS } from './scenario.mjs';
import { runSoak } from './soak.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};
const QUICK = flag('quick');
const ROUNDS = Number(opt('rounds', QUICK ? 1 : 3));
const DURATION = Number(opt('duration', QUICK ? 0.4 : 2.5));
const WARMUP = Number(opt('warmup', QUICK ? 0.2 : 0.75));
const COLD_STARTS = Number(opt('cold-starts', QUICK ? 1 : 3));
// --requests N: each case sends N requests (at least one per connection) instead of running for
// --duration seconds; --quick uses this (a slow, shared machine still completes every case).
const REQUESTS = opt('requests', QUICK ? '40' : undefined);
const CONNECTIONS = String(opt('connections', '1,10,50')).split(',').map(Number);
const MODES = String(opt('modes', 'chat,stream')).split(',');
const OUT = opt('out', undefined);
const WANT_PORTKEY = !flag('no-portkey') && !QUICK;
const ONLY = opt('targets', undefined)?.split(',');

const CLIENT_KEY = 'sk-bench-client-0001';
const PROVIDER_KEY = 'sk-bench-provider-000';

const loadAvgStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
const started = performance.now();
const log = (...a) => console.log(...a);

if (flag('soak')) {
  const result = await runSoak({ requests: Number(opt('soak-requests', 100_000)), block: Number(opt('soak-block', 10_000)), connections: Number(opt('soak-connections', 10)), scenario: MOCK_SCENARIO, out: OUT });
  await writeResultsMarkdown({ out: OUT });
  log(`soak: ${JSON.stringify(result.summary)}`);
  process.exit(0);
}

// ---- targets -------------------------------------------------------------------------------
const mock = await startServerChild('./mock-child.mjs', [JSON.stringify(MOCK_SCENARIO)]);
const receiver = await startServerChild('./otlp-receiver-child.mjs');
const tracedEnv = {
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_SERVICE_NAME: 'tracegate-bench-proxy',
};

let portkeyDir;
let portkeySkipped;
if (WANT_PORTKEY && (!ONLY || ONLY.includes('portkey'))) {
  log('installing the Portkey gateway into .cache/bench-portkey (not a project dependency) ...');
  const r = await ensurePortkey();
  if (typeof r === 'string') portkeyDir = r;
  else {
    portkeySkipped = r.skipped;
    log(`Portkey skipped: ${r.skipped}`);
  }
} else portkeySkipped = QUICK ? 'not run in --quick mode' : 'turned off with --no-portkey';

const chatBody = (model, stream) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Say something short.' }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });

/** name -> { start(): child, request(stream): {path, headers, model} } */
const TARGETS = {
  direct: { label: 'direct (mock)', start: async () => mock, shared: true, model: 'gpt-4o-mini', path: '/v1/chat/completions', headers: { authorization: `Bearer ${PROVIDER_KEY}` } },
  passthrough: { label: 'bare node:http pass-through', start: () => startServerChild('./passthrough-child.mjs', [mock.info.openai]), model: 'gpt-4o-mini', path: '/v1/chat/completions', headers: { authorization: `Bearer ${PROVIDER_KEY}` } },
  proxy: { label: 'tracegate proxy, tracing off', start: () => startServerChild('./proxy-child.mjs', [mock.info.openai]), model: 'bench', path: '/v1/chat/completions', headers: { authorization: `Bearer ${CLIENT_KEY}` } },
  proxyTraced: { label: 'tracegate proxy, tracing on (OTLP http/protobuf)', start: () => startServerChild('./proxy-child.mjs', [mock.info.openai, 'traced'], { env: tracedEnv }), model: 'bench', path: '/v1/chat/completions', headers: { authorization: `Bearer ${CLIENT_KEY}` } },
  ...(portkeyDir
    ? {
        portkey: {
          label: 'Portkey gateway 1.15.2',
          start: async () => startServerChild('./portkey-child.mjs', [portkeyDir, String(await freePort())]),
          model: 'gpt-4o-mini',
          path: '/v1/chat/completions',
          headers: { authorization: `Bearer ${PROVIDER_KEY}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': mock.info.openai },
        },
      }
    : {}),
};
for (const name of Object.keys(TARGETS)) if (ONLY && !ONLY.includes(name)) delete TARGETS[name];
const names = Object.keys(TARGETS);
const spec = (name, stream) => {
  const t = TARGETS[name];
  return { path: t.path, headers: { 'content-type': 'application/json', ...t.headers }, body: chatBody(t.model, stream) };
};

// ---- cold start and idle RSS -----------------------------------------------------------------
const coldStart = {};
for (const name of names) {
  if (TARGETS[name].shared || COLD_STARTS < 1) continue;
  const ms = [];
  const idle = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const child = await TARGETS[name].start();
    const answeredAt = await waitForAnswer(child.url, spec(name, false), { timeoutMs: 60_000 });
    ms.push(answeredAt - child.spawnedAt);
    await new Promise((r) => setTimeout(r, QUICK ? 200 : 1000));
    idle.push((await child.stats()).rss / 2 ** 20);
    await child.close();
  }
  coldStart[name] = { coldStartMs: Math.round(median(ms)), idleRssMb: Math.round(median(idle) * 10) / 10, runs: ms.map(Math.round) };
  log(`${name.padEnd(12)} cold start ${coldStart[name].coldStartMs} ms, idle RSS ${coldStart[name].idleRssMb} MB`);
}

// ---- load ------------------------------------------------------------------------------------
const running = {};
for (const name of names) {
  running[name] = await TARGETS[name].start();
  await waitForAnswer(running[name].url, spec(name, false), { timeoutMs: 60_000 });
}

const rows = [];
try {
  for (const mode of MODES) {
    const stream = mode === 'stream';
    for (const connections of CONNECTIONS) {
      const rounds = Object.fromEntries(names.map((n) => [n, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const name of order) {
          const target = running[name];
          const s = { url: target.url, ...spec(name, stream), connections };
          await runLoad({ ...s, ...(REQUESTS ? { amount: connections } : { durationSec: WARMUP }) });
          const before = await target.stats();
          const load = await runLoad({ ...s, ...(REQUESTS ? { amount: Math.max(Number(REQUESTS), connections) } : { durationSec: DURATION }) });
          const after = await target.stats();
          load.cpuUsPerRequest = load.requests ? Math.round((after.cpuUs - before.cpuUs) / load.requests) : null;
          load.rssMb = Math.round((after.rss / 2 ** 20) * 10) / 10;
          load.heapUsedMb = Math.round((after.heapUsed / 2 ** 20) * 10) / 10;
          rounds[name].push(load);
          if (load.non2xx || load.errors) log(`  ${name} ${mode} c=${connections}: ${load.non2xx} non-2xx answers, ${load.errors} errors`);
        }
      }
      rows.push(aggregate(mode, connections, rounds));
      printRow(rows.at(-1));
    }
  }
} finally {
  for (const name of names) if (!TARGETS[name].shared) running[name].peak = await running[name].stats().catch(() => undefined);
  if (running.direct) running.direct.peak = await mock.stats().catch(() => undefined);
  for (const name of names) if (!TARGETS[name].shared) await running[name].close();
}
const receiverStats = await receiver.stats();
await receiver.close();
await mock.close();

function aggregate(mode, connections, rounds) {
  const keys = ['requestsPerSec', 'p50Ms', 'p90Ms', 'p99Ms', 'ttfbP50Ms', 'ttfbP90Ms', 'cpuUsPerRequest', 'rssMb'];
  const row = { mode, connections, targets: {} };
  for (const name of names) {
    const list = rounds[name];
    const t = {};
    for (const k of keys) t[k] = round3(median(list.map((x) => x[k])));
    t.requests = list.reduce((a, b) => a + b.requests, 0);
    t.non2xx = list.reduce((a, b) => a + b.non2xx + b.errors, 0);
    if (name !== 'direct' && rounds.direct) {
      t.addedP50Ms = round3(median(list.map((x, i) => x.p50Ms - rounds.direct[i].p50Ms)));
      t.addedP99Ms = round3(median(list.map((x, i) => x.p99Ms - rounds.direct[i].p99Ms)));
      if (mode === 'stream') t.addedTtfbP50Ms = round3(median(list.map((x, i) => x.ttfbP50Ms - rounds.direct[i].ttfbP50Ms)));
    }
    if (name !== 'passthrough' && rounds.passthrough) {
      t.rpsVsPassthrough = round3(median(list.map((x, i) => x.requestsPerSec / rounds.passthrough[i].requestsPerSec)));
      t.cpuVsPassthrough = round3(median(list.map((x, i) => x.cpuUsPerRequest / rounds.passthrough[i].cpuUsPerRequest)));
    }
    if (name === 'proxyTraced' && rounds.proxy) t.rpsVsProxy = round3(median(list.map((x, i) => x.requestsPerSec / rounds.proxy[i].requestsPerSec)));
    t.rounds = list;
    row.targets[name] = t;
  }
  return row;
}

function round3(x) {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}

function printRow(row) {
  const parts = names.map((n) => {
    const t = row.targets[n];
    return `${n} ${t.requestsPerSec}/s p50 ${t.p50Ms}${row.mode === 'stream' ? ` ttfb ${t.ttfbP50Ms}` : ''} cpu ${t.cpuUsPerRequest}µs`;
  });
  log(`${row.mode.padEnd(6)} c=${String(row.connections).padEnd(2)} ${parts.join(' | ')}`);
}

// ---- import cost (bench/import-cost.mjs, when it exists) -------------------------------------
let importCost;
const importCostFile = new URL('./import-cost.mjs', import.meta.url);
if (existsSync(importCostFile) && !flag('no-import-cost')) {
  try {
    const mod = await import(importCostFile.href);
    if (typeof mod.run === 'function') importCost = await mod.run({ quick: QUICK });
  } catch (err) {
    importCost = { error: String(err?.message ?? err) };
    log(`import cost: ${importCost.error}`);
  }
}

const peakRssMb = Object.fromEntries(names.map((n) => [n, running[n].peak ? Math.round((running[n].peak.maxRss / 2 ** 20) * 10) / 10 : null]));
const results = {
  bench: 'proxy-overhead',
  description:
    'One proxy hop on 127.0.0.1: each target in its own process in front of the same tracegate mock (OpenAI dialect, ' +
    `${STREAM_CHUNKS}-chunk streams); closed-loop load from autocannon (one request in flight per connection) in the bench process; ` +
    'rounds interleaved across targets (order rotated per round); each figure is the median of the rounds, ratios are per round then the median; ' +
    'latency to the end of the body, TTFB to the first body byte; CPU = the target process\'s user+system time over the measured window / requests; ' +
    'RSS = the target\'s resident set at the end of the case; peak RSS = its maxRSS over the whole run; idle RSS = 1 s after the first answer of a fresh process; ' +
    'cold start = spawn to the first 200 answer (median of the cold starts).',
  settings: { quick: QUICK, rounds: ROUNDS, ...(REQUESTS ? { requestsPerCase: Number(REQUESTS) } : { durationSec: DURATION }), warmupSec: WARMUP, connections: CONNECTIONS, modes: MODES, coldStarts: COLD_STARTS, streamChunks: STREAM_CHUNKS, loadGenerator: `autocannon ${autocannonVersion()}` },
  versions: await versions(),
  loadAverage: { start: loadAvgStart, end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  targets: Object.fromEntries(names.map((n) => [n, TARGETS[n].label])),
  skipped: portkeySkipped ? { portkey: portkeySkipped } : {},
  coldStart,
  peakRssMb,
  otlpReceiver: { exportRequests: receiverStats.exportRequests, exportBytes: receiverStats.exportBytes },
  results: rows,
  ...(importCost ? { importCost } : {}),
  wallSec: Math.round((performance.now() - started) / 1000),
};
const file = writeResults('proxy-overhead', results, OUT);
const md = await writeResultsMarkdown({ out: OUT });
log(`wrote ${file} and ${md} in ${results.wallSec} s`);

function autocannonVersion() {
  try {
    return JSON.parse(readFileSync(new URL('../node_modules/autocannon/package.json', import.meta.url), 'utf8')).version;
  } catch {
    return '?';
  }
}

async function versions() {
  const v = (p) => {
    try {
      return JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  return {
    ...machine(),
    tracegate: v('../package.json'),
    portkey: portkeyDir ? v(`file://${portkeyDir}/package.json`) : undefined,
    undici: v('../node_modules/undici/package.json'),
  };
}
