/**
 * Runtime routing adjustments, the extension point of eval-aware routing (tracegate/evals):
 * per-deployment weight multipliers ("demote deployment X to 10%"), per-alias redirects
 * ("roll alias A back to alias B") and per-variant weight multipliers of a deployment's override
 * variants ("variant `json-hint` of deployment X gets no traffic"). Kept in the StateStore so every router sharing the store
 * sees them; read on every call; each one applied to a call is published as an `eval_routing`
 * decision on that call.
 */
import { ConfigError } from '../errors.js';
import type { StateStore } from './store/types.js';

export interface WeightAdjustment {
  multiplier: number;
  reason?: string;
  setAt: number;
}

export interface Redirect {
  to: string;
  reason?: string;
  setAt: number;
}

export interface AdjustOptions {
  reason?: string;
  /** The adjustment expires after this long. */
  ttlMs?: number;
}

export interface RoutingAdjustmentsSnapshot {
  weights: Record<string, WeightAdjustment>;
  redirects: Record<string, Redirect>;
  /** Deployment id → variant name → multiplier of that override variant's weight. */
  variants: Record<string, Record<string, WeightAdjustment>>;
}

const W = 'route:weight:';
const R = 'route:redirect:';
const V = 'route:variant:';

/** The `router.routing` API. */
/** What the `…Now` reads return when the store has no synchronous read (the caller awaits the async one). */
export const NEEDS_READ: unique symbol = Symbol('needs an async read');

export class RoutingAdjustments {
  constructor(
    private readonly store: StateStore,
    private readonly knownDeployments: ReadonlySet<string>,
    private readonly knownAliases: ReadonlySet<string>,
    private readonly now: () => number,
    /** The override variant names of a deployment (none: it has no variants). */
    private readonly variantsOf: (deploymentId: string) => readonly string[] = () => [],
  ) {}

  /** Multiplies a deployment's weight (0 takes it out of weighted choice; null or 1 restores it). */
  async setWeight(deploymentId: string, multiplier: number | null, options: AdjustOptions = {}): Promise<void> {
    if (!this.knownDeployments.has(deploymentId)) throw new ConfigError(`routing.setWeight: unknown deployment "${deploymentId}"`);
    if (multiplier === null || multiplier === 1) return this.store.delete(W + deploymentId);
    if (!Number.isFinite(multiplier) || multiplier < 0) throw new ConfigError(`routing.setWeight: multiplier must be a finite number >= 0, got ${multiplier}`);
    const value: WeightAdjustment = { multiplier, setAt: this.now(), ...(options.reason ? { reason: options.reason } : {}) };
    await this.store.set(W + deploymentId, value, options.ttlMs);
  }

  /** Sends every call for `alias` to `toAlias` instead (null removes the redirect). */
  async redirect(alias: string, toAlias: string | null, options: AdjustOptions = {}): Promise<void> {
    if (!this.knownAliases.has(alias)) throw new ConfigError(`routing.redirect: unknown alias "${alias}"`);
    if (toAlias === null || toAlias === alias) return this.store.delete(R + alias);
    if (!this.knownAliases.has(toAlias)) throw new ConfigError(`routing.redirect: unknown target alias "${toAlias}"`);
    const value: Redirect = { to: toAlias, setAt: this.now(), ...(options.reason ? { reason: options.reason } : {}) };
    await this.store.set(R + alias, value, options.ttlMs);
  }

  /**
   * Multiplies the weight of one override variant of a deployment (0: the variant gets no traffic;
   * null or 1 restores it). When every variant is at 0, the deployment runs its own overrides only.
   */
  async setVariantWeight(deploymentId: string, variant: string, multiplier: number | null, options: AdjustOptions = {}): Promise<void> {
    if (!this.knownDeployments.has(deploymentId)) throw new ConfigError(`routing.setVariantWeight: unknown deployment "${deploymentId}"`);
    const names = this.variantsOf(deploymentId);
    if (!names.includes(variant)) {
      throw new ConfigError(`routing.setVariantWeight: deployment "${deploymentId}" has no variant "${variant}"${names.length ? ` (it has ${names.map((n) => `"${n}"`).join(', ')})` : ''}`);
    }
    const restore = multiplier === null || multiplier === 1;
    if (!restore && (!Number.isFinite(multiplier) || multiplier < 0)) throw new ConfigError(`routing.setVariantWeight: multiplier must be a finite number >= 0, got ${multiplier}`);
    const value: WeightAdjustment | undefined = restore ? undefined : { multiplier, setAt: this.now(), ...(options.reason ? { reason: options.reason } : {}) };
    await this.store.update<Record<string, WeightAdjustment>>(
      V + deploymentId,
      (cur) => {
        const next = { ...cur };
        if (value) next[variant] = value;
        else delete next[variant];
        return Object.keys(next).length ? next : undefined;
      },
      options.ttlMs,
    );
  }

  /** The override variant names of a deployment (empty: it has none). */
  variantNames(deploymentId: string): readonly string[] {
    return this.variantsOf(deploymentId);
  }

  /** The variant multipliers of a deployment (variant name → adjustment), if any. */
  async variantWeights(deploymentId: string): Promise<Record<string, WeightAdjustment> | undefined> {
    return this.store.get<Record<string, WeightAdjustment>>(V + deploymentId);
  }

  async weight(deploymentId: string): Promise<WeightAdjustment | undefined> {
    return this.store.get<WeightAdjustment>(W + deploymentId);
  }

  async redirectOf(alias: string): Promise<Redirect | undefined> {
    return this.store.get<Redirect>(R + alias);
  }

  /** `weight` without waiting when the store reads locally; `NEEDS_READ` when it must be awaited. */
  weightNow(deploymentId: string): WeightAdjustment | undefined | typeof NEEDS_READ {
    return this.store.peek ? this.store.peek<WeightAdjustment>(W + deploymentId) : NEEDS_READ;
  }

  /** `redirectOf` without waiting when the store reads locally; `NEEDS_READ` when it must be awaited. */
  redirectNow(alias: string): Redirect | undefined | typeof NEEDS_READ {
    return this.store.peek ? this.store.peek<Redirect>(R + alias) : NEEDS_READ;
  }

  async list(): Promise<RoutingAdjustmentsSnapshot> {
    const out: RoutingAdjustmentsSnapshot = { weights: {}, redirects: {}, variants: {} };
    for (const k of await this.store.keys(W)) {
      const v = await this.store.get<WeightAdjustment>(k);
      if (v) out.weights[k.slice(W.length)] = v;
    }
    for (const k of await this.store.keys(R)) {
      const v = await this.store.get<Redirect>(k);
      if (v) out.redirects[k.slice(R.length)] = v;
    }
    for (const k of await this.store.keys(V)) {
      const v = await this.store.get<Record<string, WeightAdjustment>>(k);
      if (v) out.variants[k.slice(V.length)] = v;
    }
    return out;
  }

  /** Removes every adjustment. */
  async clear(): Promise<void> {
    for (const k of [...(await this.store.keys(W)), ...(await this.store.keys(R)), ...(await this.store.keys(V))]) await this.store.delete(k);
  }
}
