/**
 * One namespace of the semantic cache: its entries in arrival order, an HNSW index over their
 * vectors, TTL eviction (entries of one namespace share a TTL, so the oldest expires first) and
 * a bound on the count (the oldest is evicted first). Applying the same entries in the same
 * order gives the same contents, which is how instances sharing a Redis stream agree.
 */
import type { DeploymentRef } from '../../call-info.js';
import type { ChatCompletion } from '../../wire/chat-response.js';
import { HnswIndex } from './hnsw.js';

export interface SemanticEntry {
  /** Unique id (instances skip an entry they already hold). */
  id: string;
  vector: Float32Array;
  answer: ChatCompletion;
  deployment: DeploymentRef;
  storedAt: number;
  expiresAt: number;
  /** The call that produced the answer (a hit links to it). */
  trace?: { traceId: string; spanId: string };
  /** What producing the answer cost (USD): what a hit saves. */
  costUsd?: number;
}

export interface SemanticMatch {
  entry: SemanticEntry;
  similarity: number;
}

export class SemanticNamespace {
  private index: HnswIndex | undefined;
  private readonly entries = new Map<number, SemanticEntry>();
  private readonly ids = new Set<string>();
  /** Labels in arrival order; `head` is the oldest still held. */
  private order: number[] = [];
  private head = 0;
  private nextLabel = 0;
  /** Position in the shared log this namespace has applied up to. */
  cursor = '0';
  lastUsed = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Vector dimensions of this namespace (fixed by its first entry). */
  get dimensions(): number | undefined {
    return this.index?.dimensions;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds an entry (ignored when already held, expired, or of other dimensions), then evicts past `maxEntries`. */
  add(entry: SemanticEntry, maxEntries: number, now: number): boolean {
    if (this.ids.has(entry.id) || entry.expiresAt <= now) return false;
    if (this.index && this.index.dimensions !== entry.vector.length) return false;
    this.index ??= new HnswIndex(entry.vector.length);
    const label = this.nextLabel++;
    this.index.add(label, entry.vector);
    this.entries.set(label, entry);
    this.ids.add(entry.id);
    this.order.push(label);
    while (this.entries.size > maxEntries) this.evictOldest();
    return true;
  }

  /** Drops expired entries (oldest first). */
  prune(now: number): void {
    while (this.head < this.order.length) {
      const e = this.entries.get(this.order[this.head]!);
      if (e && e.expiresAt > now) break;
      this.evictOldest();
    }
  }

  /** The most similar live entry, when it reaches `threshold`; `best` is the best similarity seen either way. */
  search(vector: Float32Array, threshold: number, now: number): { match?: SemanticMatch; best?: number } {
    this.prune(now);
    if (!this.index || this.index.dimensions !== vector.length || this.entries.size === 0) return {};
    const [top] = this.index.search(vector, 1);
    if (!top) return {};
    const entry = this.entries.get(top.label);
    if (!entry || top.similarity < threshold) return { best: top.similarity };
    return { match: { entry, similarity: top.similarity }, best: top.similarity };
  }

  private evictOldest(): void {
    const label = this.order[this.head++];
    if (label === undefined) return;
    const e = this.entries.get(label);
    if (e) {
      this.entries.delete(label);
      this.ids.delete(e.id);
      this.index?.remove(label);
    }
    // Compact the arrival list now and then.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
