/**
 * In-memory StateStore: one process, every operation atomic because it runs synchronously
 * between awaits. Expired entries are dropped when read and by a sweep every few thousand writes.
 */
import { systemClock, type Clock } from '../clock.js';
import { ByteLru, jsonBytes } from './byte-lru.js';
import type { ReserveAllResult, ReserveResult, ReserveSlot, StateStore, WindowAddResult } from './types.js';

interface Entry<T> {
  value: T;
  expiresAt?: number;
}

/** Exact sliding log: one entry per add, evicted when it leaves the window. */
interface SlidingLog {
  times: number[];
  amounts: number[];
  head: number;
  sum: number;
}

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Cache entries kept (least recently used are evicted first). Default 1000. */
  cacheMaxEntries?: number;
  /** Total bytes of the cached answers (their JSON length), least recently used evicted first. Default 64 MiB. */
  cacheMaxBytes?: number;
  /** A single answer larger than this is not cached. Default 1 MiB. */
  cacheMaxEntryBytes?: number;
}

export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_ENTRY_BYTES = 1024 * 1024;

const SWEEP_EVERY = 4096;

export class MemoryStore implements StateStore {
  private readonly kv = new Map<string, Entry<unknown>>();
  private readonly counters = new Map<string, Entry<number>>();
  private readonly windows = new Map<string, SlidingLog>();
  private readonly cache: ByteLru<unknown>;
  private readonly clock: Clock;
  private writes = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.cache = new ByteLru({
      maxEntries: options.cacheMaxEntries ?? 1000,
      maxBytes: options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      maxEntryBytes: options.cacheMaxEntryBytes ?? DEFAULT_CACHE_MAX_ENTRY_BYTES,
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.read<T>(this.kv as Map<string, Entry<T>>, key);
  }

  peek<T>(key: string): T | undefined {
    return this.read<T>(this.kv as Map<string, Entry<T>>, key);
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.write(this.kv, key, value, ttlMs);
  }

  async delete(key: string): Promise<void> {
    this.kv.delete(key);
    this.counters.delete(key);
    this.windows.delete(key);
    this.cache.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (const map of [this.kv, this.counters] as Map<string, Entry<unknown>>[]) {
      for (const k of map.keys()) if (k.startsWith(prefix) && this.read(map, k) !== undefined) out.push(k);
    }
    return out;
  }

  async update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number): Promise<T | undefined> {
    const current = this.read<T>(this.kv as Map<string, Entry<T>>, key);
    const next = fn(current);
    if (next === undefined) this.kv.delete(key);
    else this.write(this.kv, key, next, ttlMs);
    return next;
  }

  async reserve(key: string, amount: number, limit: number, ttlMs?: number): Promise<ReserveResult> {
    const current = this.read(this.counters, key) ?? 0;
    if (current >= limit) return { ok: false, value: current };
    const value = current + amount;
    this.writeCounter(key, value, ttlMs);
    return { ok: true, value };
  }

  async reserveAll(slots: readonly ReserveSlot[], amount: number): Promise<ReserveAllResult> {
    for (const [i, s] of slots.entries()) {
      const value = this.read(this.counters, s.key) ?? 0;
      if (value >= s.limit) return { ok: false, failed: i, value };
    }
    for (const s of slots) this.writeCounter(s.key, (this.read(this.counters, s.key) ?? 0) + amount, s.ttlMs);
    return { ok: true };
  }

  async increment(key: string, amount: number, ttlMs?: number): Promise<number> {
    const value = (this.read(this.counters, key) ?? 0) + amount;
    this.writeCounter(key, value, ttlMs);
    return value;
  }

  async windowAdd(key: string, amount: number, windowMs: number, now: number, limit?: number): Promise<WindowAddResult> {
    let log = this.windows.get(key);
    if (!log) {
      log = { times: [], amounts: [], head: 0, sum: 0 };
      this.windows.set(key, log);
    }
    evict(log, now - windowMs);
    if (limit !== undefined && log.sum + amount > limit) {
      return { ok: false, used: log.sum, retryAfterMs: retryAfter(log, amount, limit, windowMs, now) };
    }
    log.times.push(now);
    log.amounts.push(amount);
    log.sum += amount;
    this.tick();
    return { ok: true, used: log.sum };
  }

  async windowUsage(key: string, windowMs: number, now: number): Promise<number> {
    const log = this.windows.get(key);
    if (!log) return 0;
    evict(log, now - windowMs);
    return log.sum;
  }

  async cacheGet<T>(key: string, now: number): Promise<T | undefined> {
    return this.cache.get(key, now) as T | undefined;
  }

  async cacheSet<T>(key: string, value: T, ttlMs: number, now: number, sizeBytes?: number): Promise<void> {
    this.cache.set(key, value, sizeBytes ?? jsonBytes(value), ttlMs, now);
  }

  /** Number of cache entries (tests, metrics). */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Bytes held by the cache entries (tests, metrics). */
  get cacheBytes(): number {
    return this.cache.bytes;
  }

  async close(): Promise<void> {
    this.kv.clear();
    this.counters.clear();
    this.windows.clear();
    this.cache.clear();
  }

  private read<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.clock.now()) {
      map.delete(key);
      return undefined;
    }
    return e.value;
  }

  private write<T>(map: Map<string, Entry<T>>, key: string, value: T, ttlMs?: number): void {
    const e: Entry<T> = { value };
    if (ttlMs !== undefined) e.expiresAt = this.clock.now() + ttlMs;
    map.set(key, e);
    this.tick();
  }

  private writeCounter(key: string, value: number, ttlMs?: number): void {
    const existing = this.counters.get(key);
    if (existing) existing.value = value;
    else this.write(this.counters, key, value, ttlMs);
  }

  private tick(): void {
    if (++this.writes % SWEEP_EVERY !== 0) return;
    const now = this.clock.now();
    for (const map of [this.kv, this.counters] as Map<string, Entry<unknown>>[]) {
      for (const [k, e] of map) if (e.expiresAt !== undefined && e.expiresAt <= now) map.delete(k);
    }
    for (const [k, log] of this.windows) if (log.head >= log.times.length) this.windows.delete(k);
  }
}

function evict(log: SlidingLog, cutoff: number): void {
  while (log.head < log.times.length && log.times[log.head]! <= cutoff) {
    log.sum -= log.amounts[log.head]!;
    log.head++;
  }
  if (log.head > 1024 && log.head * 2 > log.times.length) {
    log.times = log.times.slice(log.head);
    log.amounts = log.amounts.slice(log.head);
    log.head = 0;
  }
  if (log.head >= log.times.length) log.sum = 0;
}

function retryAfter(log: SlidingLog, amount: number, limit: number, windowMs: number, now: number): number {
  let sum = log.sum;
  for (let i = log.head; i < log.times.length; i++) {
    sum -= log.amounts[i]!;
    if (sum + amount <= limit) return Math.max(1, log.times[i]! + windowMs - now);
  }
  return windowMs;
}

