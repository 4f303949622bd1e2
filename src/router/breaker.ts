/**
 * Circuit breaker per deployment, its state kept in the StateStore.
 *
 *   closed ──(failure rate ≥ threshold over the window with ≥ minRequests, or N consecutive
 *             failures)──▶ open ──(cooldown elapsed; next call)──▶ half_open
 *   half_open ──(probe succeeds)──▶ closed      half_open ──(probe fails)──▶ open (new cooldown)
 *
 * In half_open at most `halfOpenProbes` attempts are in flight; other calls skip the deployment.
 * Only the error classes in `failureClasses` count as failures; client errors (400, 401...) are
 * neutral, and any answer counts as a success.
 */
import type { ErrorClass } from '../errors.js';
import type { Clock } from './clock.js';
import type { BreakerSuccess, StateStore } from './store/types.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerConfig {
  enabled: boolean;
  /** Open after this many failures in a row. */
  consecutiveFailures: number;
  /** Open when failures / requests in the window reach this share... */
  failureRate: number;
  /** ...with at least this many requests in the window. */
  minRequests: number;
  windowMs: number;
  /** How long an open breaker stays open before it lets probes through. */
  cooldownMs: number;
  /** Probe attempts allowed in flight while half-open. */
  halfOpenProbes: number;
  failureClasses: readonly ErrorClass[];
}

export const DEFAULT_BREAKER: BreakerConfig = {
  enabled: true,
  consecutiveFailures: 5,
  failureRate: 0.5,
  minRequests: 10,
  windowMs: 60_000,
  cooldownMs: 30_000,
  halfOpenProbes: 1,
  failureClasses: ['timeout', 'upstream_unavailable', 'connection', 'invalid_response', 'rate_limit'],
};

const BUCKETS = 10;

interface Bucket {
  start: number;
  ok: number;
  fail: number;
}

interface BreakerRecord {
  state: BreakerState;
  consecutive: number;
  buckets: Bucket[];
  openedAt?: number;
  until?: number;
  probes: number;
  reason?: string;
  /** Opened by rate limiting: the failure that opened it was a `rate_limit` (a 429). */
  rateLimited?: boolean;
}

/** What `router.breakerStates()` returns for each deployment. */
export interface BreakerSnapshot {
  deployment: string;
  state: BreakerState;
  requests: number;
  failures: number;
  consecutiveFailures: number;
  openedAt?: number;
  /** Epoch ms from which an open breaker lets a probe through. */
  retryAt?: number;
  reason?: string;
  /** Open because the deployment rate-limited (429s), not because it failed. */
  rateLimited?: boolean;
}

export interface BreakerCheck {
  allowed: boolean;
  state: BreakerState;
  retryAt?: number;
  /** Not allowed because the breaker was opened by rate limiting (answer 429, not 503). */
  rateLimited?: boolean;
}

export type BreakerTransition = 'open' | 'half_open' | 'close' | 'reopen';

export type AttemptVerdict = 'success' | 'failure' | 'neutral';

export class CircuitBreakers {
  constructor(
    readonly config: BreakerConfig,
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** Read-only: may an attempt go to this deployment now? */
  async check(id: string): Promise<BreakerCheck> {
    return this.checkNow(id) ?? this.judge(await this.store.get<BreakerRecord>(key(id)));
  }

  /** `check` answered without waiting when the store reads locally (or breakers are off); undefined otherwise. */
  checkNow(id: string): BreakerCheck | undefined {
    if (!this.config.enabled) return { allowed: true, state: 'closed' };
    return this.store.peek ? this.judge(this.store.peek<BreakerRecord>(key(id))) : undefined;
  }

  private judge(rec: BreakerRecord | undefined): BreakerCheck {
    if (!rec || rec.state === 'closed') return { allowed: true, state: 'closed' };
    const now = this.clock.now();
    if (rec.state === 'open') {
      if (now >= (rec.until ?? 0)) return { allowed: true, state: 'open' };
      return { allowed: false, state: 'open', retryAt: rec.until!, ...(rec.rateLimited ? { rateLimited: true } : {}) };
    }
    if (rec.probes < this.config.halfOpenProbes) return { allowed: true, state: 'half_open' };
    return { allowed: false, state: 'half_open', retryAt: now + Math.min(this.config.cooldownMs, 1000), ...(rec.rateLimited ? { rateLimited: true } : {}) };
  }

  /** Atomically takes the right to send an attempt. `probe` is true for a half-open probe. */
  async acquire(id: string): Promise<{ ok: boolean; probe: boolean; transition?: BreakerTransition }> {
    if (!this.config.enabled) return { ok: true, probe: false };
    let result: { ok: boolean; probe: boolean; transition?: BreakerTransition } = { ok: true, probe: false };
    const now = this.clock.now();
    await this.store.update<BreakerRecord>(key(id), (rec) => {
      if (!rec || rec.state === 'closed') {
        result = { ok: true, probe: false };
        return rec;
      }
      if (rec.state === 'open') {
        if (now < (rec.until ?? 0)) {
          result = { ok: false, probe: false };
          return rec;
        }
        result = { ok: true, probe: true, transition: 'half_open' };
        return { ...rec, state: 'half_open', probes: 1 };
      }
      if (rec.probes < this.config.halfOpenProbes) {
        result = { ok: true, probe: true };
        return { ...rec, probes: rec.probes + 1 };
      }
      result = { ok: false, probe: false };
      return rec;
    });
    return result;
  }

  /**
   * Records an attempt's result; returns the transition it caused, if any. `errorClass` (of a
   * failure) marks a breaker opened by a `rate_limit` failure as rate-limited; such a breaker
   * stays open until the provider's `retryAfterMs` when it said one shorter than the cooldown.
   */
  async record(id: string, verdict: AttemptVerdict, probe: boolean, errorClass?: ErrorClass, retryAfterMs?: number): Promise<BreakerTransition | undefined> {
    if (!this.config.enabled) return undefined;
    if (verdict === 'neutral' && !probe) return undefined; // changes nothing: no store round trip
    const c = this.config;
    const now = this.clock.now();
    let transition: BreakerTransition | undefined;
    const pause = errorClass === 'rate_limit' && retryAfterMs !== undefined && retryAfterMs >= 0 ? Math.min(c.cooldownMs, retryAfterMs) : c.cooldownMs;
    await this.store.update<BreakerRecord>(key(id), (current) => {
      const rec: BreakerRecord = current ? { ...current, buckets: current.buckets.slice() } : { state: 'closed', consecutive: 0, buckets: [], probes: 0 };
      if (probe && rec.state === 'half_open') rec.probes = Math.max(0, rec.probes - 1);
      if (verdict === 'neutral') return current ? rec : undefined;
      addToWindow(rec, verdict === 'failure', now, c.windowMs);
      rec.consecutive = verdict === 'failure' ? rec.consecutive + 1 : 0;
      if (rec.state === 'half_open') {
        if (verdict === 'success') {
          transition = 'close';
          return { state: 'closed', consecutive: 0, buckets: [], probes: 0 };
        }
        transition = 'reopen';
        return withCause({ ...rec, state: 'open', openedAt: now, until: now + pause, probes: 0, reason: 'probe failed' }, errorClass);
      }
      if (rec.state === 'closed' && verdict === 'failure') {
        const { requests, failures } = totals(rec, now, c.windowMs);
        let reason: string | undefined;
        if (rec.consecutive >= c.consecutiveFailures) reason = `${rec.consecutive} consecutive failures`;
        else if (requests >= c.minRequests && failures / requests >= c.failureRate) reason = `failure rate ${failures}/${requests}`;
        if (reason) {
          transition = 'open';
          return withCause({ ...rec, state: 'open', openedAt: now, until: now + pause, probes: 0, reason }, errorClass);
        }
      }
      return rec;
    });
    return transition;
  }

  /**
   * A non-probe success as one settlement operation: a store with `settle` records it itself while
   * the breaker is closed (the same bucket count and consecutive reset as `record`), and calls
   * `otherwise` (this `record`) in any other state.
   */
  successOp(id: string): BreakerSuccess {
    return { key: key(id), now: this.clock.now(), windowMs: this.config.windowMs, buckets: BUCKETS, otherwise: () => this.record(id, 'success', false) };
  }

  /** Classifies an attempt's error for the breaker. */
  verdictOf(errorClass: ErrorClass | undefined): AttemptVerdict {
    if (errorClass === undefined) return 'success';
    if (NEVER_FAILURES.has(errorClass)) return 'neutral';
    return this.config.failureClasses.includes(errorClass) ? 'failure' : 'neutral';
  }

  async snapshot(id: string): Promise<BreakerSnapshot> {
    const rec = await this.store.get<BreakerRecord>(key(id));
    const now = this.clock.now();
    if (!rec) return { deployment: id, state: 'closed', requests: 0, failures: 0, consecutiveFailures: 0 };
    const { requests, failures } = totals(rec, now, this.config.windowMs);
    const snap: BreakerSnapshot = { deployment: id, state: rec.state, requests, failures, consecutiveFailures: rec.consecutive };
    if (rec.openedAt !== undefined) snap.openedAt = rec.openedAt;
    if (rec.state === 'open' && rec.until !== undefined) snap.retryAt = rec.until;
    if (rec.reason !== undefined && rec.state !== 'closed') snap.reason = rec.reason;
    if (rec.rateLimited && rec.state !== 'closed') snap.rateLimited = true;
    return snap;
  }

  /** Forces a deployment's breaker closed (operators, tests). */
  async reset(id: string): Promise<void> {
    await this.store.delete(key(id));
  }
}

/**
 * Classes that say nothing about a deployment's health whatever `failureClasses` lists: the
 * caller's own request was wrong or was withdrawn, or tracegate's own code failed.
 */
const NEVER_FAILURES: ReadonlySet<ErrorClass> = new Set<ErrorClass>(['aborted', 'bad_request', 'context_window', 'content_policy', 'guardrail', 'budget_exceeded', 'internal', 'config']);

/** Marks an opening record with what opened it (the reason names a rate limit). */
function withCause(rec: BreakerRecord, errorClass: ErrorClass | undefined): BreakerRecord {
  const rateLimited = errorClass === 'rate_limit';
  const out: BreakerRecord = { ...rec, reason: rateLimited ? `${rec.reason} (rate limited)` : rec.reason! };
  if (rateLimited) out.rateLimited = true;
  else delete out.rateLimited;
  return out;
}

function key(id: string): string {
  return `breaker:${id}`;
}

/** The store key of a deployment's breaker record. */
export const breakerKey = key;

function addToWindow(rec: BreakerRecord, failed: boolean, now: number, windowMs: number): void {
  const width = Math.max(1, Math.floor(windowMs / BUCKETS));
  const start = now - (now % width);
  rec.buckets = rec.buckets.filter((b) => b.start > now - windowMs);
  let last = rec.buckets[rec.buckets.length - 1];
  if (!last || last.start !== start) {
    last = { start, ok: 0, fail: 0 };
    rec.buckets.push(last);
  } else {
    last = { ...last };
    rec.buckets[rec.buckets.length - 1] = last;
  }
  if (failed) last.fail++;
  else last.ok++;
}

function totals(rec: BreakerRecord, now: number, windowMs: number): { requests: number; failures: number } {
  let requests = 0;
  let failures = 0;
  for (const b of rec.buckets) {
    if (b.start <= now - windowMs) continue;
    requests += b.ok + b.fail;
    failures += b.fail;
  }
  return { requests, failures };
}
