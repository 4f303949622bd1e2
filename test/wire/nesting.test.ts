/** The nesting-depth scanner over raw bytes agrees with the depth of the parsed value, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/mock/answer/prng.js';
import { findTooDeep, JsonDepthScanner } from '../../src/wire/nesting.js';

const PIECES = ['[', ']', '{', '}', '"', '\\', '\\\\', '\\"', 'a', 'é', '😀', ' '];

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 12 ? 2 : 4));
  if (k === 0) return Array.from({ length: 1 + Math.floor(r() * 6) }, () => PIECES[Math.floor(r() * PIECES.length)]).join('');
  if (k === 1) return Math.floor(r() * 100);
  if (k === 2) return Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(r() * 3) }, (_, i) => [`k${i}${PIECES[Math.floor(r() * PIECES.length)]}`, randomValue(r, depth + 1)]));
}

function depthOf(v: unknown): number {
  let d = 0;
  while (findTooDeep(v, d) !== undefined) d++;
  return d;
}

describe('JsonDepthScanner', () => {
  it('matches the parsed depth for 500 random documents fed in random chunks', () => {
    const r = createPrng(42);
    for (let n = 0; n < 500; n++) {
      const value = randomValue(r, 0);
      const bytes = Buffer.from(JSON.stringify(value));
      const scanner = new JsonDepthScanner(1000);
      for (let i = 0; i < bytes.length; ) {
        const size = 1 + Math.floor(r() * 7);
        scanner.push(bytes.subarray(i, i + size));
        i += size;
      }
      expect(scanner.deepest).toBe(depthOf(value));
    }
  });

  it('stops at the first level past the limit', () => {
    const s = new JsonDepthScanner(3);
    expect(s.push(Buffer.from('{"a":[["x"]]'))).toBe(true);
    expect(s.push(Buffer.from(',"b":[[['))).toBe(false);
    expect(s.exceeded).toBe(true);
  });
});
