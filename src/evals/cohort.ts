/**
 * Rolling evaluation statistics per cohort (route alias, deployment, evaluator, and the
 * deployment's override variant when the answer came from one), kept in the
 * router's StateStore so every process sharing the store sees the same fail rate. Each result adds
 * 1 to a sample counter and, when it failed, 1 to a failure counter, both sliding windows
 * (`windowAdd`, atomic) of `windowMs`. `reset` starts a cohort afresh (eval-aware routing does it
 * after each decision, so the next decision is made on samples taken after it).
 */
import type { StateStore } from '../router/store/types.js';

export interface CohortKey {
  /** The alias the caller asked for. */
  route: string;
  deployment: string;
  evaluator: string;
  /** The deployment's override variant (answers of a deployment with `variants`). */
  variant?: string;
}

export interface CohortStats extends CohortKey {
  samples: number;
  failures: number;
  /** failures / samples (0 without samples). */
  failRate: number;
}

const PREFIX = 'evalstat:';
/** A marker per cohort (with the window as TTL) so cohorts can be listed: stores do not list windows. */
const MARKER = 'evalcohort:';

function enc(s: string): string {
  return encodeURIComponent(s);
}

export function cohortKey(k: CohortKey): string {
  return `${PREFIX}${enc(k.evaluator)}:${enc(k.route)}:${enc(k.deployment)}${k.variant !== undefined ? `:${enc(k.variant)}` : ''}`;
}

/** The key fields of `evaluator:route:deployment[:variant]` (each part URI-encoded). */
export function parseCohortKey(text: string): CohortKey {
  const [evaluator, route, deployment, variant] = text.split(':').map(decodeURIComponent) as [string, string, string, string | undefined];
  return { evaluator, route, deployment, ...(variant !== undefined ? { variant } : {}) };
}

export class EvalCohorts {
  constructor(
    private readonly store: StateStore,
    private readonly windowMs: number,
  ) {}

  async record(key: CohortKey, passed: boolean, now: number): Promise<CohortStats> {
    const base = cohortKey(key);
    await this.store.set(MARKER + base.slice(PREFIX.length), 1, this.windowMs);
    const n = await this.store.windowAdd(`${base}:n`, 1, this.windowMs, now);
    const failures = passed ? await this.store.windowUsage(`${base}:fail`, this.windowMs, now) : (await this.store.windowAdd(`${base}:fail`, 1, this.windowMs, now)).used;
    return { ...key, samples: n.used, failures, failRate: n.used ? failures / n.used : 0 };
  }

  async read(key: CohortKey, now: number): Promise<CohortStats> {
    const base = cohortKey(key);
    const samples = await this.store.windowUsage(`${base}:n`, this.windowMs, now);
    const failures = await this.store.windowUsage(`${base}:fail`, this.windowMs, now);
    return { ...key, samples, failures, failRate: samples ? failures / samples : 0 };
  }

  async reset(key: CohortKey): Promise<void> {
    const base = cohortKey(key);
    await this.store.delete(`${base}:n`);
    await this.store.delete(`${base}:fail`);
    await this.store.delete(MARKER + base.slice(PREFIX.length));
  }

  /** Every cohort with samples in the window (for status pages and tests). */
  async list(now: number): Promise<CohortStats[]> {
    const out: CohortStats[] = [];
    for (const k of await this.store.keys(MARKER)) {
      const stats = await this.read(parseCohortKey(k.slice(MARKER.length)), now);
      if (stats.samples > 0) out.push(stats);
    }
    return out;
  }
}
