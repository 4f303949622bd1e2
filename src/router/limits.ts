/**
 * Rate limits: requests per minute (RPM) and tokens per minute (TPM) per deployment (the model
 * entry's `rpm`/`tpm`) and per caller key (`rateLimits.keys`, or the identity's own limits),
 * counted in a 60-second sliding window in the store. A request counts 1 toward RPM and its
 * estimated prompt tokens toward TPM when admitted; when it ends, TPM is corrected to the real
 * total tokens. Admission is one atomic `windowAdd` per counter; on the call path all of an
 * attempt's counters go to the store in one `admit` (admission.ts, store/compose.ts).
 */
import type { Deployment } from '../providers/types.js';
import type { Clock } from './clock.js';
import { settleWith } from './store/compose.js';
import type { StateStore, WindowSlot } from './store/types.js';

export const RATE_WINDOW_MS = 60_000;

export interface RateLimit {
  rpm?: number;
  tpm?: number;
}

export interface Admission {
  ok: boolean;
  /** Which counter refused. */
  limit?: 'rpm' | 'tpm';
  retryAfterMs?: number;
  /** Counters to correct when the request ends. */
  tpmKeys: string[];
  tokens: number;
}

export class RateLimiter {
  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  /** Admits one request of `tokens` estimated tokens against `limit` under `scope`. */
  async admit(scope: string, limit: RateLimit, tokens: number): Promise<Admission> {
    const now = this.clock.now();
    const tpmKeys: string[] = [];
    let rpmAdded = false;
    if (limit.rpm !== undefined) {
      const r = await this.store.windowAdd(`rl:${scope}:rpm`, 1, RATE_WINDOW_MS, now, limit.rpm);
      if (!r.ok) return { ok: false, limit: 'rpm', retryAfterMs: r.retryAfterMs ?? RATE_WINDOW_MS, tpmKeys, tokens };
      rpmAdded = true;
    }
    if (limit.tpm !== undefined) {
      const r = await this.store.windowAdd(`rl:${scope}:tpm`, tokens, RATE_WINDOW_MS, now, limit.tpm);
      if (!r.ok) {
        if (rpmAdded) await this.store.windowAdd(`rl:${scope}:rpm`, -1, RATE_WINDOW_MS, now);
        return { ok: false, limit: 'tpm', retryAfterMs: r.retryAfterMs ?? RATE_WINDOW_MS, tpmKeys, tokens };
      }
      tpmKeys.push(`rl:${scope}:tpm`);
    }
    return { ok: true, tpmKeys, tokens };
  }

  /** Corrects TPM counters from the estimate to the real token count. */
  async reconcile(admission: Admission, actualTokens: number): Promise<void> {
    const windows = this.corrections(admission, actualTokens);
    if (windows.length) await settleWith(this.store, { now: this.clock.now(), windows });
  }

  /** The window corrections that replace a request's estimated tokens by the real count. */
  corrections(admission: Admission, actualTokens: number): { key: string; amount: number; windowMs: number }[] {
    const delta = actualTokens - admission.tokens;
    if (delta === 0) return [];
    return admission.tpmKeys.map((key) => ({ key, amount: delta, windowMs: RATE_WINDOW_MS }));
  }

  /** Share of the deployment's limits still free (1 when it has none). */
  async headroom(d: Deployment): Promise<number> {
    if (d.rpm === undefined && d.tpm === undefined) return 1;
    const now = this.clock.now();
    let h = 1;
    if (d.rpm !== undefined) h = Math.min(h, 1 - (await this.store.windowUsage(`rl:dep:${d.id}:rpm`, RATE_WINDOW_MS, now)) / d.rpm);
    if (d.tpm !== undefined) h = Math.min(h, 1 - (await this.store.windowUsage(`rl:dep:${d.id}:tpm`, RATE_WINDOW_MS, now)) / d.tpm);
    return Math.max(0, h);
  }
}

export function deploymentScope(d: Deployment): string {
  return `dep:${d.id}`;
}

export function hasLimit(d: Deployment): boolean {
  return d.rpm !== undefined || d.tpm !== undefined;
}

/** The windows a request of `tokens` takes under `scope`: RPM (1), then TPM (its tokens). */
export function rateWindows(scope: string, limit: RateLimit, tokens: number): { slots: WindowSlot[]; kinds: ('rpm' | 'tpm')[] } {
  const slots: WindowSlot[] = [];
  const kinds: ('rpm' | 'tpm')[] = [];
  if (limit.rpm !== undefined) {
    slots.push({ key: `rl:${scope}:rpm`, amount: 1, windowMs: RATE_WINDOW_MS, limit: limit.rpm });
    kinds.push('rpm');
  }
  if (limit.tpm !== undefined) {
    slots.push({ key: `rl:${scope}:tpm`, amount: tokens, windowMs: RATE_WINDOW_MS, limit: limit.tpm });
    kinds.push('tpm');
  }
  return { slots, kinds };
}

/** The admission record of windows taken by `rateWindows` (what `reconcile` corrects later). */
export function admittedWindows(scope: string, limit: RateLimit, tokens: number): Admission {
  return { ok: true, tpmKeys: limit.tpm !== undefined ? [`rl:${scope}:tpm`] : [], tokens };
}
