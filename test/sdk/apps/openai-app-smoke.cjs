const api = require('@opentelemetry/api');
const OpenAI = require('openai');
const client = new OpenAI({ apiKey: 'sk-test-openai-secret', baseURL: process.env.MOCK_URL + '/v1', maxRetries: 0 });
const tracer = api.trace.getTracer('app');
(async()=>{ await tracer.startActiveSpan('app-work', async (span) => {
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
  console.log(r.choices[0].message.content);
  const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  for await (const c of s) {}
  try { await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-mock-fault': 'rate_limit' } }); } catch (e) { console.log('err', e.status); }
  span.end();
}); })();
