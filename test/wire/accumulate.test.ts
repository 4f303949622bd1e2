import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accumulateChunks, type ChatCompletionChunk } from '../../src/wire/index.js';

function chunks(path: string): ChatCompletionChunk[] {
  return readFileSync(new URL(`../fixtures/providers/${path}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ChatCompletionChunk);
}

describe('accumulateChunks', () => {
  it('rebuilds text, finish reason and usage of a recorded OpenAI stream', () => {
    const c = accumulateChunks(chunks('openai/openai-text.chunks.txt'));
    const whole = JSON.parse(readFileSync(new URL('../fixtures/providers/openai/openai-text.json', import.meta.url), 'utf8'));
    expect(c.choices[0]!.message.content!.startsWith('**Holiday Name:**')).toBe(true);
    expect(c.choices[0]!.finish_reason).toBe('stop');
    expect(c.usage?.completion_tokens).toBeGreaterThan(100);
    expect(typeof whole.id).toBe('string');
  });

  it('reassembles streamed tool-call arguments by index into valid JSON', () => {
    const c = accumulateChunks(chunks('deepseek/deepseek-tool-call.chunks.txt'));
    const calls = c.choices[0]!.message.tool_calls!;
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.id).not.toBe('');
      expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    }
    expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.choices[0]!.message.reasoning_content?.length).toBeGreaterThan(0);
  });
});
