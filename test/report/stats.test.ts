/** The bounded structures: percentiles (exact, then ±1 % log histogram), time buckets, the span index. */
import { describe, expect, it } from 'vitest';
import { SpanIndex } from '../../src/report/model/span-index.js';
import { TraceIdIndex } from '../../src/report/model/trace-index.js';
import { EXACT_LIMIT, Quantiles, RELATIVE_ACCURACY } from '../../src/report/stats/quantiles.js';
import { TIME_BUCKETS, TimeBuckets } from '../../src/report/stats/time-buckets.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('Quantiles', () => {
  it('is exact (nearest rank) up to EXACT_LIMIT values', () => {
    const q = new Quantiles();
    for (let i = 1; i <= 100; i++) q.add(101 - i);
    expect(q.isExact).toBe(true);
    expect([q.quantile(0.5), q.quantile(0.95), q.quantile(0.99), q.quantile(1)]).toEqual([50, 95, 99, 100]);
    expect(q.mean).toBe(50.5);
    q.add(-1);
    q.add(NaN);
    expect(q.count).toBe(100);
    expect(new Quantiles().quantile(0.5)).toBeUndefined();
  });

  it('past EXACT_LIMIT stays within the documented relative error of the true percentile', () => {
    const rand = lcg(7);
    const q = new Quantiles();
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // Log-normal-ish latencies from 1 ms to a few seconds, and some zeros.
      const v = i % 997 === 0 ? 0 : Math.exp(rand() * 8);
      values.push(v);
      q.add(v);
    }
    expect(q.isExact).toBe(false);
    values.sort((a, b) => a - b);
    for (const p of [0.01, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const truth = values[Math.ceil(p * values.length) - 1]!;
      const got = q.quantile(p)!;
      expect(Math.abs(got - truth)).toBeLessThanOrEqual(truth * RELATIVE_ACCURACY + 1e-12);
    }
    expect(q.quantile(0.0001)).toBe(0);
    expect(q.count).toBe(200_000);
    expect(EXACT_LIMIT).toBeLessThan(200_000);
  });
});

describe('TimeBuckets', () => {
  it('keeps at most TIME_BUCKETS buckets, widening as the range grows, without losing counts', () => {
    const tb = new TimeBuckets();
    const t0 = Date.UTC(2026, 0, 1);
    let total = 0;
    for (let i = 0; i < 5000; i++) {
      tb.add(t0 + i * 7_000, i % 3 === 0 ? 'anthropic' : 'openai');
      total++;
    }
    tb.add(t0 - 3_600_000, 'openai'); // earlier than everything so far
    total++;
    const s = tb.snapshot()!;
    const n = s.series.openai!.length;
    expect(n).toBeLessThanOrEqual(TIME_BUCKETS);
    expect(s.series.anthropic!.length).toBe(n);
    const sum = Object.values(s.series).flat().reduce((a, b) => a + b, 0);
    expect(sum).toBe(total);
    expect(s.startMs).toBeLessThanOrEqual(t0 - 3_600_000);
    expect(s.startMs + n * s.widthMs).toBeGreaterThan(t0 + 4999 * 7_000);
  });
});

describe('SpanIndex', () => {
  it('maps span ids to rows through growth, and misses unknown ids', () => {
    const idx = new SpanIndex(4);
    const rand = lcg(3);
    const ids: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const id = Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0') + Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0');
      ids.push(id);
      idx.set(id, i);
    }
    expect(idx.size).toBe(new Set(ids).size);
    for (let i = 0; i < ids.length; i += 97) expect(idx.get(ids[i]!)).toBe(ids.lastIndexOf(ids[i]!));
    expect(idx.get('0123456789abcdef')).toBeUndefined();
    idx.set(ids[0]!, -1);
    expect(idx.get(ids[0]!)).toBe(-1);
    expect(idx.bytes).toBeLessThanOrEqual(131_072 * 12);
  });

  it('maps 128-bit trace ids (random, and structured ones differing in one word only) through growth', () => {
    const idx = new TraceIdIndex(4);
    const rand = lcg(5);
    const w = (): string => Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0');
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) ids.push(w() + w() + w() + w());
    // Ids that differ only in the last word, or only in the first: no two may fold together.
    for (let i = 0; i < 20_000; i++) ids.push('00000000' + '0000abcd' + '12345678' + i.toString(16).padStart(8, '0'));
    for (let i = 0; i < 20_000; i++) ids.push(i.toString(16).padStart(8, '0') + '0000abcd' + '12345678' + '9abcdef0');
    ids.forEach((id, i) => idx.set(id, i));
    expect(idx.size).toBe(new Set(ids).size);
    for (let i = 0; i < ids.length; i += 37) expect(idx.get(ids[i]!)).toBe(i);
    expect(idx.get('f'.repeat(32))).toBeUndefined();
    expect(idx.bytes).toBeLessThanOrEqual(131_072 * 12);
  });
});
