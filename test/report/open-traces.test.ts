/** The open traces' typed-array store: id hash, activity order, slot and entry reuse, calls and shares. */
import { describe, expect, it } from 'vitest';
import { CohortAcc } from '../../src/report/cohort.js';
import { hexWord, wordHex } from '../../src/report/model/hex-words.js';
import { OpenTraces } from '../../src/report/model/open-traces.js';

/** Ids that differ in one word only (as exported ids often do: a counter, a random part, a constant). */
const id = (n: number): string => wordHex(n >>> 3) + wordHex(0xdeadbeef) + wordHex(n & 7) + wordHex(0x2a);

function order(o: OpenTraces): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  // Walks the activity order by removing from the head.
  for (let s = o.oldest(); s >= 0 && !seen.has(s); s = o.oldest()) {
    seen.add(s);
    out.push(s);
    o.remove(s);
  }
  return out;
}

describe('hex words', () => {
  it('reads and writes ids as uint32 words', () => {
    expect(hexWord('00000000ffffffff', 8)).toBe(0xffffffff);
    expect(hexWord('0123456789abcdef', 0)).toBe(0x01234567);
    expect(hexWord('0123456789ABCDEF', 8)).toBe(0x89abcdef);
    expect(wordHex(0x2a)).toBe('0000002a');
  });
});

describe('OpenTraces', () => {
  it('finds, adds and removes thousands of ids through growth and slot reuse, in order of last activity', () => {
    const o = new OpenTraces();
    const slotOf = new Map<number, number>();
    for (let n = 0; n < 5000; n++) {
      expect(o.find(id(n))).toBe(-1);
      slotOf.set(n, o.add(n));
    }
    expect(o.size).toBe(5000);
    for (let n = 0; n < 5000; n++) expect(o.find(id(n))).toBe(slotOf.get(n));
    for (const n of [0, 4999, 17, 2500]) expect(o.idOf(slotOf.get(n)!)).toBe(id(n));
    // Remove every third; the rest are still found, the removed are not.
    for (let n = 0; n < 5000; n += 3) o.remove(slotOf.get(n)!);
    for (let n = 0; n < 5000; n++) expect(o.find(id(n))).toBe(n % 3 === 0 ? -1 : slotOf.get(n));
    // Re-adding reuses slots and keeps distinct ids apart.
    for (let n = 0; n < 5000; n += 3) {
      expect(o.find(id(n + 100_000))).toBe(-1);
      slotOf.set(n + 100_000, o.add(10_000 + n));
    }
    expect(o.size).toBe(5000);
    for (let n = 0; n < 5000; n += 3) expect(o.idOf(o.find(id(n + 100_000)))).toBe(id(n + 100_000));
    // Touching moves a trace to the end of the activity order.
    o.touch(slotOf.get(1)!, 20_000);
    const walked = order(o);
    expect(walked).toHaveLength(5000);
    expect(walked[0]).toBe(slotOf.get(2));
    expect(walked[walked.length - 1]).toBe(slotOf.get(1));
    expect(o.size).toBe(0);
    expect(o.oldest()).toBe(-1);
  });

  it('keeps calls and cohort shares per trace, in order, through entry reuse', () => {
    const o = new OpenTraces();
    const [a, b, c] = [new CohortAcc({ route: 'a' }, false), new CohortAcc({ route: 'b' }, false), new CohortAcc({ route: 'c' }, false)];
    o.find(id(1));
    const s1 = o.add(0);
    o.find(id(2));
    const s2 = o.add(0);
    o.addShare(s1, b, 0.5);
    o.addShare(s2, a, 1);
    o.addShare(s1, a, 0.25);
    o.addShare(s1, b, 0.125);
    const shares = (s: number): [string, number][] => {
      const out: [string, number][] = [];
      o.eachShare(s, (acc, usd) => out.push([acc.key.route!, usd]));
      return out;
    };
    expect(shares(s1)).toEqual([
      ['b', 0.625],
      ['a', 0.25],
    ]);
    expect(shares(s2)).toEqual([['a', 1]]);
    // Calls: a failure handled by a later success of the same parent; a partial trace's earliest parent.
    o.addCall(s1, '00000000000000aa', 10, false);
    o.addCall(s1, '00000000000000aa', 11, true);
    o.addCall(s1, undefined, 5, true);
    expect(o.calls[s1]).toBe(3);
    expect(o.unhandledFailure(s1)).toBe(false);
    expect(o.earliestCallParent(s1)).toBeUndefined();
    o.addCall(s2, '00000000000000bb', 3, true);
    o.addCall(s2, '00000000000000cc', 4, false);
    expect(o.unhandledFailure(s2)).toBe(true);
    expect(o.earliestCallParent(s2)).toBe('00000000000000bb');
    o.addErrorSpan(s2, '00000000000000bb');
    expect(o.hasErrorSpan(s2, '00000000000000bb')).toBe(true);
    // Released entries are reused by another trace without leaking the old values.
    o.remove(s1);
    o.find(id(3));
    const s3 = o.add(1);
    expect(shares(s3)).toEqual([]);
    expect(o.calls[s3]).toBe(0);
    o.addShare(s3, c, 2);
    o.addCall(s3, '00000000000000dd', 1, false);
    expect(shares(s3)).toEqual([['c', 2]]);
    expect(shares(s2)).toEqual([['a', 1]]);
    expect(o.unhandledFailure(s3)).toBe(true);
    expect(o.hasErrorSpan(s3, '00000000000000bb')).toBe(false);
  });
});
