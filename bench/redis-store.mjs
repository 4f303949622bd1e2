// Per-call cost of the Redis store vs the in-memory store, same run, same mock, same policies:
// a key budget, a key RPM limit, a deployment RPM limit and the breaker (all admitting), cache off
// and then on (a miss per call: unique prompts). Also counts the Redis round trips per call (on
// the client: waited for by the call, and after it answered) and the server-side commands (INFO
// commandstats).
// Needs redis-server (spawned privately on a free loopback port). Run after `npm run build`:
//   node bench/redis-store.mjs [--n 1000]
// Writes bench/results/redis-store.json.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { Router } from '../dist/esm/src/index.js';
import { run, startMockChild, summarize, writeResults } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('n', 1000);
const WARMUP = Math.min(200, N);

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const redisProc = spawn(process.env.REDIS_SERVER ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
admin.on('error', () => {});
for (let i = 0; i < 100 && (await admin.ping().catch(() => 'no')) !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
const redisVersion = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1];

const mock = await startMockChild();
const baseURL = mock.openai;
const options = (store, cache) => ({
  models: [{ name: 'bench', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-0000000000', baseURL, rpm: 10_000_000 }],
  budgets: [{ scope: 'key', limitUsd: 1_000_000, window: 'day' }],
  rateLimits: { keys: { app: { rpm: 10_000_000 } } },
  breaker: { enabled: true },
  cache: { enabled: cache },
  ...(store ? { store } : {}),
});
let seq = 0;
const call = (router) => router.chat.completions.create({ model: 'bench', messages: [{ role: 'user', content: `Say something short ${++seq}.` }] }, { identity: { key: 'app' } });

async function commandStats() {
  const text = await admin.info('commandstats');
  const out = {};
  for (const m of text.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

const results = [];
for (const cache of [false, true]) {
  const memory = new Router(options(undefined, cache));
  // commandTimeoutMs 1000: this measures cost; on a loaded box the 50 ms default can trip the failure policy mid-run.
  const redis = new Router(options({ redis: { url, keyPrefix: `bench${cache ? 'c' : ''}:`, commandTimeoutMs: 1000 } }, cache));
  for (let i = 0; i < WARMUP; i++) {
    await call(memory);
    await call(redis);
  }
  // Round trips per call, counted on the client at concurrency 1: commands the client sends,
  // grouped into exchanges (sent before a reply came back: one round trip), and
  // split into those sent while the call ran (its latency) and those sent after it answered (the
  // write-behind settlement). INFO commandstats also counts the commands run inside scripts.
  const client = redis.store.client;
  const sent = {};
  const trips = { call: 0, after: 0 };
  let phase = 'call';
  let turnOpen = false;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (cmd, ...rest) => {
    const name = cmd.name;
    sent[name] = (sent[name] ?? 0) + 1;
    // A round trip starts with a command sent after the last reply came back (commands sent
    // before any reply, e.g. together in one turn of the event loop, travel together).
    if (!turnOpen) {
      turnOpen = true;
      trips[phase]++;
    }
    const out = send(cmd, ...rest);
    cmd.promise.then(
      () => (turnOpen = false),
      () => (turnOpen = false),
    );
    return out;
  };
  const settled = () => new Promise((r) => setTimeout(r, 2));
  const before = await commandStats();
  const COUNT = 200;
  for (let i = 0; i < COUNT; i++) {
    phase = 'call';
    turnOpen = false;
    await call(redis);
    phase = 'after';
    turnOpen = false;
    await settled();
  }
  const after = await commandStats();
  client.sendCommand = send;
  const roundTrips = {};
  let commands = 0;
  for (const [name, n] of Object.entries(sent)) {
    roundTrips[name] = Math.round((n / COUNT) * 100) / 100;
    commands += n;
  }
  const perCall = {};
  let total = 0;
  for (const [cmd, n] of Object.entries(after)) {
    const d = n - (before[cmd] ?? 0);
    if (cmd === 'info' || d <= 0) continue;
    perCall[cmd] = Math.round((d / COUNT) * 100) / 100;
    total += d;
  }
  for (const concurrency of [1, 10]) {
    // Interleaved: memory, redis, memory, redis... so both see the same machine load.
    const mem = [];
    const red = [];
    let memWall = 0;
    let redWall = 0;
    for (let round = 0; round < 4; round++) {
      const m = await run(() => call(memory), { total: N / 4, concurrency });
      const r = await run(() => call(redis), { total: N / 4, concurrency });
      mem.push(...m.latencies);
      red.push(...r.latencies);
      memWall += m.wallMs;
      redWall += r.wallMs;
    }
    const row = {
      cache,
      concurrency,
      memory: summarize(mem, memWall),
      redis: summarize(red, redWall),
      redisRoundTripsWaitedPerCall: Math.round((trips.call / COUNT) * 100) / 100,
      redisRoundTripsAfterAnswerPerCall: Math.round((trips.after / COUNT) * 100) / 100,
      redisCommandsSentPerCall: Math.round((commands / COUNT) * 100) / 100,
      redisCommandsSentByCommand: roundTrips,
      redisCommandsPerCallServerSide: Math.round((total / COUNT) * 100) / 100,
      redisCommandsPerCallByCommand: perCall,
    };
    row.overheadP50Ms = Math.round((row.redis.p50Ms - row.memory.p50Ms) * 1000) / 1000;
    row.overheadP99Ms = Math.round((row.redis.p99Ms - row.memory.p99Ms) * 1000) / 1000;
    results.push(row);
    console.log(
      `cache=${String(cache).padEnd(5)} c=${String(concurrency).padEnd(2)} memory p50 ${row.memory.p50Ms}ms p99 ${row.memory.p99Ms}ms | redis p50 ${row.redis.p50Ms}ms p99 ${row.redis.p99Ms}ms | +p50 ${row.overheadP50Ms}ms +p99 ${row.overheadP99Ms}ms | round trips/call: ${row.redisRoundTripsWaitedPerCall} waited + ${row.redisRoundTripsAfterAnswerPerCall} after the answer; commands sent ${JSON.stringify(roundTrips)} | ${row.redisCommandsPerCallServerSide} server-side commands/call`,
    );
  }
  await memory.close();
  await redis.close();
}

const file = writeResults('redis-store', {
  bench: 'redis-store',
  description:
    'Router call (key budget, key RPM, deployment RPM, breaker; cache off, then on with a miss per call) with the Redis store (commandTimeoutMs 1000, localCacheMs 1000) vs the memory store, interleaved in one run against the tracegate mock in a child process; round trips per call at concurrency 1 = exchanges (commands sent before the previous reply came back travel together), split into those the call waited for and those sent after it answered (write-behind settlement); server-side commands from INFO commandstats (script-internal commands included)',
  redisVersion,
  callsPerCase: N,
  results,
});
console.log(`wrote ${file}`);
admin.disconnect();
await mock.close();
redisProc.kill('SIGKILL');
