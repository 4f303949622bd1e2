/**
 * Redis StateStore: the router's shared state (budgets, rate-limit windows, breakers, eval-routing
 * windows, routing adjustments, the exact-match cache, the semantic cache's per-namespace streams)
 * kept in one Redis so that several router processes enforce one set of limits. Admission operations are Lua scripts run with EVALSHA
 * (loaded when the connection is ready, re-loaded on NOSCRIPT, e.g. after a Redis restart);
 * windows use Redis's clock. `update` is an optimistic compare-and-set loop.
 *
 * The client (ioredis) is loaded lazily, on the first RedisStore only. Every command is bounded by
 * `commandTimeoutMs` (default 50 ms); commands are never queued while disconnected, so nothing
 * waits for a reconnection. When Redis fails, the store is marked down (one log line), every
 * operation follows its feature's failure policy (failure-policy.ts) until Redis answers again
 * (one log line), and recovery needs no restart. A store created while Redis is down starts
 * degraded and recovers the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../errors.js';
import { systemClock, type Clock } from '../clock.js';
import { describePolicy, featureOf, resolveFailurePolicy, type FailurePolicy, type FailurePolicyInput } from './failure-policy.js';
import { MemoryStore } from './memory.js';
import { SCRIPTS, type ScriptName } from './redis-scripts.js';
import { admitVia } from './compose.js';
import type {
  AdmitOutcome,
  AdmitRequest,
  BreakerSuccess,
  ReserveAllResult,
  ReserveResult,
  ReserveSlot,
  SettleBatch,
  StateStore,
  StoreHealth,
  WindowAddResult,
  WindowSlot,
} from './types.js';

export interface RedisStoreLogger {
  info(line: string): void;
  warn(line: string): void;
}

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. */
  url: string;
  /** Prefix of every key (default `tracegate:`): several gateways can share one Redis. */
  keyPrefix?: string;
  /** Bound of every Redis command, ms (default 50). */
  commandTimeoutMs?: number;
  /** Bound of a connection attempt, ms (default 1000). */
  connectTimeoutMs?: number;
  /** What each feature does while Redis is unavailable (see failure-policy.ts). */
  failurePolicy?: FailurePolicyInput;
  /** Cache entries kept in Redis (oldest evicted first; default 1000). */
  cacheMaxEntries?: number;
  /** Largest cache entry stored, bytes of JSON (default 1 MiB; larger answers are not cached). */
  cacheMaxEntryBytes?: number;
  /** Total bytes of the cache entries kept in Redis (least recently used evicted first; default 64 MiB). */
  cacheMaxBytes?: number;
  /**
   * How long this instance reuses what it read of read-mostly state (breaker records, routing
   * adjustments), ms (default 1000; 0 reads Redis every time). Between `localCacheMs` and twice it
   * the old value is still served while a background read refreshes it. Breaker admission is
   * still decided in Redis (the `admit` script's gate), so a stale breaker costs a round trip,
   * never an upstream call.
   */
  localCacheMs?: number;
  /** TTL of keys written without one (breaker records, routing adjustments, `total` budgets); default 30 days, refreshed on write. */
  defaultTtlMs?: number;
  /** How often this instance announces itself (rate-limit local share), ms (default 5000). */
  heartbeatMs?: number;
  logger?: RedisStoreLogger;
  clock?: Clock;
}

type State = 'connecting' | 'up' | 'down';

/** A write-behind item: a settlement, or a cache write (with its caller's resolve). */
interface Queued {
  settle?: SettleBatch;
  cache?: { keys: string[]; args: string[] };
  done?: () => void;
}

const SHAS = Object.fromEntries(Object.entries(SCRIPTS).map(([name, src]) => [name, createHash('sha1').update(src).digest('hex')])) as Record<ScriptName, string>;
const CAS_ATTEMPTS = 50;
/** Read-mostly keys served from the local read cache (breaker records, routing adjustments). */
const READ_MOSTLY = /^(breaker|route):/;
const PROBE_EVERY_MS = 500;
/** Consecutive failed commands (timeouts) that mark a connected Redis down. */
const DOWN_AFTER_TIMEOUTS = 3;

/** A failure that means "Redis is not answering" (as opposed to a bad command). */
function isOutage(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  if (e?.name !== 'ReplyError') return true;
  return /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN)/.test(e.message ?? '');
}

/** The URL without its password (logs, health). */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username && u.password === '') u.username = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis://(unparseable url)';
  }
}

export class RedisStore implements StateStore {
  readonly prefix: string;
  readonly policy: FailurePolicy;
  readonly instanceId = randomBytes(6).toString('hex');
  private readonly opts: Required<Omit<RedisStoreOptions, 'failurePolicy' | 'keyPrefix' | 'logger' | 'clock'>>;
  private readonly log: RedisStoreLogger;
  private readonly local: MemoryStore;
  private client: RedisClient | undefined;
  private state: State = 'connecting';
  private downSince = 0;
  private downReason = '';
  private instancesSeen = 1;
  private readonly started: Promise<void>;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private firstReady: (() => void) | undefined;
  private failuresInRow = 0;
  /** Budget settlements made while Redis was down (fail-closed budgets: every reservation is in Redis). */
  private readonly pendingIncrements = new Map<string, { delta: number; ttlMs: number }>();
  /** Read-mostly values (raw JSON, null = absent) and when they were read from Redis (performance.now()). */
  private readonly readCache = new Map<string, { raw: string | null; at: number; refreshing?: boolean }>();
  /** Settlements waiting for the next write-behind flush, and the flushes under way. */
  private settleQueue: Queued[] = [];
  private readonly flushes = new Set<Promise<void>>();
  private settleErrorLogged = false;
  /** Operations that followed the failure policy (metrics, tests). */
  fallbacks = 0;
  /** NOSCRIPT reloads (tests). */
  scriptReloads = 0;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? 'tracegate:';
    this.policy = resolveFailurePolicy(options.failurePolicy);
    this.opts = {
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs ?? 50,
      connectTimeoutMs: options.connectTimeoutMs ?? 1000,
      cacheMaxEntries: options.cacheMaxEntries ?? 1000,
      cacheMaxEntryBytes: options.cacheMaxEntryBytes ?? 1024 * 1024,
      cacheMaxBytes: options.cacheMaxBytes ?? 64 * 1024 * 1024,
      localCacheMs: options.localCacheMs ?? 1000,
      defaultTtlMs: options.defaultTtlMs ?? 30 * 86_400_000,
      heartbeatMs: options.heartbeatMs ?? 5000,
    };
    this.log = options.logger ?? { info: (l) => console.log(l), warn: (l) => console.warn(l) };
    const clock = options.clock ?? systemClock;
    this.local = new MemoryStore({ clock, cacheMaxEntries: 1 });
    this.started = this.start();
  }

  // ---- connection ---------------------------------------------------------------------------

  private async start(): Promise<void> {
    const mod = await import('ioredis');
    const Redis = (mod.default ?? (mod as unknown as { Redis: typeof mod.default }).Redis) as unknown as new (url: string, o: RedisOptions) => RedisClient;
    const client = new Redis(this.opts.url, {
      commandTimeout: this.opts.commandTimeoutMs,
      connectTimeout: this.opts.connectTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(100 * times, 1000),
      lazyConnect: true,
    });
    this.client = client;
    client.on('error', () => {
      /* reported through the state transitions below */
    });
    client.on('ready', () => void this.onReady());
    client.on('close', () => this.markDown('connection closed'));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.opts.heartbeatMs);
    this.heartbeatTimer.unref();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.opts.connectTimeoutMs + 100);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.firstReady = done;
      client.connect().catch(() => done());
    });
    this.firstReady = undefined;
    if (this.state === 'connecting') this.markDown('no connection at start');
  }

  private async onReady(): Promise<void> {
    const c = this.client;
    if (!c || this.closed) return;
    try {
      const pipe = c.pipeline();
      for (const src of Object.values(SCRIPTS)) pipe.script('LOAD', src);
      await pipe.exec();
    } catch {
      /* loaded again on NOSCRIPT */
    }
    this.markUp();
    this.firstReady?.();
    await this.heartbeat();
  }

  private markUp(): void {
    if (this.state === 'up' || this.closed) return;
    const was = this.state;
    this.state = 'up';
    this.failuresInRow = 0;
    this.readCache.clear();
    this.stopProbe();
    if (was === 'down') {
      const secs = ((Date.now() - this.downSince) / 1000).toFixed(1);
      this.log.info(`tracegate store: Redis ${redactRedisUrl(this.opts.url)} is back after ${secs}s; shared state resumes`);
      void this.flushPending();
    }
  }

  private markDown(reason: string): void {
    if (this.closed || this.state === 'down') return;
    const was = this.state;
    this.state = 'down';
    this.readCache.clear();
    this.downSince = Date.now();
    this.downReason = reason;
    const verb = was === 'connecting' ? 'is unavailable at start' : 'went away';
    this.log.warn(`tracegate store: Redis ${redactRedisUrl(this.opts.url)} ${verb} (${reason}); until it is back: ${describePolicy(this.policy)}`);
    this.startProbe();
  }

  /** While down, a PING now and then notices a Redis that answers again without reconnecting (slow, not gone). */
  private startProbe(): void {
    if (this.probeTimer) return;
    this.probeTimer = setInterval(() => {
      const c = this.client;
      if (!c || c.status !== 'ready') return;
      c.ping().then(
        () => this.markUp(),
        () => {},
      );
    }, PROBE_EVERY_MS);
    this.probeTimer.unref();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private async heartbeat(): Promise<void> {
    if (this.state !== 'up') return;
    try {
      const n = await this.script('heartbeat', [this.k('instances')], [this.instanceId, String(this.opts.heartbeatMs * 3)]);
      this.instancesSeen = Math.max(1, Number(n));
    } catch (err) {
      if (isOutage(err)) this.markDown(messageOf(err));
    }
  }

  private async flushPending(): Promise<void> {
    if (!this.pendingIncrements.size) return;
    const entries = [...this.pendingIncrements];
    this.pendingIncrements.clear();
    for (const [key, { delta, ttlMs }] of entries) {
      try {
        await this.script('increment', [this.k(key)], [String(delta), String(ttlMs)]);
      } catch {
        const p = this.pendingIncrements.get(key);
        this.pendingIncrements.set(key, { delta: delta + (p?.delta ?? 0), ttlMs });
      }
    }
  }

  /** One line for startup banners (no password). */
  get description(): string {
    return `redis ${redactRedisUrl(this.opts.url)} (key prefix "${this.prefix}", command timeout ${this.opts.commandTimeoutMs} ms)`;
  }

  /** Instances seen by the heartbeat in the last three beats (≥ 1). */
  get instances(): number {
    return this.instancesSeen;
  }

  degraded(): boolean {
    return this.state === 'down';
  }

  async health(): Promise<StoreHealth> {
    await this.started;
    const h: StoreHealth = { kind: 'redis', status: this.state === 'up' ? 'ok' : 'degraded', instances: this.instancesSeen };
    if (this.state !== 'up') h.detail = `Redis ${redactRedisUrl(this.opts.url)} unavailable since ${new Date(this.downSince).toISOString()} (${this.downReason}); ${describePolicy(this.policy)}`;
    return h;
  }

  async close(): Promise<void> {
    await this.started.catch(() => {});
    void this.flushSettle();
    await Promise.all([...this.flushes]);
    this.closed = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.stopProbe();
    await this.started.catch(() => {});
    const c = this.client;
    if (!c) return;
    if (c.status === 'ready') {
      try {
        await c.zrem(this.k('instances'), this.instanceId);
        await c.quit();
        return;
      } catch {
        /* fall through */
      }
    }
    c.disconnect();
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private k(key: string): string {
    return this.prefix + key;
  }

  private async script(name: ScriptName, keys: string[], args: string[]): Promise<unknown> {
    const c = this.client!;
    try {
      return await c.evalsha(SHAS[name], keys.length, ...keys, ...args);
    } catch (err) {
      if (!/NOSCRIPT/.test(messageOf(err))) throw err;
      this.scriptReloads++;
      await c.script('LOAD', SCRIPTS[name]);
      return c.evalsha(SHAS[name], keys.length, ...keys, ...args);
    }
  }

  /**
   * Runs `remote` on Redis; when Redis is down or the command fails for want of Redis, runs the
   * fallback (the feature's failure policy) instead. Bad-command errors are not outages: thrown.
   */
  private async run<T>(remote: (c: RedisClient) => Promise<T>, fallback: () => Promise<T> | T): Promise<T> {
    await this.started;
    if (this.state === 'up' && this.client) {
      try {
        const out = await remote(this.client);
        this.failuresInRow = 0;
        return out;
      } catch (err) {
        if (!isOutage(err)) throw err;
        // A lost connection marks Redis down at once (the 'close' event); slow answers after a few in a row.
        if (++this.failuresInRow >= DOWN_AFTER_TIMEOUTS) this.markDown(messageOf(err));
      }
    }
    this.fallbacks++;
    return fallback();
  }

  private unavailable(what: string): never {
    throw new StoreUnavailableError(`the shared state store is unavailable, so ${what} cannot be checked; try again shortly`);
  }

  // ---- StateStore ---------------------------------------------------------------------------

  async get<T>(key: string): Promise<T | undefined> {
    if (this.opts.localCacheMs > 0 && READ_MOSTLY.test(key) && this.state === 'up') {
      const e = this.readCache.get(key);
      const age = e ? performance.now() - e.at : Infinity;
      if (e && age < 2 * this.opts.localCacheMs) {
        if (age >= this.opts.localCacheMs && !e.refreshing) {
          e.refreshing = true;
          void this.read(key).catch(() => {});
        }
        return e.raw === null ? undefined : (JSON.parse(e.raw) as T);
      }
    }
    const raw = await this.read(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  /** Reads a key's raw JSON from Redis (remembering read-mostly ones), or from the failure policy's local state. */
  private async read(key: string): Promise<string | null> {
    return this.run(
      async (c) => {
        const raw = await c.get(this.k(key));
        this.remember(key, raw);
        return raw;
      },
      async () => {
        if (featureOf(key) === 'cache') return null;
        const v = await this.local.get(key);
        return v === undefined ? null : JSON.stringify(v);
      },
    );
  }

  /** What this instance read or wrote of a read-mostly key (its own writes are seen at once). */
  private remember(key: string, raw: string | null): void {
    if (this.opts.localCacheMs > 0 && READ_MOSTLY.test(key)) this.readCache.set(key, { raw, at: performance.now() });
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    await this.run(
      async (c) => {
        const raw = JSON.stringify(value);
        await c.set(this.k(key), raw, 'PX', Math.max(1, Math.round(ttlMs ?? this.opts.defaultTtlMs)));
        this.remember(key, raw);
      },
      () => (featureOf(key) === 'cache' ? undefined : this.local.set(key, value, ttlMs)),
    );
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    await this.run(
      async (c) => {
        await c.del(this.k(key), this.k(`${key}#m`));
        this.remember(key, null);
      },
      () => undefined,
    );
  }

  async keys(prefix: string): Promise<string[]> {
    return this.run(
      async (c) => {
        const out = new Set<string>();
        const pattern = this.k(prefix).replace(/[*?[\]\\]/g, '\\$&') + '*';
        let cursor = '0';
        do {
          const [next, batch] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          for (const k of batch) if (!k.endsWith('#m')) out.add(k.slice(this.prefix.length));
          cursor = next;
        } while (cursor !== '0');
        return [...out];
      },
      () => this.local.keys(prefix),
    );
  }

  async update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number): Promise<T | undefined> {
    return this.run(
      async (c) => {
        const k = this.k(key);
        for (let i = 0; i < CAS_ATTEMPTS; i++) {
          const raw = await c.get(k);
          const next = fn(raw === null ? undefined : (JSON.parse(raw) as T));
          const nextRaw = next === undefined ? null : JSON.stringify(next);
          if (nextRaw === raw) {
            this.remember(key, raw);
            return next;
          }
          const px = String(Math.max(1, Math.round(ttlMs ?? this.opts.defaultTtlMs)));
          const ok = await this.script('cas', [k], [raw === null ? '0' : '1', raw ?? '', nextRaw === null ? '0' : '1', nextRaw ?? '', px]);
          if (Number(ok) === 1) {
            this.remember(key, nextRaw);
            return next;
          }
        }
        throw Object.assign(new Error(`too much contention on ${key}`), { name: 'ReplyError' });
      },
      () => this.local.update(key, fn, ttlMs),
    );
  }

  async reserve(key: string, amount: number, limit: number, ttlMs?: number): Promise<ReserveResult> {
    return this.run(
      async () => {
        const r = (await this.script('reserve', [this.k(key)], [String(amount), String(limit), this.ttl(ttlMs)])) as [number, string];
        return { ok: Number(r[0]) === 1, value: Number(r[1]) };
      },
      () => (featureOf(key) === 'budgets' && this.policy.budgets === 'fail-closed' ? this.unavailable('the budget') : this.local.reserve(key, amount, limit, ttlMs)),
    );
  }

  async reserveAll(slots: readonly ReserveSlot[], amount: number): Promise<ReserveAllResult> {
    if (slots.length === 0) return { ok: true };
    return this.run(
      async (): Promise<ReserveAllResult> => {
        const args = [String(amount)];
        for (const s of slots) args.push(String(s.limit), this.ttl(s.ttlMs));
        const r = (await this.script('reserveAll', slots.map((s) => this.k(s.key)), args)) as [number, number?, string?];
        if (Number(r[0]) === 1) return { ok: true };
        return { ok: false, failed: Number(r[1]) - 1, value: Number(r[2]) };
      },
      async (): Promise<ReserveAllResult> => {
        if (slots.some((s) => featureOf(s.key) === 'budgets') && this.policy.budgets === 'fail-closed') this.unavailable('the budget');
        const done: ReserveSlot[] = [];
        for (const [i, s] of slots.entries()) {
          const r = await this.local.reserve(s.key, amount, s.limit, s.ttlMs);
          if (!r.ok) {
            for (const d of done) await this.local.increment(d.key, -amount, d.ttlMs);
            return { ok: false, failed: i, value: r.value };
          }
          done.push(s);
        }
        return { ok: true };
      },
    );
  }

  async increment(key: string, amount: number, ttlMs?: number): Promise<number> {
    return this.run(
      async () => Number(await this.script('increment', [this.k(key)], [String(amount), this.ttl(ttlMs)])),
      () => this.localIncrement(key, amount, ttlMs),
    );
  }

  /** An increment while Redis is unavailable: local, and a budget's is replayed in Redis when it is back. */
  private localIncrement(key: string, amount: number, ttlMs: number | undefined): Promise<number> {
    if (amount !== 0 && featureOf(key) === 'budgets' && this.policy.budgets === 'fail-closed') {
      const p = this.pendingIncrements.get(key);
      this.pendingIncrements.set(key, { delta: amount + (p?.delta ?? 0), ttlMs: Number(this.ttl(ttlMs)) });
    }
    return this.local.increment(key, amount, ttlMs);
  }

  async windowAdd(key: string, amount: number, windowMs: number, now: number, limit?: number): Promise<WindowAddResult> {
    return this.run(
      async () => {
        const r = (await this.script('windowAdd', [this.k(key), this.k(`${key}#m`)], [String(amount), String(windowMs), limit === undefined ? '' : String(limit)])) as string[];
        const out: WindowAddResult = { ok: Number(r[0]) === 1, used: Number(r[1]) };
        if (r[2] !== undefined) out.retryAfterMs = Number(r[2]);
        return out;
      },
      () => this.localWindowAdd(key, amount, windowMs, now, limit),
    );
  }

  private localWindowAdd(key: string, amount: number, windowMs: number, now: number, limit: number | undefined): Promise<WindowAddResult> | WindowAddResult {
    if (featureOf(key) !== 'rateLimits' || limit === undefined) return this.local.windowAdd(key, amount, windowMs, now, limit);
    switch (this.policy.rateLimits) {
      case 'fail-open':
        return { ok: true, used: 0 };
      case 'fail-closed':
        return this.unavailable('the rate limit');
      case 'local':
        return this.local.windowAdd(key, amount, windowMs, now, limit);
      case 'local-share':
        return this.local.windowAdd(key, amount, windowMs, now, Math.max(1, Math.floor(limit / this.instancesSeen)));
    }
  }

  async windowUsage(key: string, windowMs: number, now: number): Promise<number> {
    return this.run(
      async () => Number(await this.script('windowUsage', [this.k(key), this.k(`${key}#m`)], [String(windowMs)])),
      () => this.local.windowUsage(key, windowMs, now),
    );
  }

  async cacheGet<T>(key: string, _now: number): Promise<T | undefined> {
    return this.run(
      async () => {
        const raw = (await this.script('cacheGet', [this.k(key), this.k('cache#index')], [])) as string | null;
        return raw === null ? undefined : (JSON.parse(raw) as T);
      },
      () => undefined,
    );
  }

  /**
   * Stores an answer for every instance: entries above `cacheMaxEntryBytes` are not stored; the
   * entries together stay within `cacheMaxEntries` and `cacheMaxBytes` (`sizeBytes`, the JSON
   * byte length, when the caller knows it), least recently used evicted first.
   */
  async cacheSet<T>(key: string, value: T, ttlMs: number, _now: number, sizeBytes?: number): Promise<void> {
    const raw = JSON.stringify(value);
    const bytes = sizeBytes ?? Buffer.byteLength(raw);
    if (bytes > this.opts.cacheMaxEntryBytes || bytes > this.opts.cacheMaxBytes) return;
    const books = ['cache#index', 'cache#exp', 'cache#sizes', 'cache#bytes'].map((b) => this.k(b));
    const args = [raw, String(Math.max(1, Math.round(ttlMs))), String(this.opts.cacheMaxEntries), String(this.opts.cacheMaxBytes), String(bytes)];
    // Write-behind with the settlements (the caller does not wait for it): resolves once written.
    await new Promise<void>((done) => this.enqueue({ cache: { keys: [this.k(key), ...books], args }, done }));
  }

  // ---- the hot path: one admission, write-behind settlement ---------------------------------

  /** One attempt's admission: one EVALSHA (the `admit` script); while Redis is unavailable, the steps one by one under the failure policy. */
  async admit(req: AdmitRequest): Promise<AdmitOutcome> {
    return this.run(
      async (): Promise<AdmitOutcome> => {
        const keys: string[] = [];
        const args: string[] = [];
        const windows = (list: readonly WindowSlot[]) => {
          args.push(String(list.length));
          for (const w of list) {
            keys.push(this.k(w.key), this.k(`${w.key}#m`));
            args.push(String(w.amount), String(w.windowMs), String(w.limit));
          }
        };
        windows(req.callWindows ?? []);
        if (req.gate !== undefined) keys.push(this.k(req.gate));
        args.push(req.gate !== undefined ? '1' : '0');
        const slots = req.budgets?.slots ?? [];
        args.push(String(slots.length), String(req.budgets?.amount ?? 0));
        for (const slot of slots) {
          keys.push(this.k(slot.key));
          args.push(String(slot.limit), this.ttl(slot.ttlMs));
        }
        windows(req.windows ?? []);
        const r = (await this.script('admit', keys, args)) as [string, ...(string | number)[]];
        switch (r[0]) {
          case 'ok':
            return { ok: true };
          case 'gate':
            this.remember(req.gate!, String(r[1]));
            return { ok: false, stage: 'gate', record: JSON.parse(String(r[1])) };
          case 'budget':
            return { ok: false, stage: 'budget', index: Number(r[1]) - 1, value: Number(r[2]) };
          default:
            return { ok: false, stage: r[0] === 'call' ? 'call' : 'window', index: Number(r[1]) - 1, used: Number(r[2]), retryAfterMs: Number(r[3]) };
        }
      },
      () => admitVia(this, req),
    );
  }

  /**
   * Queues a settlement and resolves at once (write-behind): the settlements queued in one turn of
   * the event loop go to Redis together, as one EVALSHA of the `settle` script, after the calls
   * that made them have answered. While Redis is unavailable they follow the failure policy
   * (budget corrections are replayed when it is back). `close()` sends what is queued.
   */
  async settle(batch: SettleBatch): Promise<void> {
    await this.started;
    this.enqueue({ settle: batch });
  }

  private enqueue(item: Queued): void {
    this.settleQueue.push(item);
    if (this.settleQueue.length === 1) setImmediate(() => void this.flushSettle());
  }

  /** Sends what is queued: the settlements as one `settle` EVALSHA, cache writes beside it (same tick: one round trip). */
  private flushSettle(): Promise<void> {
    const queued = this.settleQueue;
    this.settleQueue = [];
    const batches = queued.flatMap((q) => (q.settle ? [q.settle] : []));
    const writes = queued.flatMap((q) => (q.cache ? [this.cacheWrite(q.cache, q.done)] : []));
    const p = Promise.all([batches.length ? this.settleNow(batches) : undefined, ...writes]).then(() => undefined);
    this.flushes.add(p);
    void p.finally(() => this.flushes.delete(p));
    return p;
  }

  private cacheWrite(w: { keys: string[]; args: string[] }, done: (() => void) | undefined): Promise<void> {
    return this.run(
      async () => {
        await this.script('cacheSet', w.keys, w.args);
      },
      () => undefined,
    )
      .catch(() => {})
      .finally(() => done?.());
  }

  private settleNow(batches: SettleBatch[]): Promise<void> {
    return this.run(
      async () => {
        const keys: string[] = [];
        const args: string[] = ['0'];
        const ops: (BreakerSuccess | undefined)[] = [];
        for (const b of batches) {
          for (const i of b.increments ?? []) {
            keys.push(this.k(i.key));
            args.push('i', String(i.amount), this.ttl(i.ttlMs), '', '');
            ops.push(undefined);
          }
          for (const w of b.windows ?? []) {
            keys.push(this.k(w.key), this.k(`${w.key}#m`));
            args.push('w', String(w.amount), String(w.windowMs), '', '');
            ops.push(undefined);
          }
          const bs = b.breakerSuccess;
          if (bs) {
            keys.push(this.k(bs.key));
            args.push('b', String(bs.now), String(bs.windowMs), String(bs.buckets), this.ttl(undefined));
            ops.push(bs);
          }
        }
        args[0] = String(ops.length);
        const r = (await this.script('settle', keys, args)) as string[];
        // A breaker that was not closed records the success through its own compare-and-set path.
        ops.forEach((op, n) => {
          if (op && String(r[n]) !== '1') void op.otherwise().catch(() => {});
        });
      },
      async () => {
        for (const b of batches) await this.settleLocally(b);
      },
    ).catch((err: unknown) => {
      if (!this.settleErrorLogged) this.log.warn(`tracegate store: a settlement could not be written to Redis: ${messageOf(err)}`);
      this.settleErrorLogged = true;
    });
  }

  /** A settlement while Redis is unavailable: each part under its feature's failure policy. */
  private async settleLocally(b: SettleBatch): Promise<void> {
    for (const i of b.increments ?? []) await this.localIncrement(i.key, i.amount, i.ttlMs);
    for (const w of b.windows ?? []) await this.local.windowAdd(w.key, w.amount, w.windowMs, b.now);
    if (b.breakerSuccess) await b.breakerSuccess.otherwise();
  }

  async logAppend(key: string, data: string, maxLen: number, ttlMs: number): Promise<boolean> {
    if (Buffer.byteLength(data) > this.opts.cacheMaxEntryBytes + 65_536) return false;
    return this.run(
      async (c) => {
        const k = this.k(key);
        await c.multi().xadd(k, 'MAXLEN', '~', String(maxLen), '*', 'e', data).pexpire(k, Math.max(1, Math.round(ttlMs))).exec();
        return true;
      },
      () => false,
    );
  }

  async logRead(key: string, after: string, count: number): Promise<Array<{ id: string; data: string }> | undefined> {
    return this.run(
      async (c) => {
        const rows = await c.xrange(this.k(key), after === '0' ? '-' : `(${after}`, '+', 'COUNT', count);
        return rows.map(([id, fields]) => ({ id, data: fields[1] ?? '' }));
      },
      () => undefined,
    );
  }

  private ttl(ttlMs: number | undefined): string {
    return String(Math.max(1, Math.round(ttlMs ?? this.opts.defaultTtlMs)));
  }
}

function messageOf(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}
