/**
 * A compact trace id → int32 map for the traces the grouper has closed (so a span arriving later is
 * recognized as late, and a late verdict can still correct its trace). Open addressing over typed
 * arrays: the 128-bit trace id is folded to 64 bits (each half of one word xor a bijective mix of
 * another), two uint32 keys and an int32 value: 12 bytes a slot at a load of at most 0.7, so 17 to
 * 34 bytes per closed trace. Two ids folding to the same 64 bits (odds about n²/2^65: 3·10^-8 for a
 * million traces) would make the second trace's spans count as late.
 */

import { hexWord } from './hex-words.js';

const EMPTY = -2147483648;

/** murmur3's 32-bit finalizer: a bijection on uint32. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function word(hex: string, i: number): number {
  return hexWord(hex, i * 8);
}

export class TraceIdIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap * 0.7 < initialCapacity) cap *= 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.val.byteLength;
  }

  private slot(h: number, l: number): number {
    let i = (Math.imul(h ^ Math.imul(l, 0x9e3779b1), 0x85ebca6b) ^ (l >>> 13)) & this.mask;
    while (this.val[i] !== EMPTY && (this.hi[i] !== h || this.lo[i] !== l)) i = (i + 1) & this.mask;
    return i;
  }

  /** Sets the value of a trace id (any int32 but -2^31). */
  set(traceIdHex: string, value: number): void {
    this.setWords(word(traceIdHex, 0), word(traceIdHex, 1), word(traceIdHex, 2), word(traceIdHex, 3), value);
  }

  /** `set` with the id as its four uint32 words. */
  setWords(w0: number, w1: number, w2: number, w3: number, value: number): void {
    this.setHalves((w0 ^ mix(w2)) >>> 0, (w1 ^ mix(w3)) >>> 0, value);
  }

  private setHalves(h: number, l: number, value: number): void {
    const i = this.slot(h, l);
    if (this.val[i] === EMPTY) {
      this.size++;
      this.hi[i] = h;
      this.lo[i] = l;
    }
    this.val[i] = value;
    if (this.size * 10 > (this.mask + 1) * 7) this.grow();
  }

  get(traceIdHex: string): number | undefined {
    return this.getWords(word(traceIdHex, 0), word(traceIdHex, 1), word(traceIdHex, 2), word(traceIdHex, 3));
  }

  /** `get` with the id as its four uint32 words. */
  getWords(w0: number, w1: number, w2: number, w3: number): number | undefined {
    const v = this.val[this.slot((w0 ^ mix(w2)) >>> 0, (w1 ^ mix(w3)) >>> 0)]!;
    return v === EMPTY ? undefined : v;
  }

  private grow(): void {
    const { hi, lo, val } = this;
    const cap = (this.mask + 1) * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < val.length; i++) if (val[i] !== EMPTY) this.setHalves(hi[i]!, lo[i]!, val[i]!);
  }
}
