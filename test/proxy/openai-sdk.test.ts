/** The official `openai` client pointed at the proxy in front of `tracegate mock`. */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEY_FAST, PROVIDER_KEY, startStack, type Stack } from './helpers.js';

let s: Stack;
let client: OpenAI;

beforeAll(async () => {
  s = await startStack({ rateLimits: { keys: {} } });
  client = s.client();
});
beforeEach(() => s.mock.reset());
afterAll(() => s.close());

const hi = [{ role: 'user' as const, content: 'Say hi' }];

describe('openai SDK through the proxy', () => {
  it('chat: the answer, usage, and x-tracegate headers', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'chat', messages: hi }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Mock reply from gpt-4o-mini.');
    expect(data.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 7, total_tokens: 9 });
    expect(response.headers.get('x-tracegate-attempts')).toBe('1');
    expect(response.headers.get('x-tracegate-fallback')).toBe('false');
    expect(response.headers.get('x-tracegate-deployment')).toBe('chat#0');
    expect(Number(response.headers.get('x-tracegate-cost-usd'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-tracegate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(s.mock.calls[0]).toMatchObject({ model: 'gpt-4o-mini', status: 200 });
    expect(s.mock.calls[0]?.headersPresent.authorization).toBe(true);
  });

  it('streaming with include_usage: content, finish, one usage chunk, [DONE]', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'chat', messages: hi, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-tracegate-deployment')).toBe('chat#0');
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Mock reply from gpt-4o-mini.');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBe(9);
    // As OpenAI sends it: `usage: null` on every other chunk.
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('streaming without include_usage: no usage field on any chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'chat', messages: hi, stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
  });

  it('tool calls, plain and streamed (the SDK helper assembles them)', async () => {
    const reply = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply }, { kind: 'ok', reply });
    const plain = await client.chat.completions.create({ model: 'chat', messages: hi, tools });
    const call = plain.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(plain.choices[0]?.finish_reason).toBe('tool_calls');
    const final = await client.chat.completions.stream({ model: 'chat', messages: hi, tools }).finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual({ city: 'Paris' });
  });

  it('embeddings: base64 (the SDK default) and float agree', async () => {
    const a = await client.embeddings.create({ model: 'embed', input: ['alpha', 'beta'], dimensions: 8 });
    const b = await client.embeddings.create({ model: 'embed', input: ['alpha', 'beta'], dimensions: 8, encoding_format: 'float' });
    expect(a.data).toHaveLength(2);
    expect(a.data[0]!.embedding).toHaveLength(8);
    expect(a.data[0]!.embedding).toEqual(b.data[0]!.embedding);
  });

  it('models: all aliases for an unrestricted key, only the allowed ones for a restricted key', async () => {
    const all = await client.models.list();
    expect(all.data.map((m) => m.id)).toEqual(['chat', 'chat-accurate', 'embed']);
    const fast = await s.client(KEY_FAST).models.list();
    expect(fast.data.map((m) => m.id)).toEqual(['chat']);
    expect((await client.models.retrieve('embed')).id).toBe('embed');
    await expect(s.client(KEY_FAST).models.retrieve('embed')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('SDK error classes', () => {
  it('400: schema error with the param path', async () => {
    const err = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'robot', content: 'x' } as never] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages[0].role');
    expect(s.mock.calls).toHaveLength(0);
  });

  it('401: no key and a wrong key', async () => {
    const none = await fetch(`${s.proxy.url}/v1/models`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
    const err = await s.client('sk-not-a-real-key-99').chat.completions.create({ model: 'chat', messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
  });

  it('403: an alias the key may not use; 404: an unknown alias', async () => {
    const denied = await s.client(KEY_FAST).chat.completions.create({ model: 'chat-accurate', messages: hi }).catch((e) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const unknown = await client.chat.completions.create({ model: 'nope', messages: hi }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.code).toBe('model_not_found');
    // A restricted key is not told which other aliases exist.
    const hidden = await s.client(KEY_FAST).chat.completions.create({ model: 'nope', messages: hi }).catch((e) => e);
    expect(hidden).toBeInstanceOf(OpenAI.NotFoundError);
    expect(hidden.message).not.toContain('chat-accurate');
    expect(s.mock.calls).toHaveLength(0);
  });

  it('429 from upstream: RateLimitError with retry-after', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'rate_limit', retryAfterSeconds: 7 });
    const err = await client.chat.completions.create({ model: 'chat', messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get('retry-after')).toBe('7');
    expect(err.headers.get('retry-after-ms')).toBe('7000');
    // An error answer says what the call did, like a success does.
    expect(err.headers.get('x-tracegate-attempts')).toBe('1');
    expect(err.headers.get('x-tracegate-fallback')).toBe('false');
    expect(Number(err.headers.get('x-tracegate-overhead-ms'))).toBeGreaterThanOrEqual(0);
  });

  it('5xx from upstream: InternalServerError; the provider key is not in the error', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503, message: `upstream echoed ${PROVIDER_KEY}` });
    const err = await client.chat.completions.create({ model: 'chat', messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(503);
    expect(JSON.stringify(err.error) + err.message).not.toContain(PROVIDER_KEY);
  });

  it('an upstream 401 (the proxy\'s provider key) is a 502, not the client\'s fault', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'auth' });
    const err = await client.chat.completions.create({ model: 'chat', messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.type).toBe('upstream_error');
  });

  it('an error after the first chunk surfaces in the SDK stream as an APIError', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'stream_error', afterChunks: 3, message: 'model melted' });
    const stream = await client.chat.completions.create({ model: 'chat', messages: hi, stream: true });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e) => e);
    expect(got.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toMatch(/stream interrupted after \d+ chunk/);
    expect(err.code).toBe('stream_interrupted');
  });
});
