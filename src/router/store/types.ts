/**
 * The state store: everything the router must share between calls (and, with a networked
 * implementation, between processes) goes through this interface: breaker state, budget
 * counters and reservations, rate-limit windows, the response cache and routing adjustments.
 *
 * Every method is async so that a Redis implementation can follow. Operations that decide
 * admission are atomic: `reserve` (add only while under a limit) and `windowAdd` (sliding
 * window add only while under a limit). `update` is an atomic read-modify-write of one key
 * (a Redis implementation can run it as an optimistic WATCH/MULTI loop; `fn` must be pure).
 */

export interface ReserveResult {
  /** The amount was added. */
  ok: boolean;
  /** The counter after the operation (before it when refused). */
  value: number;
}

export interface WindowAddResult {
  ok: boolean;
  /** Sum in the window after the operation (before it when refused). */
  used: number;
  /** When refused: ms until enough of the window has expired for the amount to fit. */
  retryAfterMs?: number;
}

export interface StateStore {
  /** Reads a JSON-like value; undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Optional: the same read as `get`, answered synchronously, for a store whose reads are local
   * (the memory store). The router's per-call reads (breaker states, routing adjustments) use it
   * when present, so a call on such a store waits for no promise to learn them.
   */
  peek?<T>(key: string): T | undefined;
  /** Writes a value; `ttlMs` makes it expire. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix` (for listings such as breaker states and adjustments). */
  keys(prefix: string): Promise<string[]>;
  /**
   * Atomic read-modify-write of one key. `fn` gets the current value (undefined when absent)
   * and returns the new one (undefined deletes). Returns what `fn` returned.
   */
  update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number): Promise<T | undefined>;

  /**
   * Atomic counter add with admission: adds `amount` only when the counter is strictly below
   * `limit` before the add (so concurrent reservations overshoot the limit by at most one
   * amount). `ttlMs` sets the counter's expiry when it is created.
   */
  reserve(key: string, amount: number, limit: number, ttlMs?: number): Promise<ReserveResult>;
  /** Atomic unconditional counter add (reconcile, release: negative amounts). Returns the new value. */
  increment(key: string, amount: number, ttlMs?: number): Promise<number>;

  /**
   * Sliding-window add: adds `amount` at `now` when the window's sum plus `amount` stays within
   * `limit` (or unconditionally when `limit` is undefined). Atomic.
   */
  windowAdd(key: string, amount: number, windowMs: number, now: number, limit?: number): Promise<WindowAddResult>;
  /** Sum of the sliding window at `now`. */
  windowUsage(key: string, windowMs: number, now: number): Promise<number>;

  /**
   * Response cache: bounded (LRU, by count and by bytes) and TTL'd by the implementation.
   * `sizeBytes` is the byte length of the value's JSON form when the caller knows it (the router
   * always passes it, and never passes a value above its per-entry limit); an implementation
   * may use it to bound its memory instead of measuring the value again.
   */
  cacheGet<T>(key: string, now: number): Promise<T | undefined>;
  cacheSet<T>(key: string, value: T, ttlMs: number, now: number, sizeBytes?: number): Promise<void>;

  /**
   * Shared append-only logs (the semantic cache's namespaces, with a networked store): appends
   * `data`, keeps about the last `maxLen` entries, and lets the log expire `ttlMs` after its last
   * append. True when appended. A store without these keeps the semantic cache in the process.
   */
  logAppend?(key: string, data: string, maxLen: number, ttlMs: number): Promise<boolean>;
  /** Entries appended after position `after` (`'0'`: from the start), oldest first, at most `count`; undefined when the store cannot answer. */
  logRead?(key: string, after: string, count: number): Promise<Array<{ id: string; data: string }> | undefined>;

  /**
   * Reserves `amount` on every counter (each admitted while strictly below its own limit), or on
   * none: one atomic operation (one round trip for a networked store). `failed` is the index of
   * the first counter that refused and its value.
   */
  reserveAll?(keys: readonly ReserveSlot[], amount: number): Promise<ReserveAllResult>;

  /**
   * One attempt's admission in one atomic operation (one round trip for a networked store): the
   * call's windows, the breaker gate, the budget reservations and the attempt's windows (see
   * AdmitRequest). Without it the router composes the same steps from the methods above
   * (store/compose.ts).
   */
  admit?(request: AdmitRequest): Promise<AdmitOutcome>;
  /**
   * Settlement of an attempt or a call: counter corrections, window corrections and a closed
   * breaker's success. A networked store may apply it write-behind (resolving at once and sending
   * the settlements of many calls together, off the calls' latency); the memory store applies it
   * at once. Without it the router composes it from the methods above.
   */
  settle?(batch: SettleBatch): Promise<void>;

  /** What `/health/readiness` reports about the store (networked stores). */
  health?(): Promise<StoreHealth>;
  /** Synchronous: is the store currently answering from its local fallback? (affected calls are marked) */
  degraded?(): boolean;

  /** Releases resources (connections, timers). */
  close?(): Promise<void>;
}

export interface ReserveSlot {
  key: string;
  limit: number;
  ttlMs?: number;
}

export type ReserveAllResult = { ok: true } | { ok: false; failed: number; value: number };

export interface StoreHealth {
  kind: string;
  /** `degraded`: the shared store is unreachable and the failure policies apply. */
  status: 'ok' | 'degraded';
  detail?: string;
  /** Instances seen by the heartbeat (networked stores). */
  instances?: number;
}

/** A sliding-window add with a limit (see `windowAdd`). */
export interface WindowSlot {
  key: string;
  amount: number;
  windowMs: number;
  limit: number;
}

/**
 * Everything one attempt needs admitted, in order:
 * 1. `callWindows` (the caller key's RPM/TPM, once per call): added all or none; refused → nothing else.
 * 2. `gate` (a breaker record key): the attempt goes on only while the record is absent or its
 *    `state` is `closed`; otherwise the outcome is `gate` with the record (the call windows stay
 *    added) and the caller takes its breaker's own (compare-and-set) path.
 * 3. `budgets` and 4. `windows` (the deployment's RPM/TPM): reserved all or none.
 */
export interface AdmitRequest {
  now: number;
  callWindows?: readonly WindowSlot[];
  gate?: string;
  budgets?: { slots: readonly ReserveSlot[]; amount: number };
  windows?: readonly WindowSlot[];
}

export type AdmitOutcome =
  | { ok: true }
  | { ok: false; stage: 'call' | 'window'; index: number; used: number; retryAfterMs: number }
  | { ok: false; stage: 'gate'; record: unknown }
  | { ok: false; stage: 'budget'; index: number; value: number };

/** A closed breaker's success (breaker.ts's bucket window), recorded by the store when it can. */
export interface BreakerSuccess {
  key: string;
  now: number;
  windowMs: number;
  buckets: number;
  /** Called (maybe later) when the record was not closed: the breaker records the success itself. */
  otherwise: () => Promise<unknown>;
}

export interface SettleBatch {
  now: number;
  increments?: readonly { key: string; amount: number; ttlMs?: number }[];
  /** Window corrections (no limit). */
  windows?: readonly { key: string; amount: number; windowMs: number }[];
  breakerSuccess?: BreakerSuccess;
}
