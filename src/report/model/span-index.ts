/**
 * A compact span id → row index for the late joins (an evaluation that arrives after its answer
 * was folded into the cohorts; the parent check for span coverage). Open addressing over typed
 * arrays: a 64-bit span id is two uint32 keys, the row an int32; 12 bytes a slot at a load of at
 * most 0.7 (linear probing), so 17 to 34 bytes per id — against ~100 for a `Map` of hex strings.
 */

const EMPTY = -2147483648;

function halves(spanIdHex: string): [number, number] {
  return [parseInt(spanIdHex.slice(0, 8), 16) >>> 0, parseInt(spanIdHex.slice(8, 16), 16) >>> 0];
}

export class SpanIndex {
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

  /** Sets the row of a span id (a row is any int32 but -2^31). */
  set(spanIdHex: string, row: number): void {
    const [h, l] = halves(spanIdHex);
    this.setHalves(h, l, row);
  }

  private setHalves(h: number, l: number, row: number): void {
    const i = this.slot(h, l);
    if (this.val[i] === EMPTY) {
      this.size++;
      this.hi[i] = h;
      this.lo[i] = l;
    }
    this.val[i] = row;
    if (this.size * 10 > (this.mask + 1) * 7) this.grow();
  }

  /** The row of a span id, or undefined. */
  get(spanIdHex: string): number | undefined {
    const [h, l] = halves(spanIdHex);
    return this.getHalves(h, l);
  }

  getHalves(h: number, l: number): number | undefined {
    const v = this.val[this.slot(h, l)]!;
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

/** Per joined call: the aggregator's handle and the parent span id (for the coverage check at the end). */
export class CallRows {
  private handle = new Uint32Array(1024);
  private parentHi = new Uint32Array(1024);
  private parentLo = new Uint32Array(1024);
  private hasParent = new Uint8Array(1024);
  length = 0;

  get bytes(): number {
    return this.handle.byteLength * 3 + this.hasParent.byteLength;
  }

  push(handle: number, parentSpanIdHex: string | undefined): number {
    if (this.length === this.handle.length) this.grow();
    const row = this.length++;
    this.handle[row] = handle;
    if (parentSpanIdHex) {
      const [h, l] = halves(parentSpanIdHex);
      this.parentHi[row] = h;
      this.parentLo[row] = l;
      this.hasParent[row] = 1;
    }
    return row;
  }

  handleOf(row: number): number {
    return this.handle[row]!;
  }

  /** Calls `fn(handle, parentHi, parentLo)` for each row with a parent. */
  forEachWithParent(fn: (handle: number, hi: number, lo: number) => void): void {
    for (let r = 0; r < this.length; r++) if (this.hasParent[r]) fn(this.handle[r]!, this.parentHi[r]!, this.parentLo[r]!);
  }

  private grow(): void {
    const n = this.handle.length * 2;
    const copy = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.handle = copy(this.handle, (k) => new Uint32Array(k));
    this.parentHi = copy(this.parentHi, (k) => new Uint32Array(k));
    this.parentLo = copy(this.parentLo, (k) => new Uint32Array(k));
    this.hasParent = copy(this.hasParent, (k) => new Uint8Array(k));
  }
}
