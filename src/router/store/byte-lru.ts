/**
 * A least-recently-used map bounded by entry count and by total bytes, with a TTL per entry:
 * the in-memory response cache. Map iteration order is insertion order, so re-inserting on
 * read keeps the least recently used entry first. Sizes are what the caller says an entry
 * costs (the cache passes the byte length of its JSON form).
 */
interface Slot<V> {
  value: V;
  bytes: number;
  expiresAt: number;
}

export interface ByteLruOptions {
  maxEntries: number;
  /** Total bytes of every entry together. */
  maxBytes: number;
  /** An entry larger than this is not stored at all. */
  maxEntryBytes: number;
}

export class ByteLru<V> {
  private readonly map = new Map<string, Slot<V>>();
  private total = 0;

  constructor(private readonly options: ByteLruOptions) {}

  get(key: string, now: number): V | undefined {
    const s = this.map.get(key);
    if (!s) return undefined;
    this.map.delete(key);
    if (s.expiresAt <= now) {
      this.total -= s.bytes;
      return undefined;
    }
    this.map.set(key, s);
    return s.value;
  }

  /** Stores `value` as costing `bytes`; false (and nothing stored) when it is larger than one entry may be. */
  set(key: string, value: V, bytes: number, ttlMs: number, now: number): boolean {
    this.delete(key);
    const { maxEntries, maxBytes, maxEntryBytes } = this.options;
    if (bytes > maxEntryBytes || bytes > maxBytes) return false;
    this.map.set(key, { value, bytes, expiresAt: now + ttlMs });
    this.total += bytes;
    while (this.map.size > maxEntries || this.total > maxBytes) {
      this.delete(this.map.keys().next().value as string);
    }
    return true;
  }

  delete(key: string): void {
    const s = this.map.get(key);
    if (!s) return;
    this.map.delete(key);
    this.total -= s.bytes;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  get size(): number {
    return this.map.size;
  }

  /** Bytes held by the entries (expired ones included until they are read or evicted). */
  get bytes(): number {
    return this.total;
  }
}

/** The size a cached value is charged: the byte length of its JSON form. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
