/**
 * Options of `EvalRoutingPolicy` (see eval-routing.ts) and their validation: every mistake is a
 * ConfigError naming the option, checked against the router's aliases and deployments.
 */
import type { DeploymentRef } from '../call-info.js';
import { ConfigError } from '../errors.js';
import type { Clock } from '../router/clock.js';
import type { RoutingAdjustments } from '../router/routing-adjust.js';
import type { StateStore } from '../router/store/types.js';
import type { EvalRoutingDecision } from './eval-routing.js';

export type EvalRoutingAction = 'demote' | 'rollback';

/** What the policy needs from a Router (any Router instance fits). */
export interface PolicyRouter {
  readonly routing: RoutingAdjustments;
  readonly store: StateStore;
  readonly clock: Clock;
  aliases(): string[];
  deployments(): DeploymentRef[];
}

export interface EvalRoutingPolicyOptions {
  router: PolicyRouter;
  /** Where counters and states live (default the router's store). */
  store?: StateStore;
  /** The evaluation name watched (e.g. `json_schema`). */
  evaluator: string;
  /** Aliases managed (default all of the router's). */
  routes?: readonly string[];
  /** Sliding window of the fail rate, ms (default 300 000). */
  window?: number;
  /** Results needed in the window before any decision (default 20). */
  minSamples?: number;
  /** Act when the fail rate reaches this (0..1). */
  failRateThreshold: number;
  /** Restore when the fail rate is at or below this (default failRateThreshold / 2). */
  restoreBelow?: number;
  /** The ladder of actions, see the module comment. */
  action: EvalRoutingAction | readonly EvalRoutingAction[];
  /** Weight multiplier of a demoted deployment (default 0.1). */
  demoteTo?: number;
  /** Known-good alias to roll back to: one for every route, or per route (not needed when only override variants are rolled back: they go to weight 0). */
  rollbackTo?: string | Readonly<Record<string, string>>;
  /** Time after a rollback before the redirect is lifted to probe the route again (default: the window). */
  probeAfterMs?: number;
  /** Count results of mirrored (shadow) calls in their own cohorts (default true). */
  includeShadow?: boolean;
  /** Listen to every result recorded in this process (default true). */
  subscribe?: boolean;
  /** Default: the router's clock. */
  clock?: Clock;
  onDecision?: (decision: EvalRoutingDecision) => void;
  /** A failure while observing (a store error); default: ignored. */
  onError?: (err: unknown) => void;
}

/** The options with defaults applied and checked. */
export interface ResolvedPolicyOptions {
  router: PolicyRouter;
  store: StateStore;
  clock: Clock;
  evaluator: string;
  routes: ReadonlySet<string>;
  deployments: ReadonlySet<string>;
  windowMs: number;
  minSamples: number;
  threshold: number;
  restoreBelow: number;
  ladder: readonly EvalRoutingAction[];
  demoteTo: number;
  probeAfterMs: number;
  /** The known-good alias of a route, if any. */
  rollbackTo(alias: string): string | undefined;
  includeShadow: boolean;
}

export function resolvePolicyOptions(options: EvalRoutingPolicyOptions): ResolvedPolicyOptions {
  const where = 'EvalRoutingPolicy';
  if (!options || typeof options !== 'object') throw new ConfigError(`${where}: options are required`);
  const r = options.router;
  if (!r || !r.routing || !r.store || typeof r.aliases !== 'function') throw new ConfigError(`${where}: router must be a tracegate Router`);
  if (typeof options.evaluator !== 'string' || !options.evaluator) throw new ConfigError(`${where}: evaluator must name the evaluation watched`);
  const unit = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new ConfigError(`${where}: ${name} must be from 0 to 1, got ${JSON.stringify(v)}`);
    return v;
  };
  const positive = (v: unknown, name: string, int = false): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (int && !Number.isInteger(v))) throw new ConfigError(`${where}: ${name} must be a positive ${int ? 'integer' : 'number'}`);
    return v;
  };
  const threshold = unit(options.failRateThreshold, 'failRateThreshold');
  const restoreBelow = unit(options.restoreBelow ?? threshold / 2, 'restoreBelow');
  if (restoreBelow >= threshold) throw new ConfigError(`${where}: restoreBelow (${restoreBelow}) must be below failRateThreshold (${threshold})`);
  const windowMs = positive(options.window ?? 300_000, 'window');
  const demoteTo = options.demoteTo ?? 0.1;
  if (typeof demoteTo !== 'number' || !Number.isFinite(demoteTo) || demoteTo < 0 || demoteTo >= 1) {
    throw new ConfigError(`${where}: demoteTo must be a weight multiplier from 0 to below 1`);
  }
  const ladder = (Array.isArray(options.action) ? options.action : [options.action]) as EvalRoutingAction[];
  if (ladder.length === 0 || ladder.some((a) => a !== 'demote' && a !== 'rollback') || new Set(ladder).size !== ladder.length) {
    throw new ConfigError(`${where}: action must be "demote", "rollback" or a list of them, e.g. ["demote", "rollback"]`);
  }
  const aliases = new Set(r.aliases());
  const routes = new Set(options.routes ?? aliases);
  for (const a of routes) if (!aliases.has(a)) throw new ConfigError(`${where}: unknown route "${a}"`);
  const rb = options.rollbackTo;
  // Override variants roll back to weight 0 without an alias; deployments need a known-good alias.
  const hasVariants = r.deployments().some((d) => r.routing.variantNames(d.id).length > 0);
  if (ladder.includes('rollback')) {
    if (rb === undefined && !hasVariants) throw new ConfigError(`${where}: action "rollback" needs rollbackTo (a known-good alias)`);
    const targets = rb === undefined ? [] : typeof rb === 'string' ? [rb] : Object.values(rb);
    for (const t of targets) if (!aliases.has(t)) throw new ConfigError(`${where}: rollbackTo names an unknown alias "${t}"`);
    if (typeof rb === 'object') for (const a of Object.keys(rb)) if (!aliases.has(a)) throw new ConfigError(`${where}: rollbackTo has an unknown route "${a}"`);
  }
  return {
    router: r,
    store: options.store ?? r.store,
    clock: options.clock ?? r.clock,
    evaluator: options.evaluator,
    routes,
    deployments: new Set(r.deployments().map((d) => d.id)),
    windowMs,
    minSamples: positive(options.minSamples ?? 20, 'minSamples', true),
    threshold,
    restoreBelow,
    ladder,
    demoteTo,
    probeAfterMs: positive(options.probeAfterMs ?? windowMs, 'probeAfterMs'),
    rollbackTo: (alias) => {
      const to = typeof rb === 'string' ? rb : rb?.[alias];
      return to && to !== alias ? to : undefined;
    },
    includeShadow: options.includeShadow !== false,
  };
}
