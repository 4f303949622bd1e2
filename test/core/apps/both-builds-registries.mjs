// A provider, its catalog and an evaluator registered through the ESM build are known to the
// CommonJS build's Router and evaluator registry (one process, both builds loaded).
import { createRequire } from 'node:module';
import * as esm from 'tracegate';
import * as esmEvals from 'tracegate/evals';

const require = createRequire(import.meta.url);
const cjs = require('tracegate');
const cjsEvals = require('tracegate/evals');

esm.registerProvider({
  id: 'my-llm',
  genAiProviderName: 'my-llm',
  streamFraming: 'sse',
  chatRequest: (params, ctx) => ({
    method: 'POST',
    url: `${ctx.deployment.baseURL}/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.deployment.apiKey}` },
    body: JSON.stringify({ ...params, model: ctx.deployment.model }),
  }),
  chatResponse: (body) => body,
  chatStream: () => {
    throw new Error('no streaming');
  },
  classifyError: (e) => new esm.InternalError(`my-llm answered ${e.status}`),
});
esm.registerCatalog('my-llm', [{ model: 'my-model', capabilities: {}, price: { input: 1, output: 2 } }]);
esmEvals.registerEvaluator('always-pass', () => ({ name: 'always-pass', evaluate: () => ({ score: 1, label: 'pass' }) }));

const router = new cjs.Router({ models: [{ name: 'a', provider: 'my-llm', model: 'my-model', apiKey: 'sk-both-builds-0001', baseURL: process.env.FAKE_BASE_URL }] });
const c = await router.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'hi' }] });
await router.close();
console.log(
  JSON.stringify({
    listed: cjs.listProviders().includes('my-llm'),
    role: c.choices[0].message.role,
    priced: cjs.getCallInfo(c).cost?.total > 0,
    evaluator: cjsEvals.listEvaluators().includes('always-pass'),
  }),
);
