/** Oracle: the official `@anthropic-ai/sdk` accepts the mock's messages and streams. */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockServer();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.baseURL('anthropic'), maxRetries: 0, timeout: 5_000 });
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

// claude-haiku-4-5, not a model the SDK lists as deprecated (it would print a deprecation warning per call).
const params = { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user' as const, content: 'Hello Claude' }] };

it('messages.create returns a message with text, stop_reason and usage', async () => {
  const message = await client.messages.create(params);
  expect(message.content).toEqual([{ type: 'text', text: 'Mock reply from claude-haiku-4-5.' }]);
  expect(message.stop_reason).toBe('end_turn');
  expect(message.usage.input_tokens).toBe(3);
  expect(message.usage.output_tokens).toBe(9);
  expect(mock.calls[0]).toMatchObject({ dialect: 'anthropic', model: 'claude-haiku-4-5', status: 200 });
  // @anthropic-ai/sdk 1.x sends the key as `Authorization: Bearer`; the mock accepts it and x-api-key.
  expect(mock.calls[0]?.headersPresent.auth).toBe(true);
  expect(mock.calls[0]?.headers.authorization).toBe('[redacted]');
  expect(mock.calls[0]?.headers['anthropic-version']).toBeTruthy();
});

it('maps reasoning, tool calls, cache usage and length to native fields', async () => {
  const reply = {
    text: 'Checking.',
    reasoning: 'The user wants weather.',
    toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
    usage: { prompt_tokens: 100, cached_tokens: 60, cache_creation_tokens: 10, completion_tokens: 20 },
    finishReason: 'length',
  };
  const message = await client.messages.create(params, { headers: { 'x-mock-reply': JSON.stringify(reply) } });
  expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
  const toolUse = message.content[2];
  expect(toolUse?.type === 'tool_use' && toolUse.input).toEqual({ city: 'Oslo' });
  expect(message.stop_reason).toBe('max_tokens');
  expect(message.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 60, cache_creation_input_tokens: 10, output_tokens: 20 });
});

it('stream: finalMessage() assembles thinking, text and tool_use from the events', async () => {
  const reply = { text: 'Let me look that up for you.', reasoning: 'Need the tool.', toolCalls: [{ name: 'lookup', arguments: { q: 'tracegate', n: 2 } }] };
  const stream = client.messages.stream(params, { headers: { 'x-mock-reply': JSON.stringify(reply) } });
  const types: string[] = [];
  stream.on('streamEvent', (event) => types.push(event.type));
  const message = await stream.finalMessage();
  expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Need the tool.' });
  expect((message.content[0] as { signature?: string }).signature).toBeTruthy();
  expect(message.content[1]).toMatchObject({ type: 'text', text: 'Let me look that up for you.' });
  expect(message.content[2]).toMatchObject({ type: 'tool_use', name: 'lookup', input: { q: 'tracegate', n: 2 } });
  expect(message.stop_reason).toBe('tool_use');
  expect(types[0]).toBe('message_start');
  expect(types).toContain('content_block_delta');
  expect(types[types.length - 1]).toBe('message_stop');
});

it('stream: create({ stream: true }) yields the raw events in order', async () => {
  const stream = await client.messages.create({ ...params, stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  const text = events.map((event) => (event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '')).join('');
  expect(text).toBe('Mock reply from claude-haiku-4-5.');
  expect(events.map((event) => event.type)).toEqual([
    'message_start',
    'content_block_start',
    ...Array(text.split(' ').length).fill('content_block_delta'),
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
});

it('overloaded is a 529 APIError with overloaded_error; a 429 is RateLimitError', async () => {
  mock.enqueue({}, { kind: 'overloaded' }, { kind: 'rate_limit', retryAfterSeconds: 2 });
  const overloaded = (await client.messages.create(params).catch((err: unknown) => err)) as InstanceType<typeof Anthropic.APIError>;
  expect(overloaded).toBeInstanceOf(Anthropic.APIError);
  expect(overloaded.status).toBe(529);
  expect((overloaded.error as { error?: { type?: string } }).error?.type).toBe('overloaded_error');
  const limited = (await client.messages.create(params).catch((err: unknown) => err)) as InstanceType<typeof Anthropic.RateLimitError>;
  expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
  expect(limited.headers?.get('retry-after')).toBe('2');
});

it('an error event inside a 200 stream is thrown by the SDK', async () => {
  const stream = client.messages.stream(params, { headers: { 'x-mock-fault': '{"kind":"stream_error","afterChunks":3}' } });
  const error = await stream.finalMessage().catch((err: unknown) => err);
  expect(error).toBeInstanceOf(Anthropic.APIError);
  expect(String((error as Error).message)).toContain('overloaded_error');
});

it('a missing anthropic-version header is a 400 invalid_request_error', async () => {
  const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(params) });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
});
