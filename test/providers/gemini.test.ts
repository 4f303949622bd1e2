import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { toGeminiSchema } from '../../src/providers/gemini/schema.js';
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

const adapter = getProvider('gemini');
const d = deployment('gemini', 'gemini-2.5-flash');
const d3 = deployment('gemini', 'gemini-3-pro-preview');
const tool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather',
    parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false },
  },
};

describe('gemini request encoding', () => {
  it('puts the key in a header (never the URL), system text in systemInstruction, sampling in generationConfig', async () => {
    const { spec, body } = await encode(adapter, d, {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Bye' },
      ],
      temperature: 0,
      top_p: 0.9,
      max_tokens: 77,
      stop: ['X', 'Y'],
      seed: 7,
      n: 2,
      presence_penalty: 0.5,
    });
    expect(spec.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(spec.url).not.toContain('key=');
    expect(spec.headers['x-goog-api-key']).toBe('sk-test-key-123456');
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello' }] },
      { role: 'user', parts: [{ text: 'Bye' }] },
    ]);
    expect(body.generationConfig).toEqual({ temperature: 0, topP: 0.9, maxOutputTokens: 77, stopSequences: ['X', 'Y'], seed: 7, candidateCount: 2, presencePenalty: 0.5 });
  });

  it('streams through streamGenerateContent?alt=sse and accepts a versioned baseURL', async () => {
    const { spec } = await encode(adapter, deployment('gemini', 'models/gemini-2.5-pro', { baseURL: 'http://127.0.0.1:9/v1beta' }), {}, true);
    expect(spec.url).toBe('http://127.0.0.1:9/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect((await encode(adapter, deployment('gemini', 'gemini-2.5-pro', { baseURL: 'http://127.0.0.1:9', options: { apiVersion: 'v1' } }), {})).spec.url).toBe(
      'http://127.0.0.1:9/v1/models/gemini-2.5-pro:generateContent',
    );
  });

  it('maps multi-turn tool use: functionCall parts, functionResponse named from the earlier call, merged results', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temp":18}' },
        { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
      ],
      tools: [tool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Paris and Rome?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { temp: 18 } } }, { functionResponse: { name: 'get_time', response: { content: '12:00' } } }],
      },
    ]);
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', nullable: true, enum: ['c', 'f'] } }, required: ['city'] },
          },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
  });

  it('maps tool_choice auto / none / required', async () => {
    for (const [choice, mode] of [['auto', 'AUTO'], ['none', 'NONE'], ['required', 'ANY']] as const) {
      expect((await encode(adapter, d, { tools: [tool], tool_choice: choice })).body.toolConfig).toEqual({ functionCallingConfig: { mode } });
    }
  });

  it('sends thought signatures back; Gemini 3 calls without one get the documented placeholder', async () => {
    const history = (sig?: string) => ({
      messages: [
        { role: 'user' as const, content: 'x' },
        {
          role: 'assistant' as const,
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' }, ...(sig ? { extra_content: { google: { thought_signature: sig } } } : {}) },
            { id: 'c2', type: 'function' as const, function: { name: 'f', arguments: '{}' } },
          ],
        },
        { role: 'tool' as const, tool_call_id: 'c1', content: 'a' },
        { role: 'tool' as const, tool_call_id: 'c2', content: 'b' },
      ],
    });
    const withSig = await encode(adapter, d3, history('SIG=='));
    expect(withSig.body.contents[1].parts[0].thoughtSignature).toBe('SIG==');
    expect(withSig.body.contents[1].parts[1].thoughtSignature).toBeUndefined();
    const without = await encode(adapter, d3, history());
    expect(without.body.contents[1].parts[0].thoughtSignature).toBe('skip_thought_signature_validator');
    const older = await encode(adapter, d, history());
    expect(older.body.contents[1].parts[0].thoughtSignature).toBeUndefined();
  });

  it('rejects a tool result that answers no earlier tool call (Gemini needs the function name)', async () => {
    await expect(encode(adapter, d, { messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] })).rejects.toMatchObject({
      errorClass: 'bad_request',
      param: 'messages[0].tool_call_id',
    });
  });

  it('maps images to inlineData / fileData and audio to inlineData', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a/cat.PNG?x=1' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
      ],
    });
    expect(body.contents[0].parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/a/cat.PNG?x=1' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
    ]);
  });

  it('maps json modes to responseMimeType / responseSchema and reasoning_effort to thinkingConfig', async () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' }, b: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, required: ['a'], additionalProperties: false };
    const js = await encode(adapter, d, { response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } }, reasoning_effort: 'low' });
    expect(js.body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string', nullable: true } }, required: ['a'] },
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    expect((await encode(adapter, d, { response_format: { type: 'json_object' } })).body.generationConfig).toEqual({ responseMimeType: 'application/json' });
    expect((await encode(adapter, d3, { reasoning_effort: 'medium' })).body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'high', includeThoughts: true });
  });

  it('reduces JSON Schema to what Gemini accepts', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        $defs: { Item: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, at: { type: 'string', format: 'date-time' } } } },
        properties: { items: { type: 'array', items: { $ref: '#/$defs/Item' } }, kind: { const: 'x' }, n: { type: ['integer', 'string'] } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } } } },
        kind: { type: 'string', enum: ['x'] },
        n: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
      },
    });
    expect(toGeminiSchema({ type: 'object', properties: {} })).toBeUndefined();
    const recursive = { type: 'object', properties: { child: { $ref: '#' } } };
    expect(toGeminiSchema(recursive)).toEqual({ type: 'object', properties: { child: { type: 'object', properties: { child: { type: 'object' } } } } });
  });
});



describe('gemini response decoding (recorded)', () => {
  for (const [file, expected] of expectedFor('google', '.json')) {
    it(file, () => expectCompletion(adapter.chatResponse(fixtureJson('google', file), context(d3, false)), expected));
  }

  it('keeps the thought signature on the tool call and derives a stable id', () => {
    const body = fixtureJson('google', 'google-tool-call.json');
    const a = adapter.chatResponse(body, context(d3, false)).choices[0]!.message.tool_calls![0]!;
    const b = adapter.chatResponse(body, context(d3, false)).choices[0]!.message.tool_calls![0]!;
    expect(a.id).toBe(b.id);
    expect(a.id).toBe('call_m36LaZGyCLz1xs0PtNSB-QU_0_0');
    expect((a as { extra_content?: unknown }).extra_content).toEqual({ google: { thought_signature: expect.stringMatching(/^EskgCsYg/) } });
  });

  it('maps thought parts to reasoning_content and safety finishes to content_filter', () => {
    const c = adapter.chatResponse(
      {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'thinking...', thought: true }, { text: 'Answer' }] }, finishReason: 'STOP', index: 0 },
          { content: { role: 'model', parts: [{ text: 'partial' }] }, finishReason: 'SAFETY', index: 1 },
          { content: { role: 'model', parts: [{ text: 'cut' }] }, finishReason: 'MAX_TOKENS', index: 2 },
          { finishReason: 'RECITATION', index: 3 },
          { finishReason: 'PROHIBITED_CONTENT', index: 4 },
        ],
        usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 10, thoughtsTokenCount: 5, totalTokenCount: 115 },
        responseId: 'r1',
        modelVersion: 'gemini-2.5-flash',
      },
      context(d, false),
    );
    expect(c.choices[0]!.message).toMatchObject({ content: 'Answer', reasoning_content: 'thinking...' });
    expect(c.choices.map((x) => x.finish_reason)).toEqual(['stop', 'content_filter', 'length', 'content_filter', 'content_filter']);
    expect(c.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 15,
      total_tokens: 115,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
    const cost = computeCost(c.usage, d.price)!;
    expect(cost.input).toBeCloseTo((40 * 0.3 + 60 * 0.03) / 1e6, 12);
    expect(cost.output).toBeCloseTo((15 * 2.5) / 1e6, 12);
  });

  it('a blocked prompt is a ContentPolicyError', () => {
    expect(() => adapter.chatResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } }, context(d, false))).toThrow(
      expect.objectContaining({ errorClass: 'content_policy', provider: 'gemini' }),
    );
  });
});


describe('gemini stream decoding (recorded, split at arbitrary points)', () => {
  for (const [file, expected] of expectedFor('google', '.chunks.txt')) {
    it(file, () => {
      const bytes = wireBytes('gemini', fixtureLines('google', file));
      const whole = decodeWire(adapter, context(d3, true), [bytes]);
      expectStreamShape(whole, true);
      expectCompletion(streamCompletion(whole), expected);
      for (let seed = 1; seed <= 20; seed++) {
        expect(comparable(decodeWire(adapter, context(d3, true), randomSplits(bytes, seed, 3 + seed * 3)))).toEqual(comparable(whole));
      }
    });
  }

  it('survives a split at hundreds of byte offsets (two pieces)', () => {
    const bytes = wireBytes('gemini', fixtureLines('google', 'google-stream-tool-call-arguments.chunks.txt'));
    const reference = comparable(decodeWire(adapter, context(d3, true), [bytes]));
    const stride = Math.ceil(bytes.length / 400);
    for (let i = 1; i < bytes.length; i += stride) expect(comparable(decodeWire(adapter, context(d3, true), splitAt(bytes, [i])))).toEqual(reference);
  });

  it('announces a streamed call first and sends its arguments once complete, with the signature', () => {
    const chunks = decodeWire(adapter, context(d3, true), [wireBytes('gemini', fixtureLines('google', 'google-stream-tool-call-arguments.chunks.txt'))]);
    const deltas = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'getWeather', arguments: '' }, extra_content: { google: { thought_signature: expect.any(String) } } });
    expect(deltas.filter((t) => t.function?.arguments).map((t) => [t.index, t.function!.arguments])).toEqual([
      [0, '{"location":"Boston"}'],
      [1, '{"location":"San Francisco"}'],
    ]);
  });

  it('a stream without any finishReason is cut: InvalidResponseError', () => {
    const lines = fixtureLines('google', 'google-text.chunks.txt').slice(0, 2);
    expect(() => decodeWire(adapter, context(d, true), [wireBytes('gemini', lines)])).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
  });

  it('an error object inside a 200 stream becomes a typed error', () => {
    const lines = [fixtureLines('google', 'google-text.chunks.txt')[0]!, JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } })];
    expect(() => decodeWire(adapter, context(d, true), [wireBytes('gemini', lines)])).toThrow(expect.objectContaining({ errorClass: 'upstream_unavailable', status: 503 }));
    const blocked = [JSON.stringify({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })];
    expect(() => decodeWire(adapter, context(d, true), [wireBytes('gemini', blocked)])).toThrow(expect.objectContaining({ errorClass: 'content_policy' }));
  });
});

describe('gemini error responses', () => {
  const classify = (status: number, body: unknown, headers: Record<string, string> = {}) => adapter.classifyError({ status, headers, body, text: JSON.stringify(body) }, context(d, false));

  it('429 RetryInfo.retryDelay → retryAfterMs (recorded)', () => {
    expect(classify(429, fixtureJson('google', 'google-429-retry-info.json'))).toMatchObject({ errorClass: 'rate_limit', status: 429, retryAfterMs: 34_400 });
  });

  it('maps the other Google statuses', () => {
    const err = (code: number, status: string, message: string, details: unknown[] = []) => ({ error: { code, message, status, details } });
    expect(classify(400, err(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'))).toMatchObject({ errorClass: 'context_window' });
    expect(
      classify(400, err(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }])),
    ).toMatchObject({ errorClass: 'authentication' });
    expect(classify(400, err(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'))).toMatchObject({ errorClass: 'bad_request' });
    expect(classify(403, err(403, 'PERMISSION_DENIED', 'The caller does not have permission'))).toMatchObject({ errorClass: 'permission' });
    expect(classify(404, err(404, 'NOT_FOUND', 'models/x is not found'))).toMatchObject({ errorClass: 'not_found' });
    expect(classify(503, err(503, 'UNAVAILABLE', 'The model is overloaded.'))).toMatchObject({ errorClass: 'upstream_unavailable' });
    expect(classify(500, [err(500, 'INTERNAL', 'An internal error has occurred.')])).toMatchObject({ errorClass: 'upstream_unavailable' });
  });
});

describe('gemini embeddings', () => {
  it('batchEmbedContents: one request per input, dimensions and taskType, base64 output', async () => {
    const e = deployment('gemini', 'gemini-embedding-001', { options: { taskType: 'RETRIEVAL_DOCUMENT' } });
    const ctx = context(e, false);
    const spec = await adapter.embeddingsRequest!({ model: 'x', input: ['a', 'b'], dimensions: 3, encoding_format: 'base64' }, ctx);
    expect(spec.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(spec.headers['x-goog-api-key']).toBe('sk-test-key-123456');
    expect(JSON.parse(String(spec.body))).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3, taskType: 'RETRIEVAL_DOCUMENT' },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3, taskType: 'RETRIEVAL_DOCUMENT' },
      ],
    });
    const res = adapter.embeddingsResponse!({ embeddings: [{ values: [1, 2, 3] }, { values: [0.5, 0, -1] }] }, ctx);
    expect(res.model).toBe('gemini-embedding-001');
    expect(res.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
    const v = Buffer.from(res.data[1]!.embedding as string, 'base64');
    expect([v.readFloatLE(0), v.readFloatLE(4), v.readFloatLE(8)]).toEqual([0.5, 0, -1]);
    expect(e.price).toBeUndefined();
    expect(adapter.embeddingsResponse!({ embeddings: [{ values: [1] }], usageMetadata: { promptTokenCount: 4 } }, context(e, false)).usage.prompt_tokens).toBe(4);
    expect(() => adapter.embeddingsResponse!({ embeddings: [] }, ctx)).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
    await expect(Promise.resolve().then(() => adapter.embeddingsRequest!({ model: 'x', input: [1, 2, 3] }, ctx))).rejects.toMatchObject({ errorClass: 'bad_request', param: 'input' });
  });
});
