// A scripted mixed workload for the report's `path` cohorts (see report-path.test.ts): the same
// model (gpt-4o-mini on tracegate mock) called through the gateway (Router) and directly (openai
// SDK), with one failure and two evaluations (one pass, one fail) on each path.
'use strict';
const api = require('@opentelemetry/api');
const OpenAI = require('openai');
const { Router } = require('tracegate');
const { recordEvaluation } = require('tracegate/evals');

const mockUrl = process.env.MOCK_URL;
const KEY = 'sk-test-openai-secret-1234';
const router = new Router({
  models: [
    { name: 'support', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL: `${mockUrl}/v1` },
    { name: 'support-broken', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL: `${mockUrl}/v1`, headers: { 'x-mock-fault': 'bad_request' } },
  ],
});
const client = new OpenAI({ apiKey: KEY, baseURL: `${mockUrl}/v1`, maxRetries: 0 });
const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
const tracer = api.trace.getTracer('mixed-app');
const verdict = (passed) => ({ name: 'helpful', score: passed ? 1 : 0, label: passed ? 'pass' : 'fail', passed, threshold: 0.5 });

async function inSpan(name, fn) {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } catch {
      return undefined;
    } finally {
      span.end();
    }
  });
}

(async () => {
  // Gateway: 3 requests, 2 answered (evaluated pass and fail), 1 failed.
  const g1 = await inSpan('gateway-1', () => router.chat.completions.create({ model: 'support', messages }));
  const g2 = await inSpan('gateway-2', () => router.chat.completions.create({ model: 'support', messages }));
  await inSpan('gateway-3', () => router.chat.completions.create({ model: 'support-broken', messages }));
  // Direct: 3 requests, 2 answered (evaluated pass and fail), 1 failed.
  const d1 = await inSpan('direct-1', () => client.chat.completions.create({ model: 'gpt-4o-mini', messages }));
  const d2 = await inSpan('direct-2', () => client.chat.completions.create({ model: 'gpt-4o-mini', messages }));
  await inSpan('direct-3', () => client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-mock-fault': 'bad_request' } }));
  const recorded = [recordEvaluation(g1, verdict(true)), recordEvaluation(g2, verdict(false)), recordEvaluation(d1, verdict(true)), recordEvaluation(d2, verdict(false))];
  await router.close();
  console.log(JSON.stringify(recorded));
})();
