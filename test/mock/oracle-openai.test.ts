/** Oracle: the official `openai` SDK (OpenAI and AzureOpenAI clients) accepts the mock's answers. */
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockServer();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: mock.baseURL('openai'), maxRetries: 0, timeout: 5_000 });
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

describe('openai SDK', () => {
  it('chat.completions.create returns the deterministic reply and usage', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Mock reply from gpt-4o-mini.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 7, total_tokens: 9 });
    expect(mock.calls[0]).toMatchObject({ dialect: 'openai', operation: 'chat', model: 'gpt-4o-mini', stream: false, status: 200 });
    expect(mock.calls[0]?.headersPresent.authorization).toBe(true);
    expect(mock.calls[0]?.headers.authorization).toBe('[redacted]');
  });

  it('streams with include_usage: content pieces, a usage-only final chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Mock reply from gpt-4o-mini.');
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(7);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
  });

  it('streams tool calls that the SDK stream helper assembles', async () => {
    const reply = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] };
    const runner = client.chat.completions.stream(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] },
      { headers: { 'x-mock-reply': JSON.stringify(reply) } },
    );
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', days: 3 });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('embeddings: SDK default (base64) decodes to the same vector as float, dimensions honoured', async () => {
    const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 8 });
    const viaFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 8, encoding_format: 'float' });
    expect(mock.calls[0]?.body).toMatchObject({ encoding_format: 'base64' });
    expect(viaBase64.data).toHaveLength(2);
    expect(viaBase64.data[0]?.embedding).toHaveLength(8);
    expect(viaBase64.data[0]?.embedding).toEqual(viaFloat.data[0]?.embedding);
    expect(viaFloat.data[0]?.embedding).not.toEqual(viaFloat.data[1]?.embedding);
    const norm = Math.hypot(...(viaFloat.data[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('models.list', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain('gpt-4o-mini');
  });

  it('a 429 surfaces as RateLimitError with the status and the retry-after header', async () => {
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'rate_limit', retryAfterSeconds: 7 });
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
  });

  it('a 500 is InternalServerError, a context overflow is BadRequestError with its code', async () => {
    mock.enqueue({}, { kind: 'server_error' }, { kind: 'context_window' });
    const first = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(OpenAI.InternalServerError);
    const second = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(OpenAI.BadRequestError);
    expect((second as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
  });

  it('a stream_error mid-stream is thrown by the SDK iterator as APIError', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true },
      { headers: { 'x-mock-fault': 'stream_error:afterChunks=2' } },
    );
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(seen).toHaveLength(2);
  });

  it('a missing key is an AuthenticationError (401)', async () => {
    const keyless = new OpenAI({ apiKey: 'unused', baseURL: mock.baseURL('openai'), maxRetries: 0, defaultHeaders: { authorization: null } });
    const error = await keyless.models.list().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(mock.calls[0]?.headersPresent.auth).toBe(false);
  });
});

describe('AzureOpenAI client', () => {
  it('calls the deployment path with api-version and api-key; the model is the deployment', async () => {
    const azure = new AzureOpenAI({ endpoint: mock.baseURL('azure'), apiKey: 'azure-key', apiVersion: '2024-10-21', deployment: 'my-gpt4o', maxRetries: 0 });
    const completion = await azure.chat.completions.create({ model: 'ignored-by-azure', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.model).toBe('my-gpt4o');
    expect(completion.choices[0]?.message.content).toBe('Mock reply from my-gpt4o.');
    expect(mock.calls[0]).toMatchObject({ dialect: 'azure', path: '/openai/deployments/my-gpt4o/chat/completions', query: { 'api-version': '2024-10-21' } });
    expect(mock.calls[0]?.headersPresent['api-key']).toBe(true);

    const stream = await azure.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Mock reply from my-gpt4o.');

    const embeddings = await azure.embeddings.create({ model: 'x', input: 'hello', dimensions: 4 });
    expect(embeddings.data[0]?.embedding).toHaveLength(4);
  });

  it('a content filter error arrives in the Azure shape', async () => {
    const azure = new AzureOpenAI({ endpoint: mock.baseURL('azure'), apiKey: 'azure-key', apiVersion: '2024-10-21', deployment: 'dep', maxRetries: 0 });
    mock.enqueue({ dialect: 'azure' }, { kind: 'content_policy' });
    const error = (await azure.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'bad' }] }).catch((err: unknown) => err)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe('content_filter');
    expect((error.error as { innererror?: { content_filter_result?: { violence?: { filtered: boolean } } } }).innererror?.content_filter_result?.violence?.filtered).toBe(true);
  });
});
