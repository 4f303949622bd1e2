// Profiles the tracegate proxy under load: starts proxy-child.mjs (tracing off, or `--traced`
// over OTLP to the local receiver) with --cpu-prof in front of the bench mock, drives
// `--seconds` of chat or stream load at `--connections`, then prints the top functions by self
// time and by file (the load window only, after a warm-up). With `--heap`, writes heap snapshots
// (idle, after load, each after a full GC) instead. Profiles land in .cache/profiles/.
//   node bench/profile-proxy.mjs [--mode chat|stream] [--connections 10] [--seconds 10] [--traced [--exporter none]] [--heap | --alloc]
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerChild, waitForAnswer } from './lib.mjs';
import { runLoad } from './load.mjs';
import { MOCK_SCENARIO } from './scenario.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const mode = opt('mode', 'chat');
const connections = Number(opt('connections', 10));
const seconds = Number(opt('seconds', 10));
const traced = argv.includes('--traced');
const heap = argv.includes('--heap');
// `--alloc`: a sampling allocation profile of the load window instead (bytes allocated per request, by function).
const alloc = argv.includes('--alloc');
// `--passthrough`: profile the bare node:http pass-through instead (for comparison).
const passthrough = argv.includes('--passthrough');
// `--exporter none`: tracing on without export (what the spans cost before they leave the process).
const exporter = opt('exporter', 'otlp');
const dir = fileURLToPath(new URL(`../.cache/profiles/${Date.now()}-${mode}${traced ? '-traced' : ''}${passthrough ? '-passthrough' : ''}/`, import.meta.url));
mkdirSync(dir, { recursive: true });

const mock = await startServerChild('./mock-child.mjs', [JSON.stringify(MOCK_SCENARIO)]);
const receiver = await startServerChild('./otlp-receiver-child.mjs');
const execArgv = heap ? ['--expose-gc'] : [];
const env = {
  ...(traced ? { OTEL_TRACES_EXPORTER: exporter, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' } : {}),
};
const proxy = await startServerChild(passthrough ? './passthrough-child.mjs' : './proxy-child.mjs', [mock.info.openai, ...(traced ? ['traced'] : [])], { env, execArgv });
const spec = {
  url: proxy.url,
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-client-0001' },
  body: JSON.stringify({ model: passthrough ? 'gpt-4o-mini' : 'bench', messages: [{ role: 'user', content: 'Say something short.' }], ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}) }),
  connections,
};
await waitForAnswer(proxy.url, spec);
const snap = async (label) => {
  await proxy.command(`heap ${path.join(dir, `${label}.heapsnapshot`)}`);
  const s = await proxy.stats();
  console.log(`heap snapshot ${label}: RSS ${Math.round(s.rss / 2 ** 20)} MB, heap used ${Math.round(s.heapUsed / 2 ** 20)} MB`);
};
if (heap) await snap('idle');
await runLoad({ ...spec, durationSec: Math.min(2, seconds) }); // warm-up, not profiled
const before = await proxy.stats();
if (alloc) await proxy.command('alloc-start');
else if (!heap) await proxy.command('cpu-start');
const load = await runLoad({ ...spec, durationSec: seconds });
if (alloc) await proxy.command(`alloc-stop ${path.join(dir, 'load.heapprofile')}`);
else if (!heap) await proxy.command(`cpu-stop ${path.join(dir, 'load.cpuprofile')}`);
const s = await proxy.stats();
console.log(`load: ${load.requests} requests, ${load.requestsPerSec}/s p50 ${load.p50Ms} ms, ${load.non2xx} non-2xx; CPU ${Math.round((s.cpuUs - before.cpuUs) / load.requests)} µs per request (profiler on)`);
console.log(`proxy RSS ${Math.round(s.rss / 2 ** 20)} MB, heap used ${Math.round(s.heapUsed / 2 ** 20)} MB`);
if (heap) await snap('after-load');
await proxy.close();
await receiver.close();
await mock.close();

const shortUrl = (url) => url.replace(/^.*\/node_modules\//, 'nm/').replace(/^.*\/dist\/esm\//, '').replace(/^file:\/\//, '');
if (alloc) {
  const file = path.join(dir, 'load.heapprofile');
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byFn = new Map();
  let total = 0;
  const walk = (node) => {
    const cf = node.callFrame;
    const k = `${cf.functionName || '(anon)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    byFn.set(k, (byFn.get(k) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const c of node.children) walk(c);
  };
  walk(prof.head);
  console.log(`\nallocation profile: ${file}\n${Math.round(total / load.requests)} bytes allocated per request (sampled); top allocating functions, bytes per request:`);
  for (const [k, b] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${String(Math.round(b / load.requests)).padStart(7)}  ${k}`);
} else if (!heap) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) {
    const n = byId.get(prof.samples[i]);
    self.set(n.id, (self.get(n.id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map();
  const byFile = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const short = shortUrl(cf.url);
    const k = `${cf.functionName || '(anon)'} ${short}:${cf.lineNumber + 1}`;
    byFn.set(k, (byFn.get(k) ?? 0) + us);
    const f = short || cf.functionName;
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
  console.log(`\nprofile: ${path.join(dir, file)}\n-- top self time by function`);
  console.log(top(byFn, 40).join('\n'));
  console.log('-- by file');
  console.log(top(byFile, 30).join('\n'));
} else console.log(`heap snapshots in ${dir}`);
