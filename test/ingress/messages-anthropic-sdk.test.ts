/**
 * The official `@anthropic-ai/sdk` against the proxy's `/v1/messages`, with an OpenAI, a Bedrock
 * (and an Anthropic and a Gemini) deployment behind the alias, through the mock over real HTTP:
 * plain, streamed (checked with the SDK's own accumulator, `stream.finalMessage()`), tools with
 * a round trip, extended thinking, count_tokens, model name mapping, and Anthropic-shaped errors.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSse } from '../helpers/sse.js';
import { KEY_ALL, KEY_FAST, raw, startStack, type Stack } from '../proxy/helpers.js';
import { FAMILIES, ingressModels } from './helpers.js';

let s: Stack;
let client: Anthropic;

function anthropic(key: string, auth: 'x-api-key' | 'bearer' = 'x-api-key'): Anthropic {
  const base = { baseURL: s.proxy.url, maxRetries: 0, timeout: 10_000 };
  return auth === 'bearer' ? new Anthropic({ ...base, apiKey: null, authToken: key }) : new Anthropic({ ...base, apiKey: key });
}

beforeAll(async () => {
  s = await startStack((mock) => ({
    models: [...ingressModels(mock), { name: 'strict', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-provider-SECRET-7f3a9c', baseURL: mock.baseURL('openai'), strictTools: true }],
    keys: [
      { id: 'all', key: KEY_ALL },
      { id: 'fast', key: KEY_FAST, models: ['via-openai'] },
    ],
    modelAliases: { 'claude-opus-4-7': 'via-bedrock', '*': 'via-openai' },
  }));
  client = anthropic(KEY_ALL);
});
beforeEach(() => s.mock.reset());
afterAll(() => s.close());

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each(['via-openai', 'via-bedrock', 'via-anthropic', 'via-gemini'] as const)('messages through %s', (alias) => {
  const upstream = FAMILIES[alias].model;

  it('plain: text, stop_reason, usage, the model name sent, headers; system reaches the provider', async () => {
    const { data, response } = await client.messages
      .create({ model: alias, max_tokens: 256, system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: 'Say hi' }], metadata: { user_id: 'u-42' } })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.id).toMatch(/^msg_/);
    expect(data.role).toBe('assistant');
    expect(data.model).toBe(alias);
    expect(data.content).toEqual([{ type: 'text', text: `Mock reply from ${upstream}.` }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-tracegate-deployment')).toBe(`${alias}#0`);
    const sent = JSON.stringify(s.mock.calls[0]?.body);
    expect(sent).toContain('Be brief.');
    expect(sent).toContain('Say hi');
  });

  it('streamed: finalMessage() from the SDK accumulator equals the plain answer', async () => {
    const stream = client.messages.stream({ model: alias, max_tokens: 256, messages: [{ role: 'user', content: 'Say hi' }] });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: `Mock reply from ${upstream}.` }]);
    expect(texts.join('')).toBe(`Mock reply from ${upstream}.`);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
  });

  it('tools: tool_use (plain and streamed), then a tool_result round trip', async () => {
    const reply = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply }, { kind: 'ok', reply }, { kind: 'ok', reply: { text: 'It is 20 degrees.' } });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.messages.create({ model: alias, max_tokens: 256, messages, tools: [weather], tool_choice: { type: 'auto' } });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' && use.input).toEqual({ city: 'Paris' });
    expect(use?.type === 'tool_use' && use.name).toBe('get_weather');

    const streamed = await client.messages.stream({ model: alias, max_tokens: 256, messages, tools: [weather] }).finalMessage();
    const sUse = streamed.content.find((b) => b.type === 'tool_use');
    expect(sUse?.type === 'tool_use' && sUse.input).toEqual({ city: 'Paris' });
    expect(streamed.stop_reason).toBe('tool_use');

    if (use?.type !== 'tool_use') throw new Error('no tool use');
    const done = await client.messages.create({
      model: alias,
      max_tokens: 256,
      tools: [weather],
      messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"temp_c":20}' }] }],
    });
    expect(done.content).toEqual([{ type: 'text', text: 'It is 20 degrees.' }]);
    const sent = JSON.stringify(s.mock.calls[2]?.body);
    expect(sent).toContain('temp_c');
  });

  it('thinking: the reasoning comes back as a thinking block (plain and streamed)', async () => {
    const reply = { reasoning: 'The user greets me.', text: 'Hello!' };
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply }, { kind: 'ok', reply });
    const params = { model: alias, max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const plain = await client.messages.create(params);
    const streamed = await client.messages.stream(params).finalMessage();
    for (const m of [plain, streamed]) {
      const text = m.content.find((b) => b.type === 'text');
      expect(text?.type === 'text' && text.text).toBe('Hello!');
      const thinking = m.content.find((b) => b.type === 'thinking');
      // OpenAI chat models do not return their reasoning text; the others do.
      if (alias === 'via-openai') continue;
      expect(thinking?.type === 'thinking' && thinking.thinking).toBe('The user greets me.');
      expect(m.content[0]?.type).toBe('thinking');
    }
    expect(JSON.stringify(s.mock.calls[0]?.body)).toMatch(/reasoning|thinking|Thinking/);
  });
});

describe('messages: wire, mapping, policy, errors', () => {
  it('the SSE events in Anthropic order, event names matching the payload types', async () => {
    const r = await raw(`${s.proxy.url}/v1/messages`, {
      headers: { 'x-api-key': KEY_ALL, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'via-openai', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(r.status).toBe(200);
    const events = parseSse(r.text);
    const types = events.map((e) => JSON.parse(e.data).type);
    expect(events.map((e) => e.event)).toEqual(types);
    expect(types.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(0);
  });

  it('Authorization: Bearer works as well as x-api-key; modelAliases maps client names (and "*")', async () => {
    const bearer = await anthropic(KEY_ALL, 'bearer').messages.create({ model: 'claude-opus-4-7', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    expect(bearer.model).toBe('claude-opus-4-7');
    expect(bearer.content).toEqual([{ type: 'text', text: `Mock reply from ${FAMILIES['via-bedrock'].model}.` }]);
    const any = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    expect(any.content).toEqual([{ type: 'text', text: 'Mock reply from gpt-4o-mini.' }]);
  });

  it('count_tokens: an estimate of the translated request, more for a longer prompt', async () => {
    const short = await client.messages.countTokens({ model: 'via-anthropic', messages: [{ role: 'user', content: 'Hi' }] });
    const long = await client.messages.countTokens({ model: 'via-anthropic', system: 'x'.repeat(400), messages: [{ role: 'user', content: 'Hi' }], tools: [weather] });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 90);
    expect(s.mock.calls).toHaveLength(0);
  });

  it('server tools are dropped with a header; strictTools refuses them with a 400 naming the tool', async () => {
    const { response } = await client.messages
      .create({ model: 'via-openai', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], tools: [weather, { type: 'web_search_20250305', name: 'web_search' }] })
      .withResponse();
    expect(response.headers.get('x-tracegate-dropped-tools')).toBe('web_search_20250305:web_search');
    // On an Anthropic alias web search is kept (as Anthropic's server tool).
    s.mock.reset();
    const kept = await client.messages
      .create({ model: 'via-anthropic', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] })
      .withResponse();
    expect(kept.response.headers.get('x-tracegate-dropped-tools')).toBeNull();
    expect((s.mock.calls[0]?.body as { tools: unknown[] }).tools).toEqual([{ type: 'web_search_20250305', name: 'web_search' }]);
    const err = await client.messages
      .create({ model: 'strict', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'bash_20250124', name: 'bash' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(err.error.error.message).toContain('bash_20250124');
  });

  it('errors in Anthropic shape: bad key, alias not allowed, unknown model, invalid body, upstream failure', async () => {
    const bad = await anthropic('sk-wrong-key-000000').messages.create({ model: 'via-openai', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(bad.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const denied = await anthropic(KEY_FAST).messages.create({ model: 'via-bedrock', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(denied).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(denied.error.error.type).toBe('permission_error');
    const invalid = await client.messages.create({ model: 'via-openai', messages: [{ role: 'user', content: 'x' }] } as never).catch((e) => e);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect(invalid.error.error.message).toContain('max_tokens');
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'rate_limit', retryAfterMs: 1000 });
    const limited = await client.messages.create({ model: 'via-openai', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.error.error.type).toBe('rate_limit_error');
  });

  it('an error after the first event is an Anthropic error event; the SDK raises it', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'stream_error', afterChunks: 2 });
    const err = await client.messages.stream({ model: 'via-openai', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
  });
});
