/**
 * The OpenAI stream decoder records a chunk's upstream text (for the proxy to forward) exactly
 * when its normalizations changed nothing; chunkText then gives the bytes JSON.stringify would
 * write, with `"usage":null` last under include_usage and without it otherwise.
 */
import { describe, expect, it } from 'vitest';
import { OpenAIStreamDecoder } from '../../src/providers/openai-wire.js';
import type { ChatCompletionChunk } from '../../src/wire/chat-response.js';
import { chunkText } from '../../src/wire/chunk-text.js';
import { context, deployment, fixtureLines } from './helpers.js';

const decoder = () => new OpenAIStreamDecoder(context(deployment('openai', 'gpt-4o-mini', { apiKey: 'sk-x' }), true));
const one = (line: string): ChatCompletionChunk => {
  const out = decoder().push({ data: line });
  expect(out).toHaveLength(1);
  return out[0]!;
};
/** What the proxy wrote before the fast path. */
const serialized = (c: ChatCompletionChunk, includeUsage: boolean) => JSON.stringify(includeUsage && c.usage === undefined ? { ...c, usage: null } : c);

const BASE = '"id":"c1","object":"chat.completion.chunk","created":1,"model":"m"';

describe('chunk text of decoded OpenAI chunks', () => {
  it.each([
    ['usage null last (OpenAI with include_usage)', `{${BASE},"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}`],
    ['no usage member', `{${BASE},"choices":[{"index":0,"delta":{"content":"Hi \\"there\\"\\n"},"finish_reason":null}]}`],
    ['a known finish reason and a complete tool call', `{${BASE},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":null}`],
  ])('is recorded for an unchanged chunk: %s', (_name, line) => {
    const chunk = one(line);
    for (const includeUsage of [true, false]) {
      expect(chunkText(chunk, includeUsage)).toBeDefined();
      expect(chunkText(chunk, includeUsage)).toBe(serialized(chunk, includeUsage));
    }
  });

  it.each([
    ['a finish reason outside OpenAI set', `{${BASE},"choices":[{"index":0,"delta":{},"finish_reason":"eos"}]}`],
    ['a missing object', '{"id":"c1","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}'],
    ['a missing delta', `{${BASE},"choices":[{"index":0,"finish_reason":null}]}`],
    ['reasoning without reasoning_content', `{${BASE},"choices":[{"index":0,"delta":{"reasoning":"r"},"finish_reason":null}]}`],
    ['a tool call without index', `{${BASE},"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}`],
    ['a tool call without type', `{${BASE},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}`],
    ['object arguments', `{${BASE},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":{"a":1}}}]},"finish_reason":null}]}`],
    ['tool_calls null', `{${BASE},"choices":[{"index":0,"delta":{"content":"x","tool_calls":null},"finish_reason":null}]}`],
    ['usage on a content chunk', `{${BASE},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`],
    ['usage null not last', `{"id":"c1","usage":null,"object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}`],
    ['x_groq', `{${BASE},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"x_groq":{"id":"req_1"}}`],
    ['an empty model', '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}'],
  ])('is not recorded for a chunk the decoder changed: %s', (_name, line) => {
    const chunk = one(line);
    expect(chunkText(chunk, true)).toBeUndefined();
    expect(chunkText(chunk, false)).toBeUndefined();
  });

  it('is not recorded for multi-line data (its line ends would break the SSE framing)', () => {
    const chunk = one(`{${BASE},\n"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}`);
    expect(chunkText(chunk, true)).toBeUndefined();
  });

  it('is not recorded for a recorded OpenAI stream (usage before obfuscation), and is for the same chunks with usage last', () => {
    const d = decoder();
    const lines = fixtureLines('openai', 'openai-text.chunks.txt').slice(0, 30);
    const chunks = lines.flatMap((line) => d.push({ data: line }));
    expect(chunks.length).toBeGreaterThan(10);
    // OpenAI puts `usage: null` before `obfuscation`, not last: those chunks are serialized again.
    for (const c of chunks) expect(chunkText(c, true)).toBeUndefined();
    const mockStyle = lines.map((l) => l.replace(/,"usage":null(,"obfuscation":"[^"]*")/, '$1,"usage":null'));
    const d2 = decoder();
    for (const c of mockStyle.flatMap((line) => d2.push({ data: line }))) {
      expect(chunkText(c, true)).toBe(serialized(c, true));
      expect(chunkText(c, false)).toBe(serialized(c, false));
    }
  });
});
