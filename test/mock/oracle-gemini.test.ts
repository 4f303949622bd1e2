/** Oracle: the official `@google/genai` SDK accepts the mock's Gemini answers and streams. */
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer;
let ai: GoogleGenAI;

beforeAll(async () => {
  mock = await startMockServer();
  ai = new GoogleGenAI({ apiKey: 'goog-test-key', httpOptions: { baseUrl: mock.baseURL('gemini') } });
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

it('generateContent: text, finish reason and usage metadata', async () => {
  const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello Gemini' });
  expect(response.text).toBe('Mock reply from gemini-2.5-flash.');
  expect(response.candidates?.[0]?.finishReason).toBe('STOP');
  expect(response.usageMetadata).toMatchObject({ promptTokenCount: 3, candidatesTokenCount: 9, totalTokenCount: 12 });
  expect(response.modelVersion).toBe('gemini-2.5-flash');
  expect(mock.calls[0]).toMatchObject({ dialect: 'gemini', operation: 'chat', path: '/v1beta/models/gemini-2.5-flash:generateContent', stream: false });
  expect(mock.calls[0]?.headersPresent['x-goog-api-key']).toBe(true);
  expect(mock.calls[0]?.headers['x-goog-api-key']).toBe('[redacted]');
});

it('generateContent: thought parts, function calls, cached and thinking tokens', async () => {
  const reply = { reasoning: 'Think first.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }], usage: { prompt_tokens: 50, cached_tokens: 20, completion_tokens: 30, reasoning_tokens: 10 } };
  const response = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Weather?', config: { httpOptions: { headers: { 'x-mock-reply': JSON.stringify(reply) } } } });
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  expect(parts[0]).toMatchObject({ text: 'Think first.', thought: true });
  expect(response.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Rome' } }]);
  expect(response.usageMetadata).toMatchObject({ promptTokenCount: 50, cachedContentTokenCount: 20, thoughtsTokenCount: 10, candidatesTokenCount: 20, totalTokenCount: 80 });
});

it('generateContentStream: every SSE chunk parses, text joins up, the last chunk finishes', async () => {
  const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Stream please' });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunks.length).toBe(4);
  expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('Mock reply from gemini-2.5-flash.');
  expect(chunks[chunks.length - 1]?.candidates?.[0]?.finishReason).toBe('STOP');
  expect(mock.calls[0]).toMatchObject({ stream: true, query: { alt: 'sse' } });
});

it('embedContent (batchEmbedContents on the wire) honours outputDimensionality', async () => {
  const response = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 16 } });
  expect(response.embeddings).toHaveLength(2);
  expect(response.embeddings?.[0]?.values).toHaveLength(16);
  expect(response.embeddings?.[0]?.values).not.toEqual(response.embeddings?.[1]?.values);
  expect(mock.calls[0]).toMatchObject({ operation: 'embeddings', path: '/v1beta/models/gemini-embedding-001:batchEmbedContents' });
});

it('a 429 is an ApiError with status 429 and a RetryInfo detail', async () => {
  mock.enqueue({ dialect: 'gemini' }, { kind: 'rate_limit', retryAfterSeconds: 12 });
  const error = (await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((err: unknown) => err)) as ApiError;
  expect(error).toBeInstanceOf(ApiError);
  expect(error.status).toBe(429);
  expect(error.message).toContain('RESOURCE_EXHAUSTED');
  expect(error.message).toContain('"retryDelay":"12s"');
});

it('an error chunk inside the stream is thrown by the SDK', async () => {
  const stream = await ai.models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'x',
    config: { httpOptions: { headers: { 'x-mock-fault': 'stream_error:afterChunks=1' } } },
  });
  const texts: string[] = [];
  const error = await (async () => {
    for await (const chunk of stream) texts.push(chunk.text ?? '');
  })().catch((err: unknown) => err);
  expect(error).toBeInstanceOf(Error);
  expect(String((error as Error).message)).toContain('INTERNAL');
  expect(texts).toEqual(['Mock']);
});
