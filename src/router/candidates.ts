/**
 * Building the candidate list of an alias for one pick: context-window fit, routing rules,
 * breaker state, priority tier, runtime weight multipliers and (for the headroom strategy)
 * rate-limit headroom; then the strategy picks one.
 */
import type { Deployment } from '../providers/types.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import type { Candidate, RoutingStrategy } from './strategies/index.js';
import { findRule, ruleAllows, type RoutingRule } from './strategies/rules.js';
import { NEEDS_READ, type WeightAdjustment } from './routing-adjust.js';
import type { BreakerCheck } from './breaker.js';

/** Tokens the context window must hold: the estimated prompt plus the allowed output. */
export function neededTokens(state: CallState): number {
  return state.promptTokens + (state.maxOutputTokens ?? 0);
}

/** Deployments of the group whose context window (when known) can hold the request. */
export function fittingDeployments(core: RouterCore, state: CallState, group: readonly Deployment[]): Deployment[] {
  if (!core.policies.contextWindowCheck || state.event.operation !== 'chat') return group.slice();
  const need = neededTokens(state);
  return group.filter((d) => d.capabilities.contextWindow === undefined || d.capabilities.contextWindow >= need);
}

export interface RuleChoice {
  pool: Deployment[];
  rule?: RoutingRule;
  ruleIndex?: number;
  /** A strict rule left nothing. */
  empty: boolean;
}

/** Applies the first matching routing rule of the call to the pool. */
export function applyRules(core: RouterCore, state: CallState, alias: string, pool: Deployment[]): RuleChoice {
  const rules = core.policies.rules;
  if (rules.length === 0) return { pool, empty: false };
  const ev = state.event;
  const found = findRule(rules, { alias, metadata: ev.metadata, tags: ev.tags });
  if (!found) return { pool, empty: false };
  const allowed = pool.filter((d) => ruleAllows(found.rule, d));
  decide(ev, 'route', 'rule', { 'route.rule': found.index, 'route.alias': alias, 'route.candidates': allowed.length });
  if (allowed.length === 0 && !found.rule.strict) return { pool, empty: false };
  return { pool: allowed, rule: found.rule, ruleIndex: found.index, empty: allowed.length === 0 };
}

export interface BreakerFilter {
  open: Deployment[];
  /** Earliest time an open breaker lets a probe through. */
  retryAt?: number;
  /** How many of `open` were opened by rate limiting (429s). */
  rateLimited: number;
  usable: Deployment[];
}

/**
 * The pool split by breaker state. Answered without waiting when the store reads locally (the
 * memory store): the common path creates no promise; otherwise the breakers are read in turn.
 */
export function filterBreakers(core: RouterCore, pool: readonly Deployment[]): BreakerFilter | Promise<BreakerFilter> {
  if (!core.breakers.enabled) return { open: [], rateLimited: 0, usable: pool.slice() };
  const out: BreakerFilter = { open: [], rateLimited: 0, usable: [] };
  for (let i = 0; i < pool.length; i++) {
    const d = pool[i]!;
    const c = core.breakers.checkNow(d.id);
    if (!c) return filterRest(core, pool, i, out);
    sortByBreaker(out, d, c);
  }
  return out;
}

async function filterRest(core: RouterCore, pool: readonly Deployment[], from: number, out: BreakerFilter): Promise<BreakerFilter> {
  for (let i = from; i < pool.length; i++) sortByBreaker(out, pool[i]!, await core.breakers.check(pool[i]!.id));
  return out;
}

function sortByBreaker(out: BreakerFilter, d: Deployment, c: BreakerCheck): void {
  if (c.allowed) out.usable.push(d);
  else {
    out.open.push(d);
    if (c.rateLimited) out.rateLimited++;
    if (c.retryAt !== undefined) out.retryAt = Math.min(out.retryAt ?? Infinity, c.retryAt);
  }
}

/**
 * Picks one deployment of the lowest priority tier in `pool` (never empty) with the strategy.
 * Without waiting when the weights read locally and the strategy needs no rate-limit headroom.
 */
export function pickDeployment(core: RouterCore, state: CallState, pool: readonly Deployment[], strategy: RoutingStrategy, reported: Set<string>): Deployment | Promise<Deployment> {
  let tier = Infinity;
  for (const d of pool) tier = Math.min(tier, d.priority);
  const inTier = pool.filter((d) => d.priority === tier);
  if (strategy.needsHeadroom) return pickAfterReads(core, state, inTier, strategy, reported);
  const candidates: Candidate[] = [];
  for (const d of inTier) {
    const adj = core.adjustments.weightNow(d.id);
    // The store reads locally for every key or for none: this bails out on the first deployment, before any decision.
    if (adj === NEEDS_READ) return pickAfterReads(core, state, inTier, strategy, reported);
    candidates.push(candidate(core, state, d, adj, 1, reported));
  }
  return choose(core, state, strategy, candidates);
}

async function pickAfterReads(core: RouterCore, state: CallState, inTier: readonly Deployment[], strategy: RoutingStrategy, reported: Set<string>): Promise<Deployment> {
  const candidates: Candidate[] = [];
  for (const d of inTier) {
    const adj = await core.adjustments.weight(d.id);
    noteWeight(state, d, adj, reported);
    const headroom = strategy.needsHeadroom ? await core.limiter.headroom(d) : 1;
    candidates.push(candidate(core, state, d, adj, headroom, undefined));
  }
  return choose(core, state, strategy, candidates);
}

/** Reports a deployment's weight multiplier once per call. */
function noteWeight(state: CallState, d: Deployment, adj: WeightAdjustment | undefined, reported: Set<string>): void {
  if (adj && !reported.has(d.id)) {
    reported.add(d.id);
    decide(state.event, 'eval_routing', 'weight', { 'deployment.id': d.id, 'routing.weight_multiplier': adj.multiplier, 'routing.reason': adj.reason });
  }
}

/** A candidate of the strategy; `reported` given: the weight is reported here (sync path). */
function candidate(core: RouterCore, state: CallState, d: Deployment, adj: WeightAdjustment | undefined, headroom: number, reported: Set<string> | undefined): Candidate {
  if (reported) noteWeight(state, d, adj, reported);
  return { deployment: d, weight: d.weight * (adj ? adj.multiplier : 1), stats: core.stats.get(d.id), headroom };
}

function choose(core: RouterCore, state: CallState, strategy: RoutingStrategy, candidates: Candidate[]): Deployment {
  // A multiplier of 0 takes a deployment out unless nothing else is left.
  const live = candidates.filter((c) => c.weight > 0);
  const choice = strategy.pick(live.length ? live : candidates, {
    stream: state.event.stream,
    promptTokens: state.promptTokens,
    random: core.random,
    ...(state.maxOutputTokens !== undefined ? { maxOutputTokens: state.maxOutputTokens } : {}),
  });
  return choice.deployment;
}
