// Cold start and idle memory of the proxy against the pass-through floor, without the load part
// of `npm run bench`: each round spawns every target once (order rotated), times spawn -> first
// 200 answer, waits `--idle-ms` (default 1000, as the gateway bench does), then reads the
// target's RSS and heap. `--before DIR` adds the proxy of another built tracegate checkout (a
// worktree of an older commit) to the same rounds. Medians of the rounds; writes
// bench/results/proxy-footprint.json.
//   node bench/proxy-footprint.mjs [--rounds 5] [--idle-ms 1000] [--before DIR]
import path from 'node:path';
import { machine, median, startServerChild, waitForAnswer, writeResults } from './lib.mjs';
import { MOCK_SCENARIO } from './scenario.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const ROUNDS = Number(opt('rounds', 5));
const IDLE_MS = Number(opt('idle-ms', 1000));
const BEFORE = opt('before');

const mock = await startServerChild('./mock-child.mjs', [JSON.stringify(MOCK_SCENARIO)]);
const chat = (model, key) => ({
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say something short.' }] }),
});
const TARGETS = {
  passthrough: { file: './passthrough-child.mjs', spec: chat('gpt-4o-mini', 'sk-bench-provider-000') },
  proxy: { file: './proxy-child.mjs', spec: chat('bench', 'sk-bench-client-0001') },
  ...(BEFORE ? { proxyBefore: { file: path.resolve(BEFORE, 'bench/proxy-child.mjs'), spec: chat('bench', 'sk-bench-client-0001') } } : {}),
};
const names = Object.keys(TARGETS);
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const t = TARGETS[name];
    const child = await startServerChild(t.file, [mock.info.openai]);
    const answeredAt = await waitForAnswer(child.url, t.spec, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const s = await child.stats();
    await child.close();
    samples[name].push({ coldStartMs: answeredAt - child.spawnedAt, rssMb: s.rss / 2 ** 20, heapUsedMb: s.heapUsed / 2 ** 20, heapTotalMb: s.heapTotal / 2 ** 20, externalMb: s.external / 2 ** 20 });
  }
  console.error(`round ${round + 1}/${ROUNDS} done`);
}
await mock.close();

const round1 = (x) => Math.round(x * 10) / 10;
const rows = names.map((name) => {
  const s = samples[name];
  const med = (k) => round1(median(s.map((x) => x[k])));
  return { target: name, coldStartMs: Math.round(median(s.map((x) => x.coldStartMs))), rssMb: med('rssMb'), rssMbRuns: s.map((x) => round1(x.rssMb)), heapUsedMb: med('heapUsedMb'), heapTotalMb: med('heapTotalMb'), externalMb: med('externalMb') };
});
console.table(rows.map(({ rssMbRuns, ...r }) => ({ ...r, rssMbRuns: rssMbRuns.join(' ') })));
writeResults('proxy-footprint', { rounds: ROUNDS, idleMs: IDLE_MS, before: BEFORE ?? null, rows, machine: machine() });
