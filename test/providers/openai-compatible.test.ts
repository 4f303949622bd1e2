import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { mistralToolCallId } from '../../src/providers/openai-compatible.js';
import { getProvider, listProviders } from '../../src/providers/registry.js';
import {
  comparable,
  context,
  decodeWire,
  deployment,
  encode,
  expectCompletion,
  expectStreamShape,
  fixtureJson,
  fixtureLines,
  fixtureText,
  randomSplits,
  streamCompletion,
  wireBytes,
} from './helpers.js';
import { expectedFor } from './expectations.js';

/** OpenAI-wire fixture families and the provider that decodes them. */
const OPENAI_WIRE = [
  ['openai', 'openai'],
  ['groq', 'groq'],
  ['mistral', 'mistral'],
  ['deepseek', 'deepseek'],
] as const;

const foreignHistory = [
  { role: 'user' as const, content: 'x', name: 'alice' },
  {
    role: 'assistant' as const,
    content: null,
    reasoning_content: 'thought',
    thinking_blocks: [{ type: 'thinking', thinking: 'thought', signature: 's' }],
    tool_calls: [{ id: 'toolu_01ABC', type: 'function' as const, function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'g' } } }],
  },
  { role: 'tool' as const, tool_call_id: 'toolu_01ABC', content: 'y' },
];

describe('azure', () => {
  const azure = getProvider('azure');
  const d = deployment('azure', 'gpt-4o', { baseURL: 'https://res.openai.azure.com/openai/', options: { deployment: 'prod-4o' } });

  it('builds deployment URLs with api-version and sends the key as api-key', async () => {
    const { spec, body } = await encode(azure, d, { max_tokens: 10, messages: foreignHistory as never });
    expect(spec.url).toBe('https://res.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21');
    expect(spec.headers['api-key']).toBe('sk-test-key-123456');
    expect(spec.headers.authorization).toBeUndefined();
    expect(body.model).toBe('prod-4o');
    expect(body.messages[1].reasoning_content).toBeUndefined();
    expect(body.messages[1].thinking_blocks).toBeUndefined();
    expect(body.messages[1].tool_calls[0].extra_content).toBeUndefined();
  });

  it('supports the v1 API path, a resourceName, an Entra token and reasoning-model parameters', async () => {
    const v1 = deployment('azure', 'o4-mini', { apiKey: undefined, options: { resourceName: 'acme', apiVersion: 'v1', azureADToken: 'entra-token-123' } });
    const { spec, body } = await encode(azure, v1, { max_tokens: 10 }, true);
    expect(spec.url).toBe('https://acme.openai.azure.com/openai/v1/chat/completions');
    expect(spec.headers.authorization).toBe('Bearer entra-token-123');
    expect(body).toMatchObject({ model: 'o4-mini', max_completion_tokens: 10, stream: true, stream_options: { include_usage: true } });
    expect(body.max_tokens).toBeUndefined();
    const emb = await azure.embeddingsRequest!({ model: 'e', input: 'x' }, context(deployment('azure', 'text-embedding-3-small', { baseURL: 'https://res.openai.azure.com' }), false));
    expect(emb.url).toBe('https://res.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
  });

  it('reads prices from the OpenAI catalog and rejects entries without endpoint or key', () => {
    expect(d.price).toMatchObject({ input: 2.5, output: 10 });
    expect(() => azure.validateDeployment!(deployment('azure', 'gpt-4o'))).toThrow(expect.objectContaining({ errorClass: 'config' }));
    expect(() => azure.validateDeployment!(deployment('azure', 'gpt-4o', { baseURL: 'https://r.openai.azure.com', apiKey: undefined }))).toThrow(expect.objectContaining({ errorClass: 'config' }));
  });

  it('skips the prompt-filter chunk with no choices and keeps usage incl. reasoning tokens (recorded)', () => {
    const chunks = decodeWire(azure, context(d, true), [wireBytes('openai', fixtureLines('openai', 'azure-model-router.1.chunks.txt'))]);
    expectStreamShape(chunks, true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expectCompletion(streamCompletion(chunks), { text: 'Capital of Denmark.', finish: 'stop', usage: { prompt: 15, completion: 78, total: 93, cached: 0, reasoning: 64 } });
  });

  it('content filter errors → ContentPolicyError; finish_reason content_filter is kept', () => {
    const body = {
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { violence: { filtered: true, severity: 'high' } } },
      },
    };
    expect(azure.classifyError({ status: 400, headers: {}, body, text: '' }, context(d, false))).toMatchObject({ errorClass: 'content_policy', code: 'content_filter', status: 400 });
    const c = azure.chatResponse(
      { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'partial' }, finish_reason: 'content_filter' }] },
      context(d, false),
    );
    expect(c.choices[0]!.finish_reason).toBe('content_filter');
    expect(azure.classifyError({ status: 429, headers: { 'retry-after-ms': '1500' }, body: { error: { code: '429', message: 'Rate limit' } }, text: '' }, context(d, false))).toMatchObject({
      errorClass: 'rate_limit',
      retryAfterMs: 1500,
    });
  });
});

describe('OpenAI-compatible presets', () => {
  it('are all registered with their default base URLs', async () => {
    expect(listProviders()).toEqual(
      expect.arrayContaining(['openai', 'azure', 'anthropic', 'gemini', 'bedrock', 'openai-compatible', 'vllm', 'ollama', 'groq', 'mistral', 'deepseek', 'together', 'openrouter', 'xai']),
    );
    const urls: Record<string, string> = {
      vllm: 'http://127.0.0.1:8000/v1/chat/completions',
      ollama: 'http://127.0.0.1:11434/v1/chat/completions',
      groq: 'https://api.groq.com/openai/v1/chat/completions',
      mistral: 'https://api.mistral.ai/v1/chat/completions',
      deepseek: 'https://api.deepseek.com/v1/chat/completions',
      together: 'https://api.together.xyz/v1/chat/completions',
      openrouter: 'https://openrouter.ai/api/v1/chat/completions',
      xai: 'https://api.x.ai/v1/chat/completions',
    };
    for (const [id, url] of Object.entries(urls)) {
      const { spec } = await encode(id, deployment(id, 'm'), {});
      expect(spec.url).toBe(url);
      expect(spec.headers.authorization).toBe('Bearer sk-test-key-123456');
    }
  });

  it('mistral: max_tokens, random_seed, no OpenAI-only fields, 9-character tool-call ids', async () => {
    const { body } = await encode('mistral', deployment('mistral', 'mistral-small-latest'), {
      messages: foreignHistory as never,
      max_completion_tokens: 50,
      seed: 3,
      user: 'u',
      store: true,
      metadata: { a: 'b' },
      temperature: 0,
    }, true);
    expect(body).toMatchObject({ max_tokens: 50, random_seed: 3, temperature: 0, stream: true });
    for (const k of ['max_completion_tokens', 'seed', 'user', 'store', 'metadata', 'stream_options']) expect(body[k]).toBeUndefined();
    const id = body.messages[1].tool_calls[0].id;
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(body.messages[2].tool_call_id).toBe(id);
    expect(mistralToolCallId('toolu_01ABC')).toBe(id);
    expect(mistralToolCallId('gSIMJiOkT')).toBe('gSIMJiOkT');
    expect(body.messages[1].reasoning_content).toBeUndefined();
  });

  it('groq: drops messages[].name and foreign fields; openai: drops foreign fields and keeps temperature 0', async () => {
    const groq = await encode('groq', deployment('groq', 'llama-3.3-70b-versatile'), { messages: foreignHistory as never, temperature: 0 });
    expect(groq.body.messages[0]).toEqual({ role: 'user', content: 'x' });
    expect(groq.body.temperature).toBe(0);
    const openai = await encode('openai', deployment('openai', 'gpt-4o'), { messages: foreignHistory as never, temperature: 0 });
    expect(openai.body.messages[0].name).toBe('alice');
    expect(openai.body.messages[1].reasoning_content).toBeUndefined();
    expect(openai.body.temperature).toBe(0);
    const deepseek = await encode('deepseek', deployment('deepseek', 'deepseek-reasoner'), { messages: foreignHistory as never });
    expect(deepseek.body.messages[1].reasoning_content).toBe('thought');
  });

  it('openrouter: reasoning_effort → reasoning.effort; xai: grok-4 drops unsupported parameters', async () => {
    const or = await encode('openrouter', deployment('openrouter', 'anthropic/claude-sonnet-4.5'), { reasoning_effort: 'high' });
    expect(or.body.reasoning).toEqual({ effort: 'high' });
    expect(or.body.reasoning_effort).toBeUndefined();
    const xai = await encode('xai', deployment('xai', 'grok-4-0709'), { presence_penalty: 1, frequency_penalty: 1, reasoning_effort: 'low', stop: 'x' });
    expect(xai.body.presence_penalty).toBeUndefined();
    expect(xai.body.reasoning_effort).toBeUndefined();
    expect(xai.body.stop).toBe('x');
    expect((await encode('xai', deployment('xai', 'grok-3-mini'), { reasoning_effort: 'low' })).body.reasoning_effort).toBe('low');
  });
});


describe('OpenAI-wire decoding (recorded)', () => {
  for (const [family, provider, file, expected] of OPENAI_WIRE.flatMap(([f, pr]) => expectedFor(f, '.json').map(([file, e]) => [f, pr, file, e] as const))) {
    it(`${family}/${file}`, () => {
      const c = getProvider(provider).chatResponse(fixtureJson(family, file), context(deployment(provider, 'm'), false));
      expectCompletion(c, expected);
    });
  }

  it('deepseek reasoning text and cache-hit pricing', () => {
    const d = deployment('deepseek', 'deepseek-reasoner');
    const c = getProvider('deepseek').chatResponse(fixtureJson('deepseek', 'deepseek-json.json'), context(d, false));
    expect(JSON.parse(c.choices[0]!.message.content!)).toEqual({ location: 'San Francisco', condition: 'cloudy', temperature: 7 });
    expect(c.choices[0]!.message.reasoning_content).toMatch(/^I have the result from the weather tool/);
    const cost = computeCost(c.usage, d.price)!;
    expect(cost.input).toBeCloseTo((175 * 0.28 + 320 * 0.028) / 1e6, 12);
    expect(cost.output).toBeCloseTo((144 * 0.42) / 1e6, 12);
  });
});


describe('OpenAI-wire stream decoding (recorded): usage always ends the stream in its own chunk', () => {
  for (const [family, provider, file, expected] of OPENAI_WIRE.flatMap(([f, pr]) => expectedFor(f, '.chunks.txt').map(([file, e]) => [f, pr, file, e] as const))) {
    it(`${family}/${file}`, () => {
      const adapter = getProvider(provider);
      const ctx = context(deployment(provider, 'm'), true);
      const bytes = wireBytes('openai', fixtureLines(family, file));
      const whole = decodeWire(adapter, ctx, [bytes]);
      expectStreamShape(whole, true);
      expect(whole.slice(0, -1).every((c) => c.usage === undefined)).toBe(true);
      expectCompletion(streamCompletion(whole), expected);
      for (let seed = 1; seed <= 10; seed++) expect(comparable(decodeWire(adapter, ctx, randomSplits(bytes, seed, seed * 6)))).toEqual(comparable(whole));
    });
  }

  it('openai-compatible/anthropic-fallback-tool-call.sse (tool call at index 1, no usage)', () => {
    const adapter = getProvider('openai-compatible');
    const chunks = decodeWire(adapter, context(deployment('openai-compatible', 'm', { baseURL: 'http://x' }), true), [Buffer.from(fixtureText('openai-compatible', 'anthropic-fallback-tool-call.sse'))]);
    expectStreamShape(chunks, false);
    const c = streamCompletion(chunks);
    expect(c.choices[0]!.message.content).toBe('Reading it.');
    expect(c.choices[0]!.message.tool_calls!.map((t) => [t.id, t.function.name, JSON.parse(t.function.arguments)])).toEqual([['toolu_sanitized', 'read_file', { path: 'a.txt' }]]);
  });

  it('Mistral tool calls without index in separate chunks keep separate indexes', () => {
    const base = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const lines = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ id: 'aaaaaaaaa', function: { name: 'f', arguments: '{"a":1}' } }] } }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [{ id: 'bbbbbbbbb', function: { name: 'g', arguments: '{"b":2}' } }] }, finish_reason: 'tool_calls' }] },
    ].map((l) => JSON.stringify(l));
    const c = streamCompletion(decodeWire(getProvider('mistral'), context(deployment('mistral', 'm'), true), [wireBytes('openai', lines)]));
    expect(c.choices[0]!.message.tool_calls!.map((t) => t.function.name)).toEqual(['f', 'g']);
  });

  it('reasoning sent as `reasoning` (OpenRouter, Ollama, vLLM) becomes reasoning_content', () => {
    const base = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const lines = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', reasoning: 'think ' } }] },
      { ...base, choices: [{ index: 0, delta: { reasoning: 'more', content: 'answer' }, finish_reason: 'stop' }] },
    ].map((l) => JSON.stringify(l));
    const c = streamCompletion(decodeWire(getProvider('openrouter'), context(deployment('openrouter', 'm'), true), [wireBytes('openai', lines)]));
    expect(c.choices[0]!.message).toMatchObject({ content: 'answer', reasoning_content: 'think more' });
  });

  it('an error inside a 200 stream (OpenRouter style) is a typed error', () => {
    const lines = [JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', error: { code: 'server_error', message: 'Provider disconnected' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] })];
    expect(() => decodeWire(getProvider('openrouter'), context(deployment('openrouter', 'm'), true), [wireBytes('openai', lines)])).toThrow(expect.objectContaining({ errorClass: 'upstream_unavailable' }));
  });

  it('openai reasoning-model parameter error (recorded) is a bad request naming the parameter', () => {
    const e = getProvider('openai').classifyError({ status: 400, headers: {}, body: fixtureJson('openai', 'reasoning-model-legacy-parameter-error.json'), text: '' }, context(deployment('openai', 'o3'), false));
    expect(e).toMatchObject({ errorClass: 'bad_request', param: 'max_tokens', code: 'unsupported_parameter' });
  });
});
