import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { claudePrice } from '../../src/providers/catalog/anthropic.js';
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

const adapter = getProvider('anthropic');
const d = deployment('anthropic', 'claude-sonnet-4-5-20250929');

const tool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('anthropic request encoding', () => {
  it('sends system and developer messages as system blocks, headers and max_tokens from the catalog', async () => {
    const { spec, body } = await encode(adapter, d, {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0,
      top_p: 0.5,
      stop: 'END',
      user: 'u-1',
    });
    expect(spec.url).toBe('https://api.anthropic.com/v1/messages');
    expect(spec.headers['x-api-key']).toBe('sk-test-key-123456');
    expect(spec.headers['anthropic-version']).toBe('2023-06-01');
    expect(spec.headers.authorization).toBeUndefined();
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use metric units.' },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    expect(body.max_tokens).toBe(64_000);
    expect(body.temperature).toBe(0);
    expect(body.top_p).toBe(0.5);
    expect(body.stop_sequences).toEqual(['END']);
    expect(body.metadata).toEqual({ user_id: 'u-1' });
    expect(body.model).toBe('claude-sonnet-4-5-20250929');
    expect(body.stream).toBeUndefined();
  });

  it('uses max_completion_tokens / max_tokens when given, and a baseURL with or without /v1', async () => {
    expect((await encode(adapter, d, { max_tokens: 100 })).body.max_tokens).toBe(100);
    expect((await encode(adapter, d, { max_completion_tokens: 50, max_tokens: 100 })).body.max_tokens).toBe(50);
    expect((await encode(adapter, deployment('anthropic', 'claude-x', { baseURL: 'http://127.0.0.1:9/v1/' }), {})).spec.url).toBe('http://127.0.0.1:9/v1/messages');
    const unknown = await encode(adapter, deployment('anthropic', 'claude-unknown', { baseURL: 'http://127.0.0.1:9' }), {}, true);
    expect(unknown.spec.url).toBe('http://127.0.0.1:9/v1/messages');
    expect(unknown.body.max_tokens).toBe(4096);
    expect(unknown.body.stream).toBe(true);
    expect(unknown.spec.headers.accept).toBe('text/event-stream');
  });

  it('maps multi-turn tool use: tool_use blocks, merged tool_result turns placed before text', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '25C' }] },
        { role: 'user', content: 'Thanks' },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [tool],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '25C' }] },
          { type: 'text', text: 'Thanks' },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
    expect(body.tools).toEqual([{ name: 'get_weather', description: 'Weather', input_schema: tool.function.parameters }]);
    expect(body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('maps tool_choice auto / none / a named function', async () => {
    expect((await encode(adapter, d, { tools: [tool], tool_choice: 'auto' })).body.tool_choice).toEqual({ type: 'auto' });
    expect((await encode(adapter, d, { tools: [tool], tool_choice: 'none' })).body.tool_choice).toEqual({ type: 'none' });
    expect((await encode(adapter, d, { tools: [tool], tool_choice: { type: 'function', function: { name: 'get_weather' } } })).body.tool_choice).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
    expect((await encode(adapter, d, { tools: [tool] })).body.tool_choice).toBeUndefined();
    expect((await encode(adapter, d, { tools: [tool], parallel_tool_calls: false })).body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  it('maps images (data URL → base64, https → url) and PDFs, and passes cache_control through', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare', cache_control: { type: 'ephemeral' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
      ] as never,
    });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'Compare', cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
    ]);
  });

  it('sends thinking blocks back with their signatures, and maps reasoning_effort to a thinking budget', async () => {
    const { body } = await encode(adapter, d, {
      messages: [
        { role: 'user', content: 'Q' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'hmm',
          thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig-1' }],
          tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
        } as never,
        { role: 'tool', tool_call_id: 'toolu_9', content: 'cold' },
      ],
      tools: [tool],
      reasoning_effort: 'medium',
    });
    expect(body.messages[1].content[0]).toEqual({ type: 'thinking', thinking: 'hmm', signature: 'sig-1' });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    const small = await encode(adapter, d, { reasoning_effort: 'high', max_tokens: 4000 });
    expect(small.body.thinking).toEqual({ type: 'enabled', budget_tokens: 3999 });
    await expect(encode(adapter, d, { reasoning_effort: 'high', max_tokens: 500 })).rejects.toMatchObject({ errorClass: 'bad_request', param: 'reasoning_effort' });
  });

  it('carries response_format json_schema as a forced tool and decodes it back into JSON content', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const { body, ctx } = await encode(adapter, d, { response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } } });
    expect(body.tools).toEqual([{ name: 'reply', description: 'Respond with a JSON object that matches the reply schema.', input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'reply' });
    const completion = adapter.chatResponse(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'tool_use', id: 'toolu_x', name: 'reply', input: { answer: 'yes' } }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 5 },
      },
      ctx,
    );
    expect(completion.choices[0]!.message.content).toBe('{"answer":"yes"}');
    expect(completion.choices[0]!.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const withTools = await encode(adapter, d, { tools: [tool], response_format: { type: 'json_object' } });
    expect(withTools.body.tool_choice).toEqual({ type: 'any' });
    expect(withTools.body.tools.map((t: { name: string }) => t.name)).toEqual(['get_weather', 'json_response']);
  });

  it('rejects what Anthropic cannot do with a typed error naming the parameter', async () => {
    await expect(encode(adapter, d, { n: 2 })).rejects.toMatchObject({ errorClass: 'bad_request', param: 'n' });
    await expect(encode(adapter, d, { logprobs: true })).rejects.toMatchObject({ errorClass: 'bad_request', param: 'logprobs' });
    await expect(
      encode(adapter, d, { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{bad' } }] }] }),
    ).rejects.toMatchObject({ errorClass: 'bad_request', param: 'messages[0].tool_calls[0].function.arguments' });
    await expect(
      encode(adapter, d, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] }),
    ).rejects.toMatchObject({ errorClass: 'bad_request', param: 'messages[0].content[0]' });
  });
});

const SIG_JSON = 'Er4BCkYICxgCKkCoxqLHLrx4mFL9Ox7/aHKht87WDzXfvZ7qbZKSnHV8imA5b3LXxuVqcXQ9z5sXwDx20JIW/+6DJehOSNK72L83Egx0T9s7VzB6QUK9g5kaDO9lGaWN5CPEDJU0lyIw4+Ed3q4N9w+16h3cfQ+9stJXHCl+1nYDxjIOLcyJT8Ug/LTmtlp4bbxWmmfNicayKiasdReHiOnqz1sKEF0pR4kcnF5mQGdLxk8q3A3NY+wGsH8MtUIqxRgB';


describe('anthropic response decoding (recorded)', () => {
  for (const [file, expected] of expectedFor('anthropic', '.json')) {
    it(file, () => {
      const c = adapter.chatResponse(fixtureJson('anthropic', file), context(d, false));
      expectCompletion(c, expected);
      expect(c.object).toBe('chat.completion');
    });
  }

  it('keeps the thinking signature for the round trip', () => {
    const c = adapter.chatResponse(fixtureJson('anthropic', 'anthropic-clear-thinking.1.json'), context(d, false));
    expect((c.choices[0]!.message as { thinking_blocks?: unknown }).thinking_blocks).toEqual([{ type: 'thinking', thinking: '925 divided by 5 = 185', signature: SIG_JSON }]);
  });

  it('joins text around server tools and never reports server tools as tool calls', () => {
    const c = adapter.chatResponse(fixtureJson('anthropic', 'anthropic-web-fetch-tool.error.json'), context(d, false));
    expect(c.choices[0]!.message.content).toMatch(/^I'll fetch the PDF document.*I'm unable to access the PDF/s);
    expect(c.choices[0]!.message.tool_calls).toBeUndefined();
  });
});


describe('anthropic stream decoding (recorded, split at arbitrary points)', () => {
  for (const [file, expected] of expectedFor('anthropic', '.chunks.txt')) {
    it(file, () => {
      const bytes = wireBytes('anthropic', fixtureLines('anthropic', file));
      const whole = decodeWire(adapter, context(d, true), [bytes]);
      expectStreamShape(whole, true);
      expectCompletion(streamCompletion(whole), expected);
      for (let seed = 1; seed <= 20; seed++) {
        const split = decodeWire(adapter, context(d, true), randomSplits(bytes, seed, 1 + (seed % 7) * 5));
        expect(comparable(split)).toEqual(comparable(whole));
      }
    });
  }

  it('survives a split at every byte offset (two pieces)', () => {
    const bytes = wireBytes('anthropic', fixtureLines('anthropic', 'anthropic-tool-no-args.chunks.txt'));
    const reference = comparable(decodeWire(adapter, context(d, true), [bytes]));
    for (let i = 1; i < bytes.length; i++) {
      expect(comparable(decodeWire(adapter, context(d, true), splitAt(bytes, [i])))).toEqual(reference);
    }
  });

  it('streams the response_format tool as content and drops the preamble', async () => {
    const { ctx } = await encode(adapter, d, { response_format: { type: 'json_schema', json_schema: { name: 'json', schema: { type: 'object' } } } }, true);
    const chunks = decodeWire(adapter, ctx, [wireBytes('anthropic', fixtureLines('anthropic', 'anthropic-json-tool.2.chunks.txt'))]);
    const c = streamCompletion(chunks);
    expect(JSON.parse(c.choices[0]!.message.content!)).toEqual({ elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
    expect(c.choices[0]!.message.tool_calls).toBeUndefined();
    expect(c.choices[0]!.finish_reason).toBe('stop');
  });

  it('emits the thinking signature as thinking_blocks', () => {
    const chunks = decodeWire(adapter, context(d, true), [wireBytes('anthropic', fixtureLines('anthropic', 'anthropic-clear-thinking.1.chunks.txt'))]);
    const blocks = (streamCompletion(chunks).choices[0]!.message as { thinking_blocks?: { signature: string }[] }).thinking_blocks!;
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.signature).toMatch(/^EvQBCkYI/);
  });

  it('prices cache reads and cache writes separately', () => {
    const chunks = decodeWire(adapter, context(d, true), [wireBytes('anthropic', fixtureLines('anthropic', 'anthropic-code-execution-20260120-prompt-cache.1.chunks.txt'))]);
    const cost = computeCost(streamCompletion(chunks).usage, claudePrice(3, 15))!;
    expect(cost.cachedInput).toBeCloseTo((6289 * 0.3) / 1e6, 10);
    expect(cost.cacheWrite).toBeCloseTo((3337 * 3.75) / 1e6, 10);
    expect(cost.input).toBeCloseTo((6 * 3 + 6289 * 0.3 + 3337 * 3.75) / 1e6, 10);
    expect(cost.output).toBeCloseTo((198 * 15) / 1e6, 10);
    expect(cost.total).toBeCloseTo(cost.input + cost.output, 10);
  });

  it('a stream cut before message_stop is an InvalidResponseError', () => {
    const lines = fixtureLines('anthropic', 'anthropic-text.chunks.txt').slice(0, -2);
    expect(() => decodeWire(adapter, context(d, true), [wireBytes('anthropic', lines)])).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
  });

  it('an error event inside a 200 stream becomes a typed error', () => {
    const start = fixtureLines('anthropic', 'anthropic-text.chunks.txt').slice(0, 3);
    const cases: [string, string, number?][] = [
      ['overloaded_error', 'upstream_unavailable', 529],
      ['rate_limit_error', 'rate_limit', 429],
      ['api_error', 'upstream_unavailable', 500],
      ['invalid_request_error', 'bad_request', 400],
    ];
    for (const [type, errorClass, status] of cases) {
      const lines = [...start, JSON.stringify({ type: 'error', error: { type, message: 'Overloaded' } })];
      let err: unknown;
      try {
        decodeWire(adapter, context(d, true), [wireBytes('anthropic', lines)]);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ errorClass, provider: 'anthropic', deployment: d.id });
      if (status) expect((err as { status: number }).status).toBe(status);
    }
  });
});

describe('anthropic error responses', () => {
  const classify = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    adapter.classifyError({ status, headers, body: { type: 'error', error: { type, message }, request_id: 'req_1' }, text: '' }, context(d, false));

  it('maps each error type to its class', () => {
    expect(classify(529, 'overloaded_error', 'Overloaded')).toMatchObject({ errorClass: 'upstream_unavailable', status: 529 });
    expect(classify(429, 'rate_limit_error', 'slow down', { 'retry-after': '7' })).toMatchObject({ errorClass: 'rate_limit', retryAfterMs: 7000 });
    expect(classify(400, 'invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum')).toMatchObject({ errorClass: 'context_window' });
    expect(classify(400, 'invalid_request_error', 'max_tokens: must be positive')).toMatchObject({ errorClass: 'bad_request' });
    expect(classify(401, 'authentication_error', 'invalid x-api-key')).toMatchObject({ errorClass: 'authentication' });
    expect(classify(403, 'permission_error', 'no access')).toMatchObject({ errorClass: 'permission' });
    expect(classify(404, 'not_found_error', 'model: claude-x')).toMatchObject({ errorClass: 'not_found' });
    expect(classify(500, 'api_error', 'internal')).toMatchObject({ errorClass: 'upstream_unavailable' });
    const e = classify(529, 'overloaded_error', 'Overloaded');
    expect(e.providerError).toMatchObject({ error: { type: 'overloaded_error' } });
  });
});
