/**
 * The official `openai` client's Responses API (`client.responses.*`) against the proxy, with
 * an OpenAI, an Anthropic and a Gemini deployment behind the alias (the mock, over real HTTP):
 * plain, streamed, a function tool round trip, `previous_response_id` (with retrieve and
 * delete, scoped per key), `text.format` JSON schema, the tool policy, and errors.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEY_ALL, KEY_FAST, startStack, type Stack } from '../proxy/helpers.js';
import { FAMILIES, ingressModels } from './helpers.js';

const KEY_OTHER = 'sk-client-other-0000003';
let s: Stack;
let client: OpenAI;

beforeAll(async () => {
  s = await startStack((mock) => ({
    models: [...ingressModels(mock), { name: 'strict', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-provider-SECRET-7f3a9c', baseURL: mock.baseURL('openai'), strictTools: true }],
    keys: [
      { id: 'all', key: KEY_ALL },
      { id: 'other', key: KEY_OTHER },
      { id: 'fast', key: KEY_FAST, models: ['via-openai'] },
    ],
    modelAliases: { 'gpt-5': 'via-openai' },
  }));
  client = s.client();
});
beforeEach(() => s.mock.reset());
afterAll(() => s.close());

const ALIASES = ['via-openai', 'via-anthropic', 'via-gemini'] as const;
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe.each(ALIASES)('responses through %s', (alias) => {
  const upstream = FAMILIES[alias].model;

  it('plain: output_text, usage, status, headers; instructions and developer messages reach the provider', async () => {
    const { data, response } = await client.responses
      .create({
        model: alias,
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Answer in English.' },
          { role: 'user', content: [{ type: 'input_text', text: 'Say hi' }] },
        ],
        max_output_tokens: 200,
        temperature: 0.5,
        metadata: { ticket: 't-1' },
        store: false,
        include: ['reasoning.encrypted_content'],
        prompt_cache_key: 'pc-1',
      })
      .withResponse();
    expect(data.object).toBe('response');
    expect(data.id).toMatch(/^resp_/);
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe(`Mock reply from ${upstream}.`);
    const message = data.output.find((o) => o.type === 'message');
    expect(message?.type === 'message' && message.content[0]?.type).toBe('output_text');
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.output_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe(data.usage!.input_tokens + data.usage!.output_tokens);
    expect(data.usage?.input_tokens_details.cached_tokens).toBe(0);
    expect(data.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThanOrEqual(0);
    expect(data.metadata).toEqual({ ticket: 't-1' });
    expect(data.instructions).toBe('Be brief.');
    expect(response.headers.get('x-tracegate-deployment')).toBe(`${alias}#0`);
    expect(response.headers.get('x-tracegate-attempts')).toBe('1');
    const sent = JSON.stringify(s.mock.calls[0]?.body);
    expect(sent).toContain('Be brief.');
    expect(sent).toContain('Answer in English.');
    expect(sent).toContain('Say hi');
    expect(sent).not.toContain('pc-1');
  });

  it('streamed: the real event sequence with sequence numbers, and the final response', async () => {
    const stream = await client.responses.create({ model: alias, input: 'Say hi', stream: true });
    const events = [];
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.filter((t) => t === 'response.output_text.delta').length).toBeGreaterThan(0);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(deltas).toBe(`Mock reply from ${upstream}.`);
    const done = events.at(-1);
    expect(done?.type === 'response.completed' && done.response.usage?.total_tokens).toBeGreaterThan(0);

    const helper = client.responses.stream({ model: alias, input: 'Say hi' });
    const final = await helper.finalResponse();
    expect(final.output_text).toBe(`Mock reply from ${upstream}.`);
    expect(final.status).toBe('completed');
  });

  it('function tool round trip (plain, then streamed)', async () => {
    const reply = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply }, { kind: 'ok', reply: { text: 'It is 20 degrees in Paris.' } });
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.responses.create({ model: alias, input, tools: [weatherTool], tool_choice: 'auto' });
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && call.name).toBe('get_weather');
    if (call?.type !== 'function_call') throw new Error('no function call');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    expect(call.call_id).toBeTruthy();
    const second = await client.responses.create({
      model: alias,
      input: [...input, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":20}' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe('It is 20 degrees in Paris.');
    const sent = JSON.stringify(s.mock.calls[1]?.body);
    expect(sent).toContain('temp_c');
    expect(sent).toContain('get_weather');

    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply });
    const events = [];
    const stream = await client.responses.create({ model: alias, input, tools: [weatherTool], stream: true });
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types).toContain('response.function_call_arguments.done');
    const added = events.find((e) => e.type === 'response.output_item.added');
    expect(added?.type === 'response.output_item.added' && added.item.type).toBe('function_call');
    const argsDone = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(argsDone?.type === 'response.function_call_arguments.done' && JSON.parse(argsDone.arguments)).toEqual({ city: 'Paris' });
  });

  it('previous_response_id continues the conversation; retrieve and delete are scoped to the key', async () => {
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply: { text: 'The secret word is PLUM.' } }, { kind: 'ok', reply: { text: 'It was PLUM.' } });
    const first = await client.responses.create({ model: alias, input: 'Remember a secret word.', instructions: 'First instructions.' });
    const second = await client.responses.create({ model: alias, input: 'What was it?', previous_response_id: first.id });
    expect(second.output_text).toBe('It was PLUM.');
    expect(second.previous_response_id).toBe(first.id);
    const sent = JSON.stringify(s.mock.calls[1]?.body);
    expect(sent).toContain('Remember a secret word.');
    expect(sent).toContain('The secret word is PLUM.');
    expect(sent).not.toContain('First instructions.');

    const got = await client.responses.retrieve(first.id);
    expect(got.id).toBe(first.id);
    expect(got.output_text).toBe('The secret word is PLUM.');
    const other = s.client(KEY_OTHER);
    await expect(other.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
    await expect(other.responses.create({ model: alias, input: 'x', previous_response_id: first.id })).rejects.toMatchObject({ status: 404, param: 'previous_response_id' });
    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a streamed response is stored too (previous_response_id after a stream)', async () => {
    const stream = client.responses.stream({ model: alias, input: 'Count to three.' });
    const first = await stream.finalResponse();
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply: { text: 'Done.' } });
    const second = await client.responses.create({ model: alias, input: 'Again', previous_response_id: first.id });
    expect(second.output_text).toBe('Done.');
    expect(JSON.stringify(s.mock.calls.at(-1)?.body)).toContain('Count to three.');
  });

  it('text.format json_schema reaches the provider and the JSON comes back', async () => {
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply: { text: '{"city":"Paris","temp_c":20}' } });
    const schema = { type: 'object', properties: { city: { type: 'string' }, temp_c: { type: 'number' } }, required: ['city', 'temp_c'], additionalProperties: false };
    const res = await client.responses.create({
      model: alias,
      input: 'Weather as JSON',
      text: { format: { type: 'json_schema', name: 'weather', schema, strict: true } },
    });
    expect(JSON.parse(res.output_text)).toEqual({ city: 'Paris', temp_c: 20 });
    expect(res.text?.format?.type).toBe('json_schema');
    expect(JSON.stringify(s.mock.calls[0]?.body)).toContain('temp_c');
  });
});

describe('responses: policy and errors', () => {
  it('web search becomes Anthropic\'s server tool on an Anthropic alias; the namespace tool is dropped with a header naming it', async () => {
    const webSearch = { type: 'web_search' as const, user_location: { type: 'approximate' as const, city: 'Paris', country: 'FR' } };
    const { data, response } = await client.responses
      .create({ model: 'via-anthropic', input: 'Search the web', tools: [weatherTool, webSearch, { type: 'namespace', name: 'shell', tools: [] } as never] })
      .withResponse();
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-tracegate-dropped-tools')).toBe('namespace:shell');
    const tools = (s.mock.calls[0]?.body as { tools: Record<string, unknown>[] }).tools;
    expect(tools.map((t) => t.name)).toEqual(['get_weather', 'web_search']);
    expect(tools[1]).toEqual({ type: 'web_search_20250305', name: 'web_search', user_location: { type: 'approximate', city: 'Paris', country: 'FR' } });
  });

  it('on other providers hosted tools are dropped with a header naming them; function tools still go', async () => {
    const { data, response } = await client.responses
      .create({ model: 'via-gemini', input: 'Search the web', tools: [weatherTool, { type: 'web_search' }, { type: 'namespace', name: 'shell', tools: [] } as never] })
      .withResponse();
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-tracegate-dropped-tools')).toBe('web_search, namespace:shell');
    const sent = JSON.stringify(s.mock.calls[0]?.body);
    expect(sent).toContain('get_weather');
    expect(sent).not.toContain('web_search');
  });

  it('strictTools: a hosted tool is a 400 naming it', async () => {
    const err = await client.responses.create({ model: 'strict', input: 'x', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('code_interpreter');
    expect(err.param).toBe('tools[0]');
    expect(s.mock.calls).toHaveLength(0);
  });

  it('modelAliases maps a client model name to an alias', async () => {
    const res = await client.responses.create({ model: 'gpt-5', input: 'Say hi' });
    expect(res.output_text).toBe('Mock reply from gpt-4o-mini.');
  });

  it('errors are OpenAI-shaped: bad input, unknown model, a key that may not use the alias', async () => {
    const bad = await client.responses.create({ model: 'via-openai', input: [{ type: 'bogus' } as never] }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.param).toBe('input[0].type');
    const unknown = await client.responses.create({ model: 'nope', input: 'x' }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    const denied = await s.client(KEY_FAST).responses.create({ model: 'via-anthropic', input: 'x' }).catch((e) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const noKey = await s.client('sk-wrong-key-000000').responses.create({ model: 'via-openai', input: 'x' }).catch((e) => e);
    expect(noKey).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('an upstream failure before the first event is an HTTP error; a length stop is status incomplete', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'bad_request' });
    const err = await client.responses.create({ model: 'via-openai', input: 'x', stream: true }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: 'cut', finishReason: 'length' } });
    const res = await client.responses.create({ model: 'via-openai', input: 'x' });
    expect(res.status).toBe('incomplete');
    expect(res.incomplete_details?.reason).toBe('max_output_tokens');
  });
});
