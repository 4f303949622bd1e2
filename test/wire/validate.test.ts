import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.js';
import { ChatCompletionCreateParamsSchema, EmbeddingCreateParamsSchema, parseOrThrow } from '../../src/wire/index.js';

function errorOf(input: unknown): BadRequestError {
  try {
    parseOrThrow(ChatCompletionCreateParamsSchema, input, 'chat completion request');
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return err as BadRequestError;
  }
  throw new Error('expected a validation error');
}

const user = { role: 'user', content: 'hi' };

describe('chat request schema', () => {
  it('accepts a full request and passes unknown fields through', () => {
    const params = {
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '42' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      top_p: 1,
      max_tokens: 10,
      stop: ['\n'],
      seed: 1,
      user: 'u1',
      metadata: { team: 'a' },
      vendor_extension: { anything: true },
    };
    const parsed = parseOrThrow(ChatCompletionCreateParamsSchema, params, 'x');
    expect(parsed.vendor_extension).toEqual({ anything: true });
    expect(parsed.temperature).toBe(0);
    expect(parsed.messages[1]).toEqual(params.messages[1]);
  });

  it.each([
    [{ model: 'm', messages: [user, user, { role: 'robot', content: 'x' }] }, 'messages[2].role'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ messages: [user] }, 'model'],
    [{ model: 'm', messages: [user], temperature: 3 }, 'temperature'],
    [{ model: 'm', messages: [user], max_tokens: 1.5 }, 'max_tokens'],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[0].content[0].image_url.url'],
    [{ model: 'm', messages: [user], tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
    [{ model: 'm', messages: [user], response_format: { type: 'yaml' } }, 'response_format.type'],
    [{ model: 'm', messages: [user], tool_choice: 'sometimes' }, 'tool_choice'],
    [{ model: 'm', messages: [user], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
  ])('rejects %j at %s', (input, path) => {
    const err = errorOf(input);
    expect(err.param).toBe(path);
    expect(err.status).toBe(400);
    expect(err.message).toContain(path);
  });

  it('rejects a body that is not an object', () => {
    expect(errorOf('hello').status).toBe(400);
    expect(errorOf(null).status).toBe(400);
  });

  it('embeddings: accepts strings and token arrays, rejects empty input', () => {
    expect(parseOrThrow(EmbeddingCreateParamsSchema, { model: 'e', input: ['a', 'b'] }, 'x').input).toEqual(['a', 'b']);
    expect(parseOrThrow(EmbeddingCreateParamsSchema, { model: 'e', input: [[1, 2]] }, 'x').input).toEqual([[1, 2]]);
    expect(() => parseOrThrow(EmbeddingCreateParamsSchema, { model: 'e', input: [] }, 'x')).toThrow(BadRequestError);
  });
});
