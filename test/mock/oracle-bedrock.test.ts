/**
 * Oracle: the official `@aws-sdk/client-bedrock-runtime` accepts the mock's Converse answers and
 * its event-stream framing. The client keeps its default NodeHttp2Handler, so these calls run
 * over cleartext HTTP/2 (h2c); one test uses an HTTP/1.1 NodeHttpHandler on the same port.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ThrottlingException,
  ValidationException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer;
let client: BedrockRuntimeClient;
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' };
const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

beforeAll(async () => {
  mock = await startMockServer();
  client = new BedrockRuntimeClient({ endpoint: mock.baseURL('bedrock'), region: 'us-east-1', credentials, maxAttempts: 1 });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  client.destroy();
  await mock.close();
});

const messages = [{ role: 'user' as const, content: [{ text: 'Hello Bedrock' }] }];

it('ConverseCommand over h2c: text, stop reason, usage; the call log has the SigV4 scope', async () => {
  const out = await client.send(new ConverseCommand({ modelId, messages }));
  expect(out.output?.message?.content?.[0]?.text).toBe(`Mock reply from ${modelId}.`);
  expect(out.stopReason).toBe('end_turn');
  expect(out.usage).toMatchObject({ inputTokens: 4, outputTokens: 14, totalTokens: 18 });
  expect(mock.calls[0]).toMatchObject({
    dialect: 'bedrock',
    protocol: 'h2',
    model: modelId,
    path: `/model/${encodeURIComponent(modelId)}/converse`,
    aws: { scheme: 'sigv4', region: 'us-east-1', service: 'bedrock' },
  });
  expect(mock.calls[0]?.headers.authorization).toBe('[redacted]');
});

it('ConverseStreamCommand: every event decodes (CRCs checked by the SDK) and the text joins up', async () => {
  const out = await client.send(new ConverseStreamCommand({ modelId, messages }));
  const events: ConverseStreamOutput[] = [];
  for await (const event of out.stream!) events.push(event);
  expect(mock.calls[0]?.protocol).toBe('h2');
  const keys = events.map((event) => Object.keys(event).find((key) => key !== '$unknown'));
  expect(keys[0]).toBe('messageStart');
  expect(keys.slice(-2)).toEqual(['messageStop', 'metadata']);
  const text = events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
  expect(text).toBe(`Mock reply from ${modelId}.`);
  expect(events.find((event) => event.metadata)?.metadata?.usage?.outputTokens).toBe(14);
});

it('ConverseStreamCommand with reasoning and a tool call', async () => {
  const reply = { reasoning: 'Think.', text: 'Calling.', toolCalls: [{ name: 'lookup', arguments: { q: 'tracegate' } }], usage: { prompt_tokens: 10, cached_tokens: 4 } };
  const streaming = new BedrockRuntimeClient({ endpoint: mock.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  streaming.middlewareStack.add((next) => async (args) => {
    (args.request as { headers: Record<string, string> }).headers['x-mock-reply'] = JSON.stringify(reply);
    return next(args);
  }, { step: 'build' });
  const out = await streaming.send(new ConverseStreamCommand({ modelId, messages }));
  const events: ConverseStreamOutput[] = [];
  for await (const event of out.stream!) events.push(event);
  streaming.destroy();
  const reasoning = events.map((event) => event.contentBlockDelta?.delta?.reasoningContent?.text ?? '').join('');
  expect(reasoning).toBe('Think.');
  expect(events.some((event) => event.contentBlockDelta?.delta?.reasoningContent?.signature)).toBe(true);
  const start = events.find((event) => event.contentBlockStart)?.contentBlockStart;
  expect(start?.start?.toolUse?.name).toBe('lookup');
  const input = events.map((event) => event.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
  expect(JSON.parse(input)).toEqual({ q: 'tracegate' });
  expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('tool_use');
  expect(events.find((event) => event.metadata)?.metadata?.usage).toMatchObject({ inputTokens: 6, cacheReadInputTokens: 4 });
});

it('a 429 becomes ThrottlingException; a context overflow becomes ValidationException', async () => {
  mock.enqueue({ dialect: 'bedrock' }, { kind: 'rate_limit' }, { kind: 'context_window' });
  const throttled = await client.send(new ConverseCommand({ modelId, messages })).catch((err: unknown) => err);
  expect(throttled).toBeInstanceOf(ThrottlingException);
  expect((throttled as ThrottlingException).$metadata.httpStatusCode).toBe(429);
  const invalid = await client.send(new ConverseCommand({ modelId, messages })).catch((err: unknown) => err);
  expect(invalid).toBeInstanceOf(ValidationException);
  expect((invalid as Error).message).toBe('Input is too long for requested model.');
});

it('a throttlingException inside a 200 stream is thrown while iterating', async () => {
  mock.enqueue({ dialect: 'bedrock', stream: true }, { kind: 'stream_error', afterChunks: 2, errorType: 'throttlingException' });
  const out = await client.send(new ConverseStreamCommand({ modelId, messages }));
  const seen: ConverseStreamOutput[] = [];
  const error = await (async () => {
    for await (const event of out.stream!) seen.push(event);
  })().catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ThrottlingException);
  expect(seen).toHaveLength(2);
});

it('InvokeModel with a Titan embedding body', async () => {
  const out = await client.send(
    new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', body: JSON.stringify({ inputText: 'hello', dimensions: 256 }) }),
  );
  const body = JSON.parse(Buffer.from(out.body).toString('utf8')) as { embedding: number[]; inputTextTokenCount: number };
  expect(body.embedding).toHaveLength(256);
  expect(body.inputTextTokenCount).toBe(2);
  expect(mock.calls[0]).toMatchObject({ operation: 'embeddings', model: 'amazon.titan-embed-text-v2:0' });
});

it('the same port also serves the client over HTTP/1.1 (NodeHttpHandler)', async () => {
  const http1 = new BedrockRuntimeClient({ endpoint: mock.url, region: 'eu-west-1', credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  const out = await http1.send(new ConverseStreamCommand({ modelId, messages }));
  let text = '';
  for await (const event of out.stream!) text += event.contentBlockDelta?.delta?.text ?? '';
  http1.destroy();
  expect(text).toBe(`Mock reply from ${modelId}.`);
  expect(mock.calls[0]).toMatchObject({ protocol: 'http/1.1', aws: { region: 'eu-west-1', service: 'bedrock' } });
});
