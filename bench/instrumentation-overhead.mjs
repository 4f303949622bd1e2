// Instrumentation overhead (run `npm run build` first). Each measurement runs in a fresh child
// process (modes interleaved over several rounds, medians reported), so JIT and GC state of one
// mode never leaks into another:
//   router.none  router calls against an in-process OpenAI-compatible server, no subscriber at all
//                (no tracer provider, instrumentation never loaded);
//   router.off   tracer provider registered, instrumentation created then disabled;
//   router.ctx   as off, plus OpenTelemetry's AsyncLocalStorage context in use (one context.with
//                ran): on Node 20 that turns on async hooks for every promise, a cost any traced
//                app pays whatever instruments it; the difference on − ctx is tracegate's own;
//   router.on    instrumentation enabled, batch span processor, no-op exporter.
//   spans        the instrumentation alone: call and attempt events published straight on the
//                channels (no HTTP): spans per second and µs per span, next to the cost of a
//                trivial one-attribute span through the same provider on the same machine.
// Usage: node bench/instrumentation-overhead.mjs [--calls N] [--rounds N] [--synthetic N]
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { percentile, writeResults } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const CALLS = Number(arg('--calls', 3000));
const ROUNDS = Number(arg('--rounds', 3));
const SYNTHETIC = Number(arg('--synthetic', 50_000));
const MODE = arg('--mode', undefined);

const noopExporter = (counter) => ({
  export(spans, cb) {
    counter.n += spans.length;
    cb({ code: 0 });
  },
  shutdown: async () => {},
  forceFlush: async () => {},
});

async function tracing() {
  const { NodeTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const exported = { n: 0 };
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopExporter(exported))] });
  provider.register();
  const { TracegateInstrumentation } = await import('../dist/esm/instrumentations/index.js');
  return { provider, exported, instrumentation: new TracegateInstrumentation() };
}

async function routerMode(mode) {
  const body = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { Router } = await import('../dist/esm/src/index.js');
  const router = new Router({
    models: [{ name: 'bench', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-000000', baseURL: `http://127.0.0.1:${server.address().port}/v1` }],
  });
  let t;
  if (mode !== 'none') {
    t = await tracing();
    if (mode === 'off' || mode === 'ctx') t.instrumentation.disable();
    if (mode === 'ctx') {
      const api = await import('@opentelemetry/api');
      api.context.with(api.trace.setSpan(api.context.active(), api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT)), () => undefined);
    }
  }
  const params = { model: 'bench', messages: [{ role: 'user', content: 'Say ok.' }] };
  const run = async (n) => {
    const lat = new Array(n);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await router.chat.completions.create(params);
      lat[i] = performance.now() - s;
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    lat.sort((a, b) => a - b);
    return { meanUs: (wall / n) * 1000, p50Us: percentile(lat, 50) * 1000, cpuUs: (cpu.user + cpu.system) / n };
  };
  await run(Math.min(2000, CALLS));
  const r = await run(CALLS);
  if (t) await t.provider.forceFlush();
  await router.close();
  server.close();
  return { ...r, spansExported: t ? t.exported.n : 0 };
}

async function spansMode() {
  const t = await tracing();
  t.instrumentation.disable();
  const channels = await import('../dist/esm/src/channels.js');
  const params = { model: 'bench', messages: [{ role: 'user', content: 'Say ok.' }] };
  const deployment = { id: 'bench#0', name: 'bench', provider: 'openai', model: 'gpt-4o-mini', serverAddress: '127.0.0.1', serverPort: 8080 };
  const syntheticCall = (i) => {
    const info = { callId: `c${i}`, operation: 'chat', alias: 'bench', outcome: 'success', attempts: [], retries: 0, fallbackUsed: false, latencyMs: 0, cacheHit: false, shadow: false };
    const call = { callId: `c${i}`, operation: 'chat', alias: 'bench', params, stream: false, metadata: {}, tags: [], shadow: false, info };
    channels.publishStart(channels.callChannel, call);
    const attempt = { call, attemptId: `a${i}`, index: 0, deployment, alias: 'bench', fallbackDepth: 0, waitMs: 0, stream: false, params, propagation: {} };
    channels.publishStart(channels.attemptChannel, attempt);
    Object.assign(attempt, {
      status: 200,
      responseId: 'chatcmpl-bench',
      responseModel: 'gpt-4o-mini',
      finishReasons: ['stop'],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      cost: { currency: 'USD', total: 0.0000027, input: 0.0000015, output: 0.0000012 },
      durationMs: 1,
    });
    channels.publishSettled(channels.attemptChannel, attempt);
    info.attempts.push({ index: 0, deployment, alias: 'bench', fallbackDepth: 0, waitMs: 0, durationMs: 1, status: 200, usage: attempt.usage, cost: attempt.cost });
    channels.publishSettled(channels.callChannel, call);
  };
  // Batches with a turn of the event loop between them, so the batch processor exports as in a server.
  const loop = async (n, fn) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      fn(i);
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    return ((performance.now() - t0) * 1000) / n;
  };
  await loop(5000, syntheticCall);
  const bareUsPerCall = await loop(SYNTHETIC, syntheticCall);
  t.instrumentation.enable();
  await loop(10000, syntheticCall);
  await t.provider.forceFlush();
  t.exported.n = 0;
  const tracedUsPerCall = await loop(SYNTHETIC, syntheticCall);
  await t.provider.forceFlush();
  const spansExported = t.exported.n;
  t.instrumentation.disable();
  const tracer = t.provider.getTracer('floor');
  const trivial = (i) => tracer.startSpan('op', { attributes: { i } }).end();
  await loop(20000, trivial);
  const floorUsPerSpan = await loop(SYNTHETIC * 2, trivial);
  return { bareUsPerCall, tracedUsPerCall, spansExported, floorUsPerSpan };
}

if (MODE) {
  const out = MODE === 'spans' ? await spansMode() : await routerMode(MODE);
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const child = (mode) =>
  JSON.parse(execFileSync(process.execPath, [self, '--mode', mode, '--calls', String(CALLS), '--synthetic', String(SYNTHETIC)], { encoding: 'utf8' }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r1 = (n) => Math.round(n * 10) / 10;
const rows = { none: [], off: [], ctx: [], on: [] };
const spanRows = [];
const load = [os.loadavg()[0]];
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of ['none', 'off', 'ctx', 'on']) rows[mode].push(child(mode));
  spanRows.push(child('spans'));
  load.push(os.loadavg()[0]);
}
const summary = (list) => ({ meanUsPerCall: r1(median(list.map((x) => x.meanUs))), p50UsPerCall: r1(median(list.map((x) => x.p50Us))), cpuUsPerCall: r1(median(list.map((x) => x.cpuUs))) });
const router = { none: summary(rows.none), off: summary(rows.off), ctx: summary(rows.ctx), on: summary(rows.on) };
router.overheadOnVsNone = {
  cpuUsPerCall: r1(router.on.cpuUsPerCall - router.none.cpuUsPerCall),
  p50UsPerCall: r1(router.on.p50UsPerCall - router.none.p50UsPerCall),
};
router.overheadOnVsCtx = {
  cpuUsPerCall: r1(router.on.cpuUsPerCall - router.ctx.cpuUsPerCall),
  p50UsPerCall: r1(router.on.p50UsPerCall - router.ctx.p50UsPerCall),
};
router.overheadOffVsNone = { cpuUsPerCall: r1(router.off.cpuUsPerCall - router.none.cpuUsPerCall), p50UsPerCall: r1(router.off.p50UsPerCall - router.none.p50UsPerCall) };
router.spansExportedPerRun = rows.on[0].spansExported;
const traced = median(spanRows.map((x) => x.tracedUsPerCall));
const bare = median(spanRows.map((x) => x.bareUsPerCall));
const spans = {
  spansPerSecond: Math.round(2e6 / traced),
  usPerSpan: Math.round(((traced - bare) / 2) * 100) / 100,
  usPerCallWithoutSubscriber: Math.round(bare * 100) / 100,
  floorUsPerTrivialSpan: Math.round(median(spanRows.map((x) => x.floorUsPerSpan)) * 100) / 100,
  spansExportedPerRun: spanRows[0].spansExported,
};
const file = writeResults('instrumentation-overhead', {
  description:
    'Per-call cost of tracing a router call (2 spans: call + attempt) and span throughput of the instrumentation; each figure is the median over rounds of fresh child processes.',
  calls: CALLS,
  rounds: ROUNDS,
  syntheticCalls: SYNTHETIC,
  router,
  spans,
  loadAverage1m: load.map((l) => Math.round(l * 100) / 100),
});
console.log(JSON.stringify({ router, spans }, null, 2));
console.log(`results: ${file}`);
