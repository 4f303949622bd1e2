// The calls every test app makes (shared by the ESM and the CJS app): a call inside an
// application span, a stream, an embeddings call and a failed call.
'use strict';

const KEY = 'sk-tracegate-FAKE-KEY-0123456789abcdef';

function routerOptions(baseURL) {
  return {
    models: [
      { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL },
      { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: KEY, baseURL },
      // `tracegate mock` answers this entry's requests with a 400 (header read by the fake provider).
      { name: 'support-broken', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL, headers: { 'x-mock-fault': 'bad_request' } },
    ],
  };
}

async function makeCalls(router, api, getCallInfo) {
  const tracer = api.trace.getTracer('test-app');
  const traceIds = [];
  await tracer.startActiveSpan('handle-ticket', async (span) => {
    const c = await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Where is order A-1?' }], temperature: 0 });
    traceIds.push(getCallInfo(c).trace.traceId);
    span.end();
  });
  const stream = await router.chat.completions.create({
    model: 'support-fast',
    messages: [{ role: 'user', content: 'Stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) void _;
  await router.embeddings.create({ model: 'embed', input: 'hello' });
  await router.chat.completions.create({ model: 'support-broken', messages: [{ role: 'user', content: 'fail' }], max_tokens: 7 }).catch(() => undefined);
  await router.close();
  return traceIds;
}

module.exports = { KEY, routerOptions, makeCalls };
