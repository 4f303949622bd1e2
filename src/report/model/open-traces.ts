/**
 * The traces the grouper holds open, with nothing per open trace that is a heap object: open traces
 * outlive many lines of the file, so as objects (or as `Map` keys: their id strings) V8 promoted
 * them to its old generation, and what they left behind when they closed made that generation grow
 * between full collections. Here everything is columns of typed arrays:
 *
 * - a slot per open trace (struct of arrays, slots reused through a free list): its 128-bit id as
 *   four uint32 words, found through a chained hash table over the words; its place in the order
 *   of last activity (a doubly linked list, least recently active at the head, moved in O(1));
 *   its root's start and status, cost, counters and flags;
 * - its calls (parent span id as two words, start, outcome) and its cohort shares (cohort id, USD)
 *   as entries of two pooled linked lists, in arrival / first-touched order.
 *
 * Only a trace's error span ids (rare) are kept as strings, in a `Map` by slot.
 */
import type { CohortAcc } from '../cohort.js';
import { hexWord, wordHex } from './hex-words.js';

/** Flags of a slot. */
export const ROOT_ERROR = 1;
export const PRICE_UNKNOWN = 2;

const CALL_HAS_PARENT = 1;
const CALL_OK = 2;

type Column = Float64Array | Int32Array | Uint32Array | Uint8Array;

function grown<T extends Column>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Rows of typed-array columns grown together; a released row is reused (free rows chained through `next`). */
class Rows {
  cap = 0;
  private used = 0;
  private free = -1;
  next = new Int32Array(0);

  constructor(private readonly growColumns: (cap: number) => void) {}

  alloc(): number {
    let row = this.free;
    if (row >= 0) {
      this.free = this.next[row]!;
      return row;
    }
    if (this.used === this.cap) {
      this.cap = Math.max(64, this.cap * 2);
      this.next = grown(this.next, this.cap);
      this.growColumns(this.cap);
    }
    row = this.used++;
    return row;
  }

  /** Releases a chain of rows linked through `next`, from `head` (-1: none). */
  releaseChain(head: number): void {
    let row = head;
    while (row >= 0) {
      const after = this.next[row]!;
      this.next[row] = this.free;
      this.free = row;
      row = after;
    }
  }
}

export class OpenTraces {
  /** Open traces. */
  size = 0;
  // ---- slots -------------------------------------------------------------------------------
  private readonly slots = new Rows((cap) => this.growSlots(cap));
  private w0 = new Uint32Array(0);
  private w1 = new Uint32Array(0);
  private w2 = new Uint32Array(0);
  private w3 = new Uint32Array(0);
  /** Next slot in the same hash bucket (-1: end). */
  private chain = new Int32Array(0);
  private prev = new Int32Array(0);
  private after = new Int32Array(0);
  touched = new Float64Array(0);
  rootStart = new Float64Array(0);
  costUsd = new Float64Array(0);
  calls = new Int32Array(0);
  retries = new Int32Array(0);
  fallbacks = new Int32Array(0);
  evaluationsFailed = new Int32Array(0);
  private flags = new Uint8Array(0);
  /** Index + 1 into `windows` (0: none yet). */
  private windowOf = new Uint8Array(0);
  private shareHead = new Int32Array(0);
  private callHead = new Int32Array(0);
  private callTail = new Int32Array(0);
  private readonly errorSpans = new Map<number, Set<string>>();
  /** Least / most recently active slot (-1: none). */
  private head = -1;
  private tail = -1;
  // ---- hash buckets over the id words --------------------------------------------------------
  private buckets = new Int32Array(64).fill(-1);
  // The words of the id last looked up (`find`), for `add`.
  private q0 = 0;
  private q1 = 0;
  private q2 = 0;
  private q3 = 0;
  // ---- share entries: cohort id, USD -----------------------------------------------------
  private readonly shares = new Rows((cap) => {
    this.shareAcc = grown(this.shareAcc, cap);
    this.shareUsd = grown(this.shareUsd, cap);
  });
  private shareAcc = new Int32Array(0);
  private shareUsd = new Float64Array(0);
  /** Cohort id → the cohort (ids are small process-wide counters). */
  private readonly accs: CohortAcc[] = [];
  // ---- call entries: parent span id words, start, outcome -----------------------------------
  private readonly callRows = new Rows((cap) => {
    this.callParentHi = grown(this.callParentHi, cap);
    this.callParentLo = grown(this.callParentLo, cap);
    this.callStartMs = grown(this.callStartMs, cap);
    this.callBits = grown(this.callBits, cap);
  });
  private callParentHi = new Uint32Array(0);
  private callParentLo = new Uint32Array(0);
  private callStartMs = new Float64Array(0);
  private callBits = new Uint8Array(0);
  /** The windows traces went to (one, or two with `--window`). */
  private readonly windows: unknown[] = [];

  private bucketOf(a: number, b: number, c: number, d: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35) ^ d;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h & (this.buckets.length - 1);
  }

  /** The slot of an open trace (32 hex digits), or -1; remembers the id for `add`. */
  find(traceId: string): number {
    const a = (this.q0 = hexWord(traceId, 0));
    const b = (this.q1 = hexWord(traceId, 8));
    const c = (this.q2 = hexWord(traceId, 16));
    const d = (this.q3 = hexWord(traceId, 24));
    for (let s = this.buckets[this.bucketOf(a, b, c, d)]!; s >= 0; s = this.chain[s]!) {
      if (this.w0[s] === a && this.w1[s] === b && this.w2[s] === c && this.w3[s] === d) return s;
    }
    return -1;
  }

  /** The words of the id last passed to `find` (for the closed-trace index). */
  get queried(): [number, number, number, number] {
    return [this.q0, this.q1, this.q2, this.q3];
  }

  /** Opens the trace last passed to `find` (which returned -1), as the most recently active. */
  add(touched: number): number {
    const s = this.slots.alloc();
    this.w0[s] = this.q0;
    this.w1[s] = this.q1;
    this.w2[s] = this.q2;
    this.w3[s] = this.q3;
    if (this.size + 1 > this.buckets.length) this.rehash(this.buckets.length * 2);
    const bucket = this.bucketOf(this.q0, this.q1, this.q2, this.q3);
    this.chain[s] = this.buckets[bucket]!;
    this.buckets[bucket] = s;
    this.size++;
    this.prev[s] = this.tail;
    this.after[s] = -1;
    if (this.tail >= 0) this.after[this.tail] = s;
    else this.head = s;
    this.tail = s;
    this.touched[s] = touched;
    this.rootStart[s] = NaN;
    this.costUsd[s] = 0;
    this.calls[s] = 0;
    this.retries[s] = 0;
    this.fallbacks[s] = 0;
    this.evaluationsFailed[s] = 0;
    this.flags[s] = 0;
    this.windowOf[s] = 0;
    this.shareHead[s] = -1;
    this.callHead[s] = -1;
    this.callTail[s] = -1;
    return s;
  }

  /** Marks the trace active now: it moves to the end of the activity order. */
  touch(s: number, now: number): void {
    this.touched[s] = now;
    if (this.tail === s) return;
    this.unlinkOrder(s);
    this.prev[s] = this.tail;
    this.after[s] = -1;
    this.after[this.tail] = s;
    this.tail = s;
  }

  /** The least recently active open trace, or -1. */
  oldest(): number {
    return this.head;
  }

  /** The trace id of a slot (32 lowercase hex digits). */
  idOf(s: number): string {
    return wordHex(this.w0[s]!) + wordHex(this.w1[s]!) + wordHex(this.w2[s]!) + wordHex(this.w3[s]!);
  }

  /** The four id words of a slot. */
  wordsOf(s: number): [number, number, number, number] {
    return [this.w0[s]!, this.w1[s]!, this.w2[s]!, this.w3[s]!];
  }

  /** Forgets a trace: its slot and entries are reused. */
  remove(s: number): void {
    const bucket = this.bucketOf(this.w0[s]!, this.w1[s]!, this.w2[s]!, this.w3[s]!);
    if (this.buckets[bucket] === s) this.buckets[bucket] = this.chain[s]!;
    else {
      let p = this.buckets[bucket]!;
      while (this.chain[p] !== s) p = this.chain[p]!;
      this.chain[p] = this.chain[s]!;
    }
    this.unlinkOrder(s);
    this.size--;
    this.shares.releaseChain(this.shareHead[s]!);
    this.callRows.releaseChain(this.callHead[s]!);
    this.errorSpans.delete(s);
    this.slots.next[s] = -1;
    this.slots.releaseChain(s);
  }

  private unlinkOrder(s: number): void {
    const p = this.prev[s]!;
    const n = this.after[s]!;
    if (p >= 0) this.after[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  private rehash(size: number): void {
    this.buckets = new Int32Array(size).fill(-1);
    for (let s = this.head; s >= 0; s = this.after[s]!) {
      const bucket = this.bucketOf(this.w0[s]!, this.w1[s]!, this.w2[s]!, this.w3[s]!);
      this.chain[s] = this.buckets[bucket]!;
      this.buckets[bucket] = s;
    }
  }

  private growSlots(cap: number): void {
    this.w0 = grown(this.w0, cap);
    this.w1 = grown(this.w1, cap);
    this.w2 = grown(this.w2, cap);
    this.w3 = grown(this.w3, cap);
    this.chain = grown(this.chain, cap);
    this.prev = grown(this.prev, cap);
    this.after = grown(this.after, cap);
    this.touched = grown(this.touched, cap);
    this.rootStart = grown(this.rootStart, cap);
    this.costUsd = grown(this.costUsd, cap);
    this.calls = grown(this.calls, cap);
    this.retries = grown(this.retries, cap);
    this.fallbacks = grown(this.fallbacks, cap);
    this.evaluationsFailed = grown(this.evaluationsFailed, cap);
    this.flags = grown(this.flags, cap);
    this.windowOf = grown(this.windowOf, cap);
    this.shareHead = grown(this.shareHead, cap);
    this.callHead = grown(this.callHead, cap);
    this.callTail = grown(this.callTail, cap);
  }

  flag(s: number, bit: number): boolean {
    return (this.flags[s]! & bit) !== 0;
  }

  setFlag(s: number, bit: number, on: boolean): void {
    this.flags[s] = on ? this.flags[s]! | bit : this.flags[s]! & ~bit;
  }

  /** The window the trace's figures go to: the first one given. */
  windowFor<W>(s: number, window: W): W {
    const i = this.windowOf[s]!;
    if (i > 0) return this.windows[i - 1] as W;
    let k = this.windows.indexOf(window);
    if (k < 0) k = this.windows.push(window) - 1;
    this.windowOf[s] = k + 1;
    return window;
  }

  addErrorSpan(s: number, spanId: string): void {
    let set = this.errorSpans.get(s);
    if (!set) this.errorSpans.set(s, (set = new Set()));
    set.add(spanId);
  }

  hasErrorSpan(s: number, spanId: string): boolean {
    return this.errorSpans.get(s)?.has(spanId) ?? false;
  }

  /** Appends a call (its parent span id, start and outcome). */
  addCall(s: number, parentSpanId: string | undefined, startMs: number, ok: boolean): void {
    const e = this.callRows.alloc();
    this.callRows.next[e] = -1;
    if (parentSpanId !== undefined) {
      this.callParentHi[e] = hexWord(parentSpanId, 0);
      this.callParentLo[e] = hexWord(parentSpanId, 8);
    }
    this.callStartMs[e] = startMs;
    this.callBits[e] = (parentSpanId !== undefined ? CALL_HAS_PARENT : 0) | (ok ? CALL_OK : 0);
    if (this.callTail[s]! >= 0) this.callRows.next[this.callTail[s]!] = e;
    else this.callHead[s] = e;
    this.callTail[s] = e;
    this.calls[s]!++;
  }

  private sameParent(e: number, f: number): boolean {
    const has = this.callBits[e]! & CALL_HAS_PARENT;
    if (has !== (this.callBits[f]! & CALL_HAS_PARENT)) return false;
    return !has || (this.callParentHi[e] === this.callParentHi[f] && this.callParentLo[e] === this.callParentLo[f]);
  }

  /**
   * A failed call is handled when a later call of the same parent span (the app's step) succeeded.
   * "Later" is by start time: a call span may be ended a moment after the app already caught its
   * error and asked again.
   */
  unhandledFailure(s: number): boolean {
    const next = this.callRows.next;
    for (let e = this.callHead[s]!; e >= 0; e = next[e]!) {
      if (this.callBits[e]! & CALL_OK) continue;
      let handled = false;
      for (let f = this.callHead[s]!; f >= 0 && !handled; f = next[f]!) {
        handled = (this.callBits[f]! & CALL_OK) !== 0 && this.sameParent(f, e) && this.callStartMs[f]! > this.callStartMs[e]!;
      }
      if (!handled) return true;
    }
    return false;
  }

  /** The parent span id of the trace's earliest-starting call (the first of equals), undefined when it has none. */
  earliestCallParent(s: number): string | undefined {
    const next = this.callRows.next;
    let earliest = this.callHead[s]!;
    for (let e = next[earliest]!; e >= 0; e = next[e]!) if (this.callStartMs[e]! < this.callStartMs[earliest]!) earliest = e;
    if (!(this.callBits[earliest]! & CALL_HAS_PARENT)) return undefined;
    return wordHex(this.callParentHi[earliest]!) + wordHex(this.callParentLo[earliest]!);
  }

  /** Adds to the trace's share of a cohort (a new cohort goes last: shares keep the order first touched in). */
  addShare(s: number, acc: CohortAcc, usd: number): void {
    this.accs[acc.id] = acc;
    const next = this.shares.next;
    let last = -1;
    for (let e = this.shareHead[s]!; e >= 0; e = next[e]!) {
      if (this.shareAcc[e] === acc.id) {
        this.shareUsd[e] = this.shareUsd[e]! + usd;
        return;
      }
      last = e;
    }
    const e = this.shares.alloc();
    this.shareAcc[e] = acc.id;
    this.shareUsd[e] = usd;
    this.shares.next[e] = -1;
    if (last >= 0) this.shares.next[last] = e;
    else this.shareHead[s] = e;
  }

  /** Calls `f` with each cohort the trace touched and its share, in the order first touched. */
  eachShare(s: number, f: (acc: CohortAcc, usd: number) => void): void {
    for (let e = this.shareHead[s]!; e >= 0; e = this.shares.next[e]!) f(this.accs[this.shareAcc[e]!]!, this.shareUsd[e]!);
  }
}
