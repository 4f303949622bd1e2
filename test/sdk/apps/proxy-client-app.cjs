// The openai SDK calling a `tracegate proxy` (PROXY_URL) from an app under -r tracegate/register.
'use strict';
const api = require('@opentelemetry/api');
const OpenAI = require('openai');

const client = new OpenAI({ apiKey: process.env.PROXY_KEY, baseURL: `${process.env.PROXY_URL}/v1`, maxRetries: 0 });
const tracer = api.trace.getTracer('sdk-test-app');
const messages = [{ role: 'user', content: 'Hi' }];

(async () => {
  const out = {};
  await tracer.startActiveSpan('app:plain', async (span) => {
    const c = await client.chat.completions.create({ model: 'chat', messages });
    out.plain = c.choices[0].message.content;
    span.end();
  });
  await tracer.startActiveSpan('app:stream', async (span) => {
    const s = await client.chat.completions.create({ model: 'chat', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    out.stream = text;
    span.end();
  });
  console.log(JSON.stringify(out));
})();
