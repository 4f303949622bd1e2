/**
 * A compact trace id → int32 map for the traces the grouper has closed (so a span arriving later is
 * recognized as late, and a late verdict can still correct its trace). Open addressing over typed
 * arrays: a 128-bit trace id is four uint32 keys, the value an int32; 20 bytes a slot at a load of
 * at most 0.7, so 29 to 57 bytes per closed trace, exact (no hashing collisions).
 */

const EMPTY = -2147483648;

function words(traceIdHex: string, out: Uint32Array): void {
  for (let i = 0; i < 4; i++) out[i] = parseInt(traceIdHex.slice(i * 8, i * 8 + 8), 16) >>> 0;
}

export class TraceIdIndex {
  private keys: Uint32Array;
  private val: Int32Array;
  private mask: number;
  private readonly w = new Uint32Array(4);
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap * 0.7 < initialCapacity) cap *= 2;
    this.keys = new Uint32Array(cap * 4);
    this.val = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get bytes(): number {
    return this.keys.byteLength + this.val.byteLength;
  }

  private slot(w: Uint32Array): number {
    const k = this.keys;
    let i = (Math.imul(w[0]! ^ Math.imul(w[1]!, 0x9e3779b1) ^ Math.imul(w[2]!, 0x85ebca6b) ^ w[3]!, 0xc2b2ae35) ^ (w[3]! >>> 15)) & this.mask;
    while (this.val[i] !== EMPTY && (k[i * 4] !== w[0] || k[i * 4 + 1] !== w[1] || k[i * 4 + 2] !== w[2] || k[i * 4 + 3] !== w[3])) i = (i + 1) & this.mask;
    return i;
  }

  /** Sets the value of a trace id (any int32 but -2^31). */
  set(traceIdHex: string, value: number): void {
    words(traceIdHex, this.w);
    this.setWords(this.w, value);
  }

  private setWords(w: Uint32Array, value: number): void {
    const i = this.slot(w);
    if (this.val[i] === EMPTY) {
      this.size++;
      this.keys.set(w, i * 4);
    }
    this.val[i] = value;
    if (this.size * 10 > (this.mask + 1) * 7) this.grow();
  }

  get(traceIdHex: string): number | undefined {
    words(traceIdHex, this.w);
    const v = this.val[this.slot(this.w)]!;
    return v === EMPTY ? undefined : v;
  }

  private grow(): void {
    const { keys, val } = this;
    const cap = (this.mask + 1) * 2;
    this.keys = new Uint32Array(cap * 4);
    this.val = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.size = 0;
    const w = new Uint32Array(4);
    for (let i = 0; i < val.length; i++) {
      if (val[i] === EMPTY) continue;
      w.set(keys.subarray(i * 4, i * 4 + 4));
      this.setWords(w, val[i]!);
    }
  }
}
