// openai calls with @opentelemetry/instrumentation-openai registered too (see contrib.test.ts).
'use strict';
const api = require('@opentelemetry/api');
const OpenAI = require('openai');

const client = new OpenAI({ apiKey: 'sk-test-openai-secret-1234', baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const tracer = api.trace.getTracer('sdk-test-app');
const messages = [{ role: 'user', content: 'Hi' }];
const cases = {
  plain: () => client.chat.completions.create({ model: 'gpt-4o-mini', messages }),
  stream: async () => {
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const c of s) void c;
  },
  embeddings: () => client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha' }),
};

(async () => {
  for (const [name, fn] of Object.entries(cases)) {
    await tracer.startActiveSpan(`openai:${name}`, async (span) => {
      try {
        await fn();
      } finally {
        span.end();
      }
    });
  }
  console.log('done');
})();
