// The same calls through each official SDK, made by the ESM app (all-sdks.mjs, under --import
// tracegate/register) and the CJS app (all-sdks.cjs, under -r). Each case runs inside an app span
// named `<sdk>:<case>`; the mock's control headers choose the answer. Then each SDK
// instrumentation is disabled and one more call is made (`<sdk>:disabled`): it must record nothing.
'use strict';

const MESSAGES = [{ role: 'user', content: 'What is the weather in Paris?' }];
const TOOL_REPLY = JSON.stringify({
  toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
  usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 40, reasoning_tokens: 5 },
});
const FAULT = 'rate_limit';
const KEYS = { openai: 'sk-test-openai-secret-1234', anthropic: 'sk-ant-test-secret-1234', gemini: 'goog-test-secret-1234' };

function openaiCases(OpenAI, mockUrl) {
  const client = new OpenAI({ apiKey: KEYS.openai, baseURL: `${mockUrl}/v1`, maxRetries: 0 });
  const model = 'gpt-4o-mini';
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  return {
    plain: () => client.chat.completions.create({ model, messages: MESSAGES, temperature: 0, max_tokens: 50 }),
    stream: async () => {
      const s = await client.chat.completions.create({ model, messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
      let text = '';
      for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
      return text;
    },
    tool: () => client.chat.completions.create({ model, messages: MESSAGES, tools }, { headers: { 'x-mock-reply': TOOL_REPLY } }),
    error: () => client.chat.completions.create({ model, messages: MESSAGES }, { headers: { 'x-mock-fault': FAULT } }),
    withResponse: async () => (await client.chat.completions.create({ model, messages: MESSAGES }).withResponse()).data,
    parse: () => client.chat.completions.parse({ model, messages: MESSAGES, response_format: { type: 'json_object' } }, { headers: { 'x-mock-reply': JSON.stringify({ text: '{"city":"Paris"}' }) } }),
    embeddings: () => client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 8, encoding_format: 'float' }),
  };
}

function anthropicCases(Anthropic, mockUrl) {
  const client = new Anthropic({ apiKey: KEYS.anthropic, baseURL: mockUrl, maxRetries: 0 });
  const model = 'claude-3-5-haiku-20241022';
  const base = { model, max_tokens: 256, system: 'Be brief.', messages: MESSAGES };
  return {
    plain: () => client.messages.create({ ...base, temperature: 0.2 }),
    stream: async () => {
      const s = await client.messages.create({ ...base, stream: true });
      for await (const ev of s) void ev;
    },
    tool: () =>
      client.messages.create({ ...base, tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }] }, { headers: { 'x-mock-reply': TOOL_REPLY } }),
    error: () => client.messages.create(base, { headers: { 'x-mock-fault': FAULT } }),
    helper: () => client.messages.stream(base).finalMessage(),
  };
}

function geminiCases(GoogleGenAI, mockUrl) {
  const ai = new GoogleGenAI({ apiKey: KEYS.gemini, httpOptions: { baseUrl: mockUrl } });
  const model = 'gemini-2.5-flash';
  const headers = (h) => ({ httpOptions: { headers: h } });
  return {
    plain: () => ai.models.generateContent({ model, contents: 'What is the weather in Paris?', config: { temperature: 0, maxOutputTokens: 64 } }),
    stream: async () => {
      const s = await ai.models.generateContentStream({ model, contents: 'What is the weather in Paris?' });
      for await (const c of s) void c;
    },
    tool: () =>
      ai.models.generateContent({
        model,
        contents: 'What is the weather in Paris?',
        config: { tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }], ...headers({ 'x-mock-reply': TOOL_REPLY }) },
      }),
    error: () => ai.models.generateContent({ model, contents: 'Hi', config: headers({ 'x-mock-fault': FAULT }) }),
  };
}

function bedrockCases(bedrock, mockUrl) {
  const { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } = bedrock;
  const client = new BedrockRuntimeClient({ endpoint: mockUrl, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'bedrock-secret-1234' }, maxAttempts: 1 });
  let extra = {};
  client.middlewareStack.add((next) => async (args) => {
    Object.assign(args.request.headers, extra);
    return next(args);
  }, { step: 'build' });
  const withHeaders = async (h, fn) => {
    extra = h;
    try {
      return await fn();
    } finally {
      extra = {};
    }
  };
  const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
  const messages = [{ role: 'user', content: [{ text: 'What is the weather in Paris?' }] }];
  const input = { modelId, messages, system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 100, temperature: 0 } };
  return {
    plain: () => client.send(new ConverseCommand(input)),
    stream: async () => {
      const out = await client.send(new ConverseStreamCommand(input));
      for await (const ev of out.stream) void ev;
    },
    tool: () =>
      withHeaders({ 'x-mock-reply': TOOL_REPLY }, () =>
        client.send(new ConverseCommand({ ...input, toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] } })),
      ),
    error: () => withHeaders({ 'x-mock-fault': FAULT }, () => client.send(new ConverseCommand(input))),
    close: () => client.destroy(),
  };
}

async function run({ api, sdks, getRegistration, mockUrl }) {
  const tracer = api.trace.getTracer('sdk-test-app');
  const all = {
    openai: openaiCases(sdks.OpenAI, mockUrl),
    anthropic: anthropicCases(sdks.Anthropic, mockUrl),
    'google-genai': geminiCases(sdks.GoogleGenAI, mockUrl),
    'bedrock-runtime': bedrockCases(sdks.bedrock, mockUrl),
  };
  const outcomes = {};
  for (const [sdk, cases] of Object.entries(all)) {
    for (const [name, fn] of Object.entries(cases)) {
      if (name === 'close') continue;
      await tracer.startActiveSpan(`${sdk}:${name}`, async (span) => {
        try {
          await fn();
          outcomes[`${sdk}:${name}`] = 'ok';
        } catch (err) {
          outcomes[`${sdk}:${name}`] = `error ${err.status ?? err.$metadata?.httpStatusCode ?? err.name}`;
        } finally {
          span.end();
        }
      });
    }
  }
  // disable(): each SDK instrumentation off, one more call each records no client span.
  for (const inst of getRegistration().sdkInstrumentations) inst.disable();
  for (const [sdk, cases] of Object.entries(all)) {
    await tracer.startActiveSpan(`${sdk}:disabled`, async (span) => {
      try {
        await cases.plain();
        outcomes[`${sdk}:disabled`] = 'ok';
      } finally {
        span.end();
      }
    });
  }
  all['bedrock-runtime'].close();
  return outcomes;
}

module.exports = { run, KEYS };
