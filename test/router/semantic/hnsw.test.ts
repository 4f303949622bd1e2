import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../../../src/router/semantic-cache/hnsw.js';

/** Clustered unit vectors from a seeded PRNG (like embeddings of related questions). */
function dataset(n: number, dims: number, clusters: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const centers = Array.from({ length: clusters }, () => Float32Array.from({ length: dims }, () => rnd() * 2 - 1));
  return Array.from({ length: n }, (_, i) => {
    const c = centers[i % clusters]!;
    const v = Float32Array.from(c, (x) => x + (rnd() * 2 - 1) * 0.6);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function recallAt1(index: HnswIndex, queries: Float32Array[]): number {
  let ok = 0;
  for (const q of queries) if (index.search(q, 1)[0]?.label === index.bruteForce(q, 1)[0]?.label) ok++;
  return ok / queries.length;
}

describe('HNSW index', () => {
  it('finds the exact nearest neighbour for nearly every query (recall@1 against brute force)', () => {
    const data = dataset(3000, 48, 30, 1);
    const index = new HnswIndex(48, { seed: 7 });
    data.forEach((v, i) => index.add(i, v));
    expect(index.size).toBe(3000);
    const queries = dataset(300, 48, 30, 99);
    expect(recallAt1(index, queries)).toBeGreaterThanOrEqual(0.95);
    // A stored vector is its own nearest neighbour, similarity 1.
    const [hit] = index.search(data[123]!, 1);
    expect(hit!.label).toBe(123);
    expect(hit!.similarity).toBeCloseTo(1, 5);
  });

  it('never returns a removed vector; after heavy churn it rebuilds and keeps its recall', () => {
    const data = dataset(2000, 32, 20, 3);
    const index = new HnswIndex(32, { seed: 1 });
    data.slice(0, 1000).forEach((v, i) => index.add(i, v));
    for (let i = 0; i < 700; i++) index.remove(i);
    expect(index.size).toBe(300);
    expect(index.rebuilds).toBeGreaterThan(0);
    for (let i = 0; i < 700; i += 37) {
      const [hit] = index.search(data[i]!, 1);
      expect(hit!.label).toBeGreaterThanOrEqual(700);
      expect(index.has(i)).toBe(false);
    }
    data.slice(1000).forEach((v, i) => index.add(1000 + i, v));
    expect(recallAt1(index, dataset(200, 32, 20, 5))).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects a vector of other dimensions; an empty index finds nothing', () => {
    const index = new HnswIndex(4);
    expect(index.search(new Float32Array([1, 0, 0, 0]))).toEqual([]);
    expect(() => index.add(1, new Float32Array(3))).toThrow(/4 dimensions/);
  });
});
