/**
 * The OpenAI stream decoder records a chunk's upstream text (for the proxy to forward) exactly
 * when its normalizations changed nothing; chunkText then gives the bytes JSON.stringify would
 * write, with `"usage":null` last under include_usage and without it otherwise.
 */
import { describe, expect, it } from 'vitest';
import { OpenAIStreamDecoder } from '../../src/providers/openai-wire.js';
import type { ChatCompletionChunk } from '../../src/wire/chat-response.js';
import { forwardText } from '../../src/wire/chunk-text.js';
import { context, deployment, fixtureLines } from './helpers.js';

const decoder = () => new OpenAIStreamDecoder(context(deployment('openai', 'gpt-4o-mini', { apiKey: 'sk-x' }), true));
/** Decodes one line; `text(includeUsage)` is what the proxy writes from the recorded text (undefined: none). */
const one = (line: string): { chunk: ChatCompletionChunk; text: (includeUsage: boolean) => string | undefined } => {
  const d = decoder();
  const out = d.push({ data: line });
  expect(out).toHaveLength(1);
  const recorded = d.textOf(out[0]!);
  expect(d.textOf(out[0]!)).toBeUndefined(); // taken once
  return { chunk: out[0]!, text: (includeUsage) => (recorded === undefined ? undefined : forwardText(recorded, includeUsage)) };
};
/** What the proxy wrote before the fast path. */
const serialized = (c: ChatCompletionChunk, includeUsage: boolean) => JSON.stringify(includeUsage && c.usage === undefined ? { ...c, usage: null } : c);

const BASE = '"id":"c1","object":"chat.completion.chunk","created":1,"model":"m"';

describe('chunk text of decoded OpenAI chunks', () => {
  it.each([
    ['usage null last (OpenAI with include_usage)', `{${BASE},"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}`],
    ['no usage member', `{${BASE},"choices":[{"index":0,"delta":{"content":"Hi \\"there\\"\\n"},"finish_reason":null}]}`],
    ['usage null before another member (OpenAI: obfuscation after it)', `{${BASE},"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null,"obfuscation":"abc"}`],
    ['usage null before a nested object', `{${BASE},"usage":null,"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"x":{"a":[1,{"b":null}]}}`],
    ['a known finish reason and a complete tool call', `{${BASE},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":null}`],
  ])('is recorded for an unchanged chunk: %s', (_name, line) => {
    const { chunk, text } = one(line);
    for (const includeUsage of [true, false]) {
      expect(text(includeUsage)).toBeDefined();
      expect(text(includeUsage)).toBe(serialized(chunk, includeUsage));
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
    ['usage null as the first member', `{"usage":null,"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}`],
    ['usage null with a second "usage" key nested', `{${BASE},"usage":null,"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"x":{"usage":null}}`],
    ['usage null last with a nested "usage" before it', `{${BASE},"x":{"usage":1},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"usage":null}`],
    ['usage null and a \\u escape in the text', `{${BASE},"choices":[{"index":0,"delta":{"content":"caf\\u00e9"},"finish_reason":null}],"usage":null}`],
    ['usage null and a content string ending with the word usage', `{${BASE},"choices":[{"index":0,"delta":{"content":"token usage"},"finish_reason":null}],"usage":null,"o":"x"}`],
    ['usage null with a space', `{${BASE},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"usage": null}`],
    ['x_groq', `{${BASE},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"x_groq":{"id":"req_1"}}`],
    ['an empty model', '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}'],
  ])('is not recorded for a chunk the decoder changed: %s', (_name, line) => {
    expect(one(line).text(true)).toBeUndefined();
  });

  it('is not recorded for multi-line data (its line ends would break the SSE framing)', () => {
    expect(one(`{${BASE},\n"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}`).text(true)).toBeUndefined();
  });

  it('is recorded for every content chunk of a recorded OpenAI stream (usage before obfuscation) and of the same with usage last', () => {
    const d = decoder();
    const lines = fixtureLines('openai', 'openai-text.chunks.txt').slice(0, 30);
    const chunks = lines.flatMap((line) => d.push({ data: line }));
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) {
      const recorded = d.textOf(c);
      expect(recorded).toBeDefined();
      expect(forwardText(recorded!, true)).toBe(serialized(c, true));
      expect(forwardText(recorded!, false)).toBe(serialized(c, false));
    }
    const mockStyle = lines.map((l) => l.replace(/,"usage":null(,"obfuscation":"[^"]*")/, '$1,"usage":null'));
    const d2 = decoder();
    const decoded = mockStyle.flatMap((line) => d2.push({ data: line }));
    expect(decoded.length).toBe(chunks.length);
    for (const c of decoded) {
      const recorded = d2.textOf(c);
      expect(recorded).toBeDefined();
      expect(forwardText(recorded!, true)).toBe(serialized(c, true));
      expect(forwardText(recorded!, false)).toBe(serialized(c, false));
    }
  });

  it('hands texts out in decode order, skipping chunks without one, and nothing for a chunk asked out of order', () => {
    const d = decoder();
    const lines = [
      `{${BASE},"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"usage":null}`,
      `{${BASE},"choices":[{"index":0,"delta":{},"finish_reason":"eos"}],"usage":null}`,
      `{${BASE},"choices":[{"index":0,"delta":{"content":"c"},"finish_reason":null}],"usage":null}`,
      `{${BASE},"choices":[{"index":0,"delta":{"content":"d"},"finish_reason":null}],"usage":null}`,
    ];
    const [a, b, c, e] = lines.flatMap((l) => d.push({ data: l }));
    expect(d.textOf(c!)).toBeUndefined(); // not the oldest recorded: a is
    expect(d.textOf(a!)).toBe(lines[0]);
    expect(d.textOf(b!)).toBeUndefined(); // patched: none recorded
    expect(d.textOf(c!)).toBe(lines[2]);
    expect(d.textOf(e!)).toBe(lines[3]);
    expect(d.textOf(e!)).toBeUndefined();
  });
});
