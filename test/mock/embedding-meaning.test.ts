import { describe, expect, it } from 'vitest';
import { embedText } from '../../src/mock/answer/embedding.js';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('mock embeddings carry meaning', () => {
  it('paraphrases are close, unrelated texts far apart, the same text identical', () => {
    const a = embedText('How do I reset my password?', 1536);
    const b = embedText('how can I reset my password', 1536);
    const c = embedText('What is the weather in Paris today?', 1536);
    expect(cos(a, b)).toBeGreaterThan(0.75);
    expect(cos(a, b)).toBeLessThan(0.99);
    expect(Math.abs(cos(a, c))).toBeLessThan(0.2);
    expect(embedText('How do I reset my password?', 1536)).toEqual(a);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
  });

  it('different texts never share a vector, even with the same words or none', () => {
    expect(embedText('reset my password', 64)).not.toEqual(embedText('password my reset', 64));
    expect(embedText('', 8)).not.toEqual(embedText('!!', 8));
    expect(Math.hypot(...embedText('', 8))).toBeCloseTo(1, 5);
  });
});
