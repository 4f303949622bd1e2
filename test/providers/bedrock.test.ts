import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEventStreamMessage } from '../helpers/eventstream.js';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { getProvider } from '../../src/providers/registry.js';
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
  randomSplits,
  splitAt,
  streamCompletion,
  wireBytes,
} from './helpers.js';
import { expectedFor } from './expectations.js';

const adapter = getProvider('bedrock');
const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const creds = { region: 'us-east-1', accessKeyId: 'AKIDTESTEXAMPLE', secretAccessKey: 'secret-test-key-abcdef' };
const d = deployment('bedrock', CLAUDE, { apiKey: undefined, options: creds, secrets: [creds.accessKeyId, creds.secretAccessKey] });
const tool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

afterEach(() => vi.unstubAllEnvs());

describe('bedrock request encoding and signing', () => {
  it('signs a Converse request; the model id is URL-encoded in the path', async () => {
    const { spec, body } = await encode(adapter, d, {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0,
      top_p: 0.9,
      max_tokens: 100,
      stop: 'END',
    });
    expect(spec.url).toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    expect(spec.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(spec.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 100, temperature: 0, topP: 0.9, stopSequences: ['END'] },
    });
  });

  it('uses converse-stream with the event-stream accept header, a custom baseURL, env credentials or a bearer API key', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret-abcdef');
    vi.stubEnv('AWS_SESSION_TOKEN', 'env-session-token');
    vi.stubEnv('AWS_REGION', 'eu-west-3');
    const envD = deployment('bedrock', 'amazon.nova-lite-v1:0', { apiKey: undefined, baseURL: 'http://127.0.0.1:4010/' });
    const { spec } = await encode(adapter, envD, {}, true);
    expect(spec.url).toBe('http://127.0.0.1:4010/model/amazon.nova-lite-v1%3A0/converse-stream');
    expect(spec.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(spec.headers.authorization).toContain('Credential=AKIDFROMENV/');
    expect(spec.headers.authorization).toContain('/eu-west-3/bedrock/aws4_request');
    expect(spec.headers['x-amz-security-token']).toBe('env-session-token');
    const bearer = await encode(adapter, deployment('bedrock', 'amazon.nova-lite-v1:0', { apiKey: 'bedrock-api-key-123', options: { region: 'us-west-2' } }), {});
    expect(bearer.spec.headers.authorization).toBe('Bearer bedrock-api-key-123');
    expect(bearer.spec.headers['x-amz-date']).toBeUndefined();
  });

  it('without credentials or region the entry is rejected at configuration time', () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', '');
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    expect(() => adapter.validateDeployment!(deployment('bedrock', 'x', { apiKey: undefined }))).toThrow(expect.objectContaining({ errorClass: 'config' }));
    expect(() => adapter.validateDeployment!(deployment('bedrock', 'x', { apiKey: undefined, options: { accessKeyId: 'a', secretAccessKey: 'b' } }))).toThrow(
      expect.objectContaining({ errorClass: 'config' }),
    );
    expect(() => adapter.validateDeployment!(d)).not.toThrow();
  });

  it('maps multi-turn tool use: toolUse, merged toolResult turns first, toolConfig and toolChoice', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking',
          tool_calls: [
            { id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'tooluse_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: '18C' },
        { role: 'tool', tool_call_id: 'tooluse_2', content: '25C' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [tool],
      tool_choice: 'required',
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { text: 'Checking' },
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18C' }] } }, { toolResult: { toolUseId: 'tooluse_2', content: [{ text: '25C' }] } }, { text: 'Thanks' }],
      },
    ]);
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: tool.function.parameters } } }], toolChoice: { any: {} } });
    expect((await encode(adapter, d, { tools: [tool], tool_choice: 'auto' })).body.toolConfig.toolChoice).toEqual({ auto: {} });
    expect((await encode(adapter, d, { tools: [tool], tool_choice: { type: 'function', function: { name: 'get_weather' } } })).body.toolConfig.toolChoice).toEqual({
      tool: { name: 'get_weather' },
    });
    expect((await encode(adapter, d, { tools: [tool], tool_choice: 'none' })).body.toolConfig).toBeUndefined();
  });

  it('declares tools used in the history when the request has none (Converse requires a toolConfig then)', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'y' },
      ],
    });
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] });
  });

  it('maps data-URL images to bytes, rejects http image URLs, and adds cachePoints for cache_control', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long system prompt', cache_control: { type: 'ephemeral' } }] } as never,
        { role: 'user', content: [{ type: 'text', text: 'What?' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4A==' } }] },
      ],
    });
    expect(body.system).toEqual([{ text: 'Long system prompt' }, { cachePoint: { type: 'default' } }]);
    expect(body.messages[0].content).toEqual([{ text: 'What?' }, { image: { format: 'jpeg', source: { bytes: '/9j/4A==' } } }]);
    await expect(encode(adapter, d, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] })).rejects.toMatchObject({
      errorClass: 'bad_request',
      param: 'messages[0].content[0]',
    });
  });

  it('maps reasoning_effort to Claude thinking and response_format to a forced tool', async () => {
    const thinking = await encode(adapter, d, { reasoning_effort: 'low' });
    expect(thinking.body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(thinking.body.inferenceConfig.maxTokens).toBe(64_000);
    const rf = await encode(adapter, d, { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'number' } } } } } });
    expect(rf.body.toolConfig.toolChoice).toEqual({ tool: { name: 'answer' } });
    const c = adapter.chatResponse({ output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 'x', name: 'answer', input: { a: 1 } } }] } }, stopReason: 'tool_use', usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }, rf.ctx);
    expect(c.choices[0]!.message.content).toBe('{"a":1}');
    expect(c.choices[0]!.finish_reason).toBe('stop');
  });
});


describe('bedrock Converse decoding (recorded)', () => {
  for (const [file, expected] of expectedFor('bedrock', '.json')) {
    it(file, () => expectCompletion(adapter.chatResponse(fixtureJson('bedrock', file), context(d, false)), expected));
  }

  it('keeps the reasoning signature, and counts cache reads and writes into the prompt', () => {
    const c = adapter.chatResponse(fixtureJson('bedrock', 'amazon-bedrock-reasoning.json'), context(d, false));
    expect((c.choices[0]!.message as { thinking_blocks?: { signature: string }[] }).thinking_blocks![0]!.signature).toMatch(/^EvYBCkgI/);
    const cached = adapter.chatResponse(
      { output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'guardrail_intervened', usage: { inputTokens: 10, cacheReadInputTokens: 1000, cacheWriteInputTokens: 200, outputTokens: 5, totalTokens: 1215 } },
      context(d, false),
    );
    expect(cached.choices[0]!.finish_reason).toBe('content_filter');
    expect(cached.usage).toEqual({ prompt_tokens: 1210, completion_tokens: 5, total_tokens: 1215, prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 200 } });
    const cost = computeCost(cached.usage, d.price)!;
    expect(cost.total).toBeCloseTo((10 * 3 + 1000 * 0.3 + 200 * 3.75 + 5 * 15) / 1e6, 12);
  });

  it('maps the other stop reasons', () => {
    const finish = (stopReason: string) =>
      adapter.chatResponse({ output: { message: { role: 'assistant', content: [{ text: 'x' }] } }, stopReason, usage: { inputTokens: 1, outputTokens: 1 } }, context(d, false)).choices[0]!.finish_reason;
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'content_filtered', 'model_context_window_exceeded'].map(finish)).toEqual([
      'stop',
      'stop',
      'length',
      'tool_calls',
      'content_filter',
      'length',
    ]);
  });
});


describe('bedrock ConverseStream decoding (recorded, event-stream framed, split at arbitrary points)', () => {
  for (const [file, expected] of expectedFor('bedrock', '.chunks.txt')) {
    it(file, () => {
      const bytes = wireBytes('bedrock', fixtureLines('bedrock', file));
      const whole = decodeWire(adapter, context(d, true), [bytes]);
      expectStreamShape(whole, true);
      expectCompletion(streamCompletion(whole), expected);
      for (let seed = 1; seed <= 20; seed++) expect(comparable(decodeWire(adapter, context(d, true), randomSplits(bytes, seed, seed * 4)))).toEqual(comparable(whole));
      for (let i = 1; i < bytes.length; i += 7) expect(comparable(decodeWire(adapter, context(d, true), splitAt(bytes, [i])))).toEqual(comparable(whole));
    });
  }

  it('a stream cut before messageStop is an InvalidResponseError; a corrupted frame too', () => {
    const lines = fixtureLines('bedrock', 'amazon-bedrock-text.chunks.txt');
    expect(() => decodeWire(adapter, context(d, true), [wireBytes('bedrock', lines.slice(0, 5))])).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
    const bytes = wireBytes('bedrock', lines);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    expect(() => decodeWire(adapter, context(d, true), [bytes])).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
  });

  it('exception messages inside the stream become typed errors', () => {
    const start = wireBytes('bedrock', fixtureLines('bedrock', 'amazon-bedrock-text.chunks.txt').slice(0, 2));
    const cases: [string, string][] = [
      ['throttlingException', 'rate_limit'],
      ['modelStreamErrorException', 'upstream_unavailable'],
      ['internalServerException', 'upstream_unavailable'],
      ['serviceUnavailableException', 'upstream_unavailable'],
      ['validationException', 'bad_request'],
    ];
    for (const [type, errorClass] of cases) {
      const exception = encodeEventStreamMessage({ ':message-type': 'exception', ':exception-type': type, ':content-type': 'application/json' }, '{"message":"stream failed"}');
      expect(() => decodeWire(adapter, context(d, true), [start, exception])).toThrow(expect.objectContaining({ errorClass, provider: 'bedrock' }));
    }
    const tooLong = encodeEventStreamMessage({ ':message-type': 'exception', ':exception-type': 'validationException' }, '{"message":"Input is too long for requested model."}');
    expect(() => decodeWire(adapter, context(d, true), [start, tooLong])).toThrow(expect.objectContaining({ errorClass: 'context_window' }));
  });
});

describe('bedrock error responses', () => {
  const classify = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    adapter.classifyError(
      { status, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers }, body: { message }, text: JSON.stringify({ message }) },
      context(d, false),
    );

  it('maps x-amzn-errortype to the typed error', () => {
    expect(classify(429, 'ThrottlingException', 'Too many requests, please wait before trying again.')).toMatchObject({ errorClass: 'rate_limit', status: 429 });
    expect(classify(400, 'ValidationException', 'Malformed input request')).toMatchObject({ errorClass: 'bad_request' });
    expect(classify(400, 'ValidationException', 'Input is too long for requested model.')).toMatchObject({ errorClass: 'context_window' });
    expect(classify(400, 'ValidationException', 'prompt is too long: 210000 tokens > 200000 maximum')).toMatchObject({ errorClass: 'context_window' });
    expect(classify(403, 'AccessDeniedException', "You don't have access to the model")).toMatchObject({ errorClass: 'permission' });
    expect(classify(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.')).toMatchObject({ errorClass: 'authentication' });
    expect(classify(404, 'ResourceNotFoundException', 'Could not resolve the foundation model')).toMatchObject({ errorClass: 'not_found' });
    expect(classify(429, 'ModelNotReadyException', 'Model is not ready')).toMatchObject({ errorClass: 'upstream_unavailable' });
    expect(classify(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.')).toMatchObject({ errorClass: 'upstream_unavailable', status: 503 });
    expect(classify(500, 'InternalServerException', 'internal')).toMatchObject({ errorClass: 'upstream_unavailable' });
    expect(classify(424, 'ModelErrorException', 'model error')).toMatchObject({ errorClass: 'upstream_unavailable' });
    expect(classify(429, 'ThrottlingException', 'slow', { 'retry-after': '3' })).toMatchObject({ retryAfterMs: 3000 });
    const untyped = adapter.classifyError({ status: 400, headers: {}, body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'bad' }, text: '' }, context(d, false));
    expect(untyped).toMatchObject({ errorClass: 'bad_request', code: 'validationexception' });
  });
});

describe('bedrock embeddings', () => {
  it('Titan: inputText / dimensions → one embedding with its token count', async () => {
    const titan = deployment('bedrock', 'amazon.titan-embed-text-v2:0', { apiKey: undefined, options: creds });
    const ctx = context(titan, false);
    const spec = await adapter.embeddingsRequest!({ model: 'e', input: 'hello', dimensions: 256 }, ctx);
    expect(spec.url).toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke');
    expect(JSON.parse(String(spec.body))).toEqual({ inputText: 'hello', dimensions: 256 });
    const res = adapter.embeddingsResponse!({ embedding: [0.5, -0.25], inputTextTokenCount: 3 }, ctx);
    expect(res).toEqual({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }], model: 'amazon.titan-embed-text-v2:0', usage: { prompt_tokens: 3, total_tokens: 3 } });
    expect(computeCost({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 }, titan.price)!.total).toBeCloseTo((3 * 0.02) / 1e6, 12);
    await expect(Promise.resolve().then(() => adapter.embeddingsRequest!({ model: 'e', input: ['a', 'b'] }, ctx))).rejects.toMatchObject({ errorClass: 'bad_request', param: 'input' });
  });

  it('Cohere: texts → embeddings; base64 encoding as OpenAI does it', async () => {
    const cohere = deployment('bedrock', 'cohere.embed-english-v3', { apiKey: undefined, options: creds });
    const ctx = context(cohere, false);
    const spec = await adapter.embeddingsRequest!({ model: 'e', input: ['a', 'b'], encoding_format: 'base64' }, ctx);
    expect(JSON.parse(String(spec.body))).toEqual({ texts: ['a', 'b'], input_type: 'search_document' });
    const res = adapter.embeddingsResponse!({ id: 'x', response_type: 'embeddings_floats', embeddings: [[1, 2], [3, 4]], texts: ['a', 'b'] }, ctx);
    expect(res.data).toHaveLength(2);
    const decoded = Buffer.from(res.data[1]!.embedding as string, 'base64');
    expect([decoded.readFloatLE(0), decoded.readFloatLE(4)]).toEqual([3, 4]);
    expect(cohere.price).toBeUndefined();
  });
});
