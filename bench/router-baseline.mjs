// Foundation figure: an in-process router call vs a raw undici request against `tracegate mock`,
// sequential and at concurrency 10, chat and stream. Run `npm run build` first.
// Usage: node bench/router-baseline.mjs [--calls N]
import { Agent, request } from 'undici';
import { Router } from '../dist/esm/src/index.js';
import { run, startMockChild, summarize, writeResults } from './lib.mjs';

const total = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 2000;
const warmup = Math.min(300, total);

const mock = await startMockChild({ defaults: { reply: { text: 'The quick brown fox jumps over the lazy dog.' }, stream: { chunks: 8 } } });
const baseURL = mock.openai;
const router = new Router({ models: [{ name: 'bench', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-000000', baseURL }] });
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });
const messages = [{ role: 'user', content: 'Say something short.' }];

const raw = {
  chat: async () => {
    const res = await request(`${baseURL}/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-000000' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
    });
    JSON.parse(await res.body.text());
  },
  stream: async () => {
    const res = await request(`${baseURL}/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-000000' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true }),
    });
    for await (const _ of res.body) {
      /* read every byte */
    }
  },
};
const routed = {
  chat: async () => {
    await router.chat.completions.create({ model: 'bench', messages });
  },
  stream: async () => {
    const s = await router.chat.completions.create({ model: 'bench', messages, stream: true });
    for await (const _ of s) {
      /* consume */
    }
  },
};

const results = {};
for (const kind of ['chat', 'stream']) {
  for (const concurrency of [1, 10]) {
    for (const [label, impl] of [['raw-undici', raw], ['router', routed]]) {
      await run(impl[kind], { total: warmup, concurrency });
      const { latencies, wallMs } = await run(impl[kind], { total, concurrency });
      results[`${kind}.c${concurrency}.${label}`] = summarize(latencies, wallMs);
    }
    const r = results[`${kind}.c${concurrency}.router`];
    const b = results[`${kind}.c${concurrency}.raw-undici`];
    results[`${kind}.c${concurrency}.overhead`] = { p50Ms: Math.round((r.p50Ms - b.p50Ms) * 1000) / 1000, p99Ms: Math.round((r.p99Ms - b.p99Ms) * 1000) / 1000 };
  }
}

await router.close();
await agent.close();
await mock.close();
const file = writeResults('router-baseline', { calls: total, results });
console.table(results);
console.log(`written to ${file}`);
