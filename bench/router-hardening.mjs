// Issue 11 (router side), measured against `tracegate mock` in its own process:
// 1. aborted streams: streams admitted by a $1 key budget when each is read fully vs aborted by
//    the client just before its end (before the usage chunk), and what the budget was charged;
// 2. CJK prompts: spend of a $20 budget under 200 concurrent 4,000-character CJK prompts
//    (the mock reports 4,000 prompt tokens, as a real tokenizer would);
// 3. shared host: time for a fast alias while 130 requests hang on a slow alias of the same
//    host, with the default pool (128 connections) and with `maxInFlight: 64` on the slow one.
// Run `npm run build` first. Usage: node bench/router-hardening.mjs
import { Router } from '../dist/esm/src/index.js';
import { startMockChild, writeResults } from './lib.mjs';

const KEY = 'sk-bench-000000';
const results = {};

// 1. Aborted streams. 20,000 characters of reply ≈ 5,000 output tokens ≈ $0.05 at $10/M.
{
  const mock = await startMockChild({ defaults: { reply: { text: 'word '.repeat(4000) }, stream: { chunks: 20 } } });
  const price = { input: 2.5, output: 10 };
  const router = new Router({
    models: [{ name: 'm', provider: 'openai', model: 'gpt-4o', apiKey: KEY, baseURL: mock.openai, price }],
    budgets: [{ scope: 'key', limitUsd: 1, window: 'day' }],
  });
  const admitted = async (key, abort) => {
    for (let n = 0; n < 200; n++) {
      let stream;
      try {
        stream = await router.chat.completions.create({ model: 'm', max_tokens: 6000, stream: true, messages: [{ role: 'user', content: 'Tell me a long story' }] }, { identity: { key } });
      } catch {
        return n;
      }
      let pieces = 0;
      try {
        for await (const c of stream) if (c.choices[0]?.delta.content && ++pieces === 19 && abort) stream.controller.abort();
      } catch {
        /* aborted */
      }
    }
    return 200;
  };
  const usage = (key) => router.budgets.usage(router.policies.budgets[0], key);
  const full = await admitted('full', false);
  const aborted = await admitted('aborted', true);
  results.abortedStreams = {
    budgetUsd: 1,
    admittedReadFully: full,
    admittedAbortedBeforeEnd: aborted,
    chargedReadFullyUsd: Math.round((await usage('full')) * 1e4) / 1e4,
    chargedAbortedUsd: Math.round((await usage('aborted')) * 1e4) / 1e4,
  };
  await router.close();
  await mock.close();
}

// 2. CJK prompts under concurrency.
{
  const mock = await startMockChild({ defaults: { reply: { text: 'ok', usage: { prompt_tokens: 4000, completion_tokens: 1 } }, latencyMs: 50 } });
  const router = new Router({
    models: [{ name: 'm', provider: 'openai', model: 'gpt-4o', apiKey: KEY, baseURL: mock.openai, price: { input: 1000, output: 0 } }],
    budgets: [{ scope: 'key', limitUsd: 20, window: 'day' }],
  });
  const cjk = '我们需要检查订单状态并且回复客户的问题。'.repeat(200);
  const settled = await Promise.allSettled(
    Array.from({ length: 200 }, () => router.chat.completions.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: cjk }] }, { identity: { key: 'k' } })),
  );
  results.cjkConcurrency = {
    budgetUsd: 20,
    concurrent: 200,
    admitted: settled.filter((s) => s.status === 'fulfilled').length,
    spentUsd: Math.round((await router.budgets.usage(router.policies.budgets[0], 'k')) * 100) / 100,
    oneReservationUsd: ((3 + 4 + 4000) * 1000 + 1 * 0) / 1e6,
  };
  await router.close();
  await mock.close();
}

// 3. Two aliases on one host, 130 hanging requests on the slow one.
{
  const mock = await startMockChild({
    rules: [{ match: { model: 'gpt-4o' }, latencyMs: 4000 }],
  });
  for (const [label, maxInFlight] of [['defaultPool', undefined], ['maxInFlight64', 64]]) {
    const router = new Router({
      models: [
        { name: 'slow', provider: 'openai', model: 'gpt-4o', apiKey: KEY, baseURL: mock.openai, ...(maxInFlight ? { maxInFlight } : {}) },
        { name: 'fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL: mock.openai },
      ],
      retry: { maxAttempts: 1 },
    });
    const slow = Array.from({ length: 130 }, () => router.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] }).then(() => 'ok', (e) => e.code ?? e.errorClass));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await router.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
    const fastMs = Math.round(performance.now() - t0);
    const outcomes = await Promise.all(slow);
    const count = (v) => outcomes.filter((o) => o === v).length;
    results[`sharedHost.${label}`] = { slowInFlight: 130, fastAliasMs: fastMs, slowOk: count('ok'), slowRefused429: count('max_in_flight') };
    await router.close();
  }
  await mock.close();
}

console.log(JSON.stringify(results, null, 2));
console.log('wrote', writeResults('router-hardening', results));
