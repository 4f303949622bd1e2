/**
 * Override variants of a deployment (`variants: [{ name, weight, ...overrides }]`): which one an
 * attempt runs. Each variant's weight is multiplied by its runtime adjustment
 * (`router.routing.setVariantWeight`, what eval-aware routing sets); the choice is by a hash of
 * the deployment id and the request's `user` when it has one (an end user keeps seeing the same
 * variant while the weights stay), else by the router's `random` (seedable). When every variant's
 * weight is 0 the attempt runs the entry's own overrides only, without a variant.
 */
import type { Deployment, OverrideFields, OverrideVariant } from '../providers/types.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import { withVariant } from './overrides.js';

export interface AttemptOverrides {
  /** The fields the attempt applies (the entry's, with the variant's layered over them). */
  fields: OverrideFields | undefined;
  /** The variant chosen, if the deployment has variants and one has weight left. */
  variant?: string;
}

/**
 * `text` hashed to a number in [0, 1): FNV-1a (32 bit), then MurmurHash3's finalizer so that
 * keys differing in their last character (`user-1`, `user-2`) land far apart.
 */
export function hashPoint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** The variant at `point` (in [0, 1)) of a weighted list, or undefined when every weight is 0. */
export function variantAt<T extends { weight: number }>(list: readonly T[], weights: readonly number[], point: number): T | undefined {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return undefined;
  let r = point * total;
  for (let i = 0; i < list.length; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    if (r < w) return list[i];
    r -= w;
  }
  for (let i = list.length - 1; i >= 0; i--) if (weights[i]! > 0) return list[i];
  return undefined;
}

/**
 * The overrides an attempt on `d` applies. `reported` holds the deployments whose variant
 * adjustments were already published on this call (one `eval_routing`/`weight` decision each).
 */
export async function overridesForAttempt(core: RouterCore, state: CallState, d: Deployment, params: Record<string, unknown>, reported: Set<string>): Promise<AttemptOverrides> {
  const o = d.overrides;
  const variants = o?.variants;
  if (!o || !variants) return { fields: o };
  const adjustments = (await core.adjustments.variantWeights(d.id)) ?? {};
  const weights = variants.map((v) => v.weight * (adjustments[v.name]?.multiplier ?? 1));
  if (!reported.has(d.id)) {
    reported.add(d.id);
    for (const [name, adj] of Object.entries(adjustments)) {
      decide(state.event, 'eval_routing', 'weight', { 'deployment.id': d.id, 'routing.variant': name, 'routing.weight_multiplier': adj.multiplier, 'routing.reason': adj.reason });
    }
  }
  const user = typeof params.user === 'string' && params.user !== '' ? params.user : undefined;
  const point = user !== undefined ? hashPoint(`${d.id}\u0000${user}`) : core.random();
  const chosen: OverrideVariant | undefined = variantAt(variants, weights, point);
  return chosen ? { fields: withVariant(o, chosen), variant: chosen.name } : { fields: withVariant(o, undefined) };
}
