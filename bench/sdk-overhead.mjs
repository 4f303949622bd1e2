// Overhead of the provider SDK instrumentation (run `npm run build` first): the official `openai`
// SDK calling an in-process OpenAI-compatible server on 127.0.0.1, per call, in fresh child
// processes (modes interleaved over rounds, medians reported):
//   none  no tracer provider, no instrumentation: the plain SDK;
//   ctx   tracer provider registered and OpenTelemetry's AsyncLocalStorage context in use, no SDK
//         instrumentation (what any traced app pays on Node 20, whatever it instruments);
//   off   as ctx, the SDK instrumentation loaded (methods wrapped) then disabled;
//   on    the SDK instrumentation enabled: one CLIENT span per call, batch processor, no-op exporter.
// Plain calls and streamed calls (12 chunks with usage) are measured separately. The figure is
// on − ctx (the instrumentation's own cost) and on − none.
// Usage: node bench/sdk-overhead.mjs [--calls N] [--rounds N] [--node PATH]  (--node: the node binary of the child
// processes, e.g. Node 24, whose AsyncContextFrame makes context propagation cheaper than Node 20's async hooks)
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { percentile, writeResults } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const CALLS = Number(arg('--calls', 2000));
const ROUNDS = Number(arg('--rounds', 3));
const MODE = arg('--mode', undefined);
const NODE = arg('--node', process.execPath);

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
});
function sse() {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini' };
  const lines = [];
  for (let i = 0; i < 10; i++) lines.push({ ...base, choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] });
  lines.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  lines.push({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } });
  return lines.map((l) => `data: ${JSON.stringify(l)}\n\n`).join('') + 'data: [DONE]\n\n';
}
const streamBody = sse();

async function measure(mode) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      const text = stream ? streamBody : completion;
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  let provider;
  let instrumentation;
  const exported = { n: 0 };
  if (mode !== 'none') {
    const api = await import('@opentelemetry/api');
    const { NodeTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
    const exporter = { export: (spans, cb) => ((exported.n += spans.length), cb({ code: 0 })), shutdown: async () => {}, forceFlush: async () => {} };
    provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    provider.register();
    api.context.with(api.trace.setSpan(api.context.active(), api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT)), () => undefined);
    if (mode === 'on' || mode === 'off') {
      const { OpenAISdkInstrumentation } = await import('../dist/esm/instrumentations/sdk/index.js');
      instrumentation = new OpenAISdkInstrumentation();
    }
  }
  // Loaded through require so require-in-the-middle applies the patch (as under `node -r tracegate/register`).
  const OpenAI = createRequire(import.meta.url)('openai');
  if (mode === 'off') instrumentation.disable();
  const client = new OpenAI({ apiKey: 'sk-bench-000000', baseURL: `http://127.0.0.1:${server.address().port}/v1`, maxRetries: 0 });
  const messages = [{ role: 'user', content: 'Say ok.' }];
  const plain = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const streamed = async () => {
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    for await (const c of s) void c;
  };
  const run = async (fn, n) => {
    const lat = new Array(n);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await fn();
      lat[i] = performance.now() - s;
    }
    const cpu = process.cpuUsage(cpu0);
    lat.sort((a, b) => a - b);
    return { p50Us: percentile(lat, 50) * 1000, cpuUs: (cpu.user + cpu.system) / n };
  };
  await run(plain, 300);
  await run(streamed, 300);
  const out = { plain: await run(plain, CALLS), stream: await run(streamed, CALLS) };
  if (provider) await provider.forceFlush();
  server.close();
  return { ...out, spansExported: exported.n };
}

if (MODE) {
  process.stdout.write(JSON.stringify(await measure(MODE)));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const child = (mode) => JSON.parse(execFileSync(NODE, [self, '--mode', mode, '--calls', String(CALLS)], { encoding: 'utf8' }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r1 = (n) => Math.round(n * 10) / 10;
const MODES = ['none', 'ctx', 'off', 'on'];
const rows = Object.fromEntries(MODES.map((m) => [m, []]));
const load = [os.loadavg()[0]];
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of MODES) rows[mode].push(child(mode));
  load.push(os.loadavg()[0]);
}
const result = {};
for (const kind of ['plain', 'stream']) {
  const s = Object.fromEntries(MODES.map((m) => [m, { p50UsPerCall: r1(median(rows[m].map((x) => x[kind].p50Us))), cpuUsPerCall: r1(median(rows[m].map((x) => x[kind].cpuUs))) }]));
  const diff = (a, b) => ({ p50UsPerCall: r1(s[a].p50UsPerCall - s[b].p50UsPerCall), cpuUsPerCall: r1(s[a].cpuUsPerCall - s[b].cpuUsPerCall) });
  result[kind] = { ...s, overheadOnVsCtx: diff('on', 'ctx'), overheadOnVsNone: diff('on', 'none'), overheadOffVsCtx: diff('off', 'ctx') };
}
const childNode = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
const file = writeResults(NODE === process.execPath ? 'sdk-overhead' : `sdk-overhead-${childNode.split('.')[0]}`, {
  childNode,
  description: 'Per-call cost of the openai SDK instrumentation (one CLIENT span per call), plain and streamed calls to a loopback server; medians over rounds of fresh child processes.',
  calls: CALLS,
  rounds: ROUNDS,
  ...result,
  spansExportedPerRun: rows.on[0].spansExported,
  loadAverage1m: load.map((l) => Math.round(l * 100) / 100),
});
console.log(JSON.stringify(result, null, 2));
console.log(`wrote ${file}`);
