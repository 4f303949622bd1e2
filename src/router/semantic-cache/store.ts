/**
 * Where semantic cache entries live. With the in-memory state store: in this process only. With
 * a store that has shared logs (Redis): every entry is appended to its namespace's log (a Redis
 * stream, trimmed to about `maxEntries`, expiring `ttlMs` after its last append), and before each
 * lookup this instance applies the entries appended since it last looked (its own included), so
 * every instance's index follows every addition; evictions (TTL, count) follow from the same
 * entries in the same order. When the shared store cannot answer, a lookup is a miss and nothing
 * is stored (the cache's `skip` failure policy).
 */
import type { StateStore } from '../store/types.js';
import type { SemanticCacheConfig } from './config.js';
import { SemanticNamespace, type SemanticEntry, type SemanticMatch } from './namespace.js';

/** Namespaces kept in memory; the least recently used is dropped past it (its entries stay in a shared log). */
const MAX_NAMESPACES = 10_000;
/** Entries applied from a log per read. */
const LOG_BATCH = 100;

interface WireEntry extends Omit<SemanticEntry, 'vector'> {
  vector: string;
}

export function encodeEntry(e: SemanticEntry): string {
  const w: WireEntry = { ...e, vector: Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength).toString('base64') };
  return JSON.stringify(w);
}

export function decodeEntry(raw: string): SemanticEntry | undefined {
  try {
    const w = JSON.parse(raw) as WireEntry;
    const bytes = Buffer.from(w.vector, 'base64');
    const vector = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
    return { ...w, vector };
  } catch {
    return undefined;
  }
}

export class SemanticStore {
  private readonly namespaces = new Map<string, SemanticNamespace>();

  constructor(private readonly store: StateStore) {}

  /** Whether entries are shared through the state store (Redis) rather than kept in this process. */
  get shared(): boolean {
    return typeof this.store.logAppend === 'function' && typeof this.store.logRead === 'function';
  }

  private ns(id: string, now: number): SemanticNamespace {
    let ns = this.namespaces.get(id);
    if (ns) {
      this.namespaces.delete(id);
    } else {
      ns = new SemanticNamespace();
      if (this.namespaces.size >= MAX_NAMESPACES) this.namespaces.delete(this.namespaces.keys().next().value!);
    }
    this.namespaces.set(id, ns); // most recently used last
    ns.lastUsed = now;
    return ns;
  }

  /** The best entry of the namespace at or above the threshold; undefined when the shared store could not answer. */
  async lookup(id: string, cfg: SemanticCacheConfig, vector: Float32Array, now: number): Promise<{ match?: SemanticMatch; best?: number } | undefined> {
    const ns = this.ns(id, now);
    if (this.shared && !(await this.follow(id, ns, cfg, now))) return undefined;
    return ns.search(vector, cfg.threshold, now);
  }

  /** Stores an entry: in the namespace here, or appended to the shared log. False when it was not stored. */
  async add(id: string, cfg: SemanticCacheConfig, entry: SemanticEntry, now: number): Promise<boolean> {
    if (!this.shared) return this.ns(id, now).add(entry, cfg.maxEntries, now);
    return (await this.store.logAppend!(logKey(id), encodeEntry(entry), cfg.maxEntries, cfg.ttlMs)) === true;
  }

  /** Applies what was appended to the namespace's log since this instance last read it. */
  private async follow(id: string, ns: SemanticNamespace, cfg: SemanticCacheConfig, now: number): Promise<boolean> {
    for (;;) {
      const batch = await this.store.logRead!(logKey(id), ns.cursor, LOG_BATCH);
      if (!batch) return false;
      for (const { id: pos, data } of batch) {
        ns.cursor = pos;
        const e = decodeEntry(data);
        if (e) ns.add(e, cfg.maxEntries, now);
      }
      if (batch.length < LOG_BATCH) return true;
    }
  }

  /** Entries held in this process for a namespace (tests). */
  size(id: string): number {
    return this.namespaces.get(id)?.size ?? 0;
  }
}

/** The shared log of a namespace (under `cache:`, so the store's cache failure policy applies). */
export function logKey(namespace: string): string {
  return `cache:sem:${namespace}`;
}
