/**
 * Eval-aware routing: a policy that watches one evaluator's results per (route, deployment) and
 * acts through the router's runtime adjustments (`router.routing`, see docs/router.md):
 *
 *   healthy ──fail rate ≥ threshold──▶ demoted  (weight × demoteTo)       ──▶ …
 *   demoted ──still failing (fresh samples)──▶ rolled_back (alias redirected to a known-good alias)
 *   rolled_back ──probeAfterMs──▶ probing (redirect lifted, demotion kept)
 *   probing ──fail rate ≥ threshold──▶ rolled_back      probing/demoted ──fail rate ≤ restoreBelow──▶ healthy (restored)
 *
 * `action` is the ladder: `'demote'`, `'rollback'`, or `['demote', 'rollback']` (demote first,
 * roll back if that was not enough). Decisions need `minSamples` results in the sliding `window`;
 * each decision resets the cohort's counters, so the next one is made on results that came after
 * it. State and counters live in the StateStore (shared by routers on one store; transitions are
 * atomic `update`s). The policy is fed by every result recorded in this process
 * (`recordEvaluation`, evaluator guardrails) through the evaluation channel, or by `observe()`.
 * Each decision is published as an `eval_routing` decision (action `demote`, `rollback`,
 * `probe`, `restore`) on the next call of the route in this process, so it is on that call's
 * trace and counted by the instrumentation's `tracegate.eval_routing.decisions` metric.
 *
 * Override variants: the answers of a deployment with `variants` are counted per variant (cohort
 * route × deployment × variant), and the ladder acts on that variant's weight instead
 * (`router.routing.setVariantWeight`): `demote` multiplies it by `demoteTo`, `rollback` sets it to 0
 * (the adjustment is rolled back: its traffic goes to the other variants, which are thereby
 * promoted; no alias redirect, so `rollbackTo` is not needed), `probe` gives it weight again after
 * `probeAfterMs`, `restore` removes the multiplier. A variant's results never demote its deployment.
 */
import { evaluationChannel, type EvaluationEvent, type EvaluationEventResult } from '../channels.js';
import { EvalCohorts, cohortKey, parseCohortKey, type CohortKey, type CohortStats } from './cohort.js';
import { resolvePolicyOptions, type EvalRoutingPolicyOptions, type ResolvedPolicyOptions } from './eval-routing-options.js';
import { NextCallDecisions } from './eval-routing-trace.js';

export type { EvalRoutingAction, EvalRoutingPolicyOptions, PolicyRouter } from './eval-routing-options.js';

export type EvalRoutingDecisionAction = 'demote' | 'rollback' | 'probe' | 'restore';

export interface EvalRoutingDecision {
  action: EvalRoutingDecisionAction;
  route: string;
  deployment: string;
  evaluator: string;
  samples: number;
  failures: number;
  failRate: number;
  /** The threshold the fail rate was compared with (restoreBelow for `restore`). */
  threshold: number;
  /** The override variant the decision is about (its weight was adjusted, not the deployment's). */
  variant?: string;
  multiplier?: number;
  redirectTo?: string;
  reason: string;
  at: number;
}

type Phase = 'healthy' | 'demoted' | 'rolled_back' | 'probing';

interface CohortState {
  phase: Phase;
  since: number;
  /** The policy set a weight multiplier on the deployment. */
  demoted?: boolean;
  /** The policy redirected the route to this alias. */
  redirectTo?: string;
  /** Unique per write: tells whether an atomic transition won. */
  token: string;
}

export interface CohortStatus extends CohortStats {
  phase: Phase;
  since: number;
}

const STATE = 'evalroute:';

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

let tokens = 0;
function token(): string {
  return `${process.pid}.${Date.now().toString(36)}.${(tokens++).toString(36)}`;
}

export class EvalRoutingPolicy {
  readonly evaluator: string;
  private readonly o: ResolvedPolicyOptions;
  private readonly cohorts: EvalCohorts;
  private readonly onDecision: EvalRoutingPolicyOptions['onDecision'];
  private readonly onError: EvalRoutingPolicyOptions['onError'];
  private readonly nextCall = new NextCallDecisions();
  private chain: Promise<unknown> = Promise.resolve();
  /** When each route's rollbacks were last checked for a probe (a store scan: at most every probeCheckMs). */
  private readonly probeChecked = new Map<string, number>();
  private readonly probeCheckMs: number;
  private onEvaluation: ((message: unknown) => void) | undefined;
  private closed = false;

  constructor(options: EvalRoutingPolicyOptions) {
    this.o = resolvePolicyOptions(options);
    this.evaluator = this.o.evaluator;
    this.onDecision = options.onDecision;
    this.onError = options.onError;
    this.probeCheckMs = Math.min(1000, this.o.probeAfterMs / 10);
    this.cohorts = new EvalCohorts(this.o.store, this.o.windowMs);
    if (options.subscribe !== false) {
      this.onEvaluation = (message) => {
        void this.observe((message as EvaluationEvent).result).catch(() => undefined);
      };
      evaluationChannel.subscribe(this.onEvaluation);
    }
  }

  /** Feeds one result; resolves with the decision it caused, if any. Results are processed in order. */
  observe(result: EvaluationEventResult): Promise<EvalRoutingDecision | undefined> {
    const run = this.chain.then(() => this.process(result));
    this.chain = run.catch((err: unknown) => {
      try {
        this.onError?.(err);
      } catch {
        /* a failing error handler must not break the chain */
      }
    });
    return run;
  }

  /** Resolves when every result observed so far has been processed. */
  async idle(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.chain;
      await current;
    } while (current !== this.chain);
  }

  /** Lifts rollbacks whose probe time has come (also done on every result of their route). */
  tick(): Promise<EvalRoutingDecision[]> {
    const run = this.chain.then(async () => {
      const out: EvalRoutingDecision[] = [];
      for (const route of this.o.routes) out.push(...(await this.checkProbes(route, this.o.clock.now())));
      return out;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** State and counters of every cohort the policy has seen in its window. */
  async status(): Promise<CohortStatus[]> {
    const now = this.o.clock.now();
    const out: CohortStatus[] = [];
    for (const s of await this.cohorts.list(now)) {
      if (s.evaluator !== this.evaluator) continue;
      const st = await this.o.store.get<CohortState>(this.stateKey(s));
      out.push({ ...s, phase: st?.phase ?? 'healthy', since: st?.since ?? 0 });
    }
    for (const k of await this.o.store.keys(`${STATE}${encodeURIComponent(this.evaluator)}:`)) {
      const st = await this.o.store.get<CohortState>(k);
      if (!st || st.phase === 'healthy') continue;
      const key = parseCohortKey(k.slice(STATE.length));
      if (out.some((o) => o.route === key.route && o.deployment === key.deployment && o.variant === key.variant)) continue;
      out.push({ ...key, samples: 0, failures: 0, failRate: 0, phase: st.phase, since: st.since });
    }
    return out;
  }

  /** Stops listening (adjustments already made stay until restored or cleared). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.nextCall.close();
    if (this.onEvaluation) evaluationChannel.unsubscribe(this.onEvaluation);
  }

  // ---- internals -------------------------------------------------------------------------------

  private stateKey(k: CohortKey): string {
    return `${STATE}${cohortKey(k).slice('evalstat:'.length)}`;
  }

  private async process(result: EvaluationEventResult): Promise<EvalRoutingDecision | undefined> {
    if (!result || result.name !== this.evaluator || this.closed) return undefined;
    const route = result.route;
    if (!route || !this.o.routes.has(route.alias) || !this.o.deployments.has(route.deployment)) return undefined;
    if (result.shadow && !this.o.includeShadow) return undefined;
    const now = this.o.clock.now();
    let probes: EvalRoutingDecision[] = [];
    if (now - (this.probeChecked.get(route.alias) ?? -Infinity) >= this.probeCheckMs) {
      this.probeChecked.set(route.alias, now);
      probes = await this.checkProbes(route.alias, now);
    }
    const key: CohortKey = { route: route.alias, deployment: route.deployment, evaluator: this.evaluator, ...(route.variant !== undefined ? { variant: route.variant } : {}) };
    const stats = await this.cohorts.record(key, result.passed, now);
    const state = (await this.o.store.get<CohortState>(this.stateKey(key))) ?? { phase: 'healthy', since: 0, token: '' };
    const decided = await this.decide(key, state, stats, now);
    return decided ?? probes[probes.length - 1];
  }

  private async decide(key: CohortKey, state: CohortState, stats: CohortStats, now: number): Promise<EvalRoutingDecision | undefined> {
    const o = this.o;
    if (stats.samples < o.minSamples) return undefined;
    const failing = stats.failRate >= o.threshold;
    const recovered = stats.failRate <= o.restoreBelow;
    // A variant rolls back to weight 0, without an alias to go to.
    const canRollback = o.ladder.includes('rollback') && (key.variant !== undefined || o.rollbackTo(key.route) !== undefined);
    switch (state.phase) {
      case 'healthy':
        if (!failing) return undefined;
        if (o.ladder[0] === 'demote') return this.transition(key, state, stats, 'demote', now);
        return canRollback ? this.transition(key, state, stats, 'rollback', now) : undefined;
      case 'demoted':
        if (failing && canRollback) return this.transition(key, state, stats, 'rollback', now);
        if (recovered) return this.transition(key, state, stats, 'restore', now);
        return undefined;
      case 'probing':
        if (failing && canRollback) return this.transition(key, state, stats, 'rollback', now);
        if (recovered) return this.transition(key, state, stats, 'restore', now);
        return undefined;
      case 'rolled_back':
        return undefined;
    }
  }

  private async checkProbes(route: string, now: number): Promise<EvalRoutingDecision[]> {
    const out: EvalRoutingDecision[] = [];
    const prefix = `${STATE}${encodeURIComponent(this.evaluator)}:${encodeURIComponent(route)}:`;
    for (const k of await this.o.store.keys(prefix)) {
      const st = await this.o.store.get<CohortState>(k);
      if (!st || st.phase !== 'rolled_back' || now - st.since < this.o.probeAfterMs) continue;
      const key = parseCohortKey(k.slice(STATE.length));
      const stats = await this.cohorts.read(key, now);
      const d = await this.transition(key, st, stats, 'probe', now);
      if (d) out.push(d);
    }
    return out;
  }

  private reason(action: EvalRoutingDecisionAction, stats: CohortStats): string {
    const rate = `${this.evaluator} fail rate ${pct(stats.failRate)} (${stats.failures}/${stats.samples})`;
    switch (action) {
      case 'demote':
      case 'rollback':
        return `${rate} >= ${pct(this.o.threshold)}`;
      case 'restore':
        return `${rate} <= ${pct(this.o.restoreBelow)}`;
      case 'probe':
        return `probing ${stats.variant !== undefined ? `variant ${stats.variant} of ${stats.deployment}` : stats.route} again ${Math.round(this.o.probeAfterMs / 1000)} s after the rollback`;
    }
  }

  /** Applies one transition atomically (the store's state must still be `from`), then its adjustments. */
  private async transition(key: CohortKey, from: CohortState, stats: CohortStats, action: EvalRoutingDecisionAction, now: number): Promise<EvalRoutingDecision | undefined> {
    const next: CohortState = { phase: 'healthy', since: now, token: token() };
    const variant = key.variant;
    const redirectTo = action === 'rollback' && variant === undefined ? this.o.rollbackTo(key.route) : undefined;
    switch (action) {
      case 'demote':
        next.phase = 'demoted';
        next.demoted = true;
        break;
      case 'rollback':
        next.phase = 'rolled_back';
        if (from.demoted) next.demoted = true;
        if (redirectTo !== undefined) next.redirectTo = redirectTo;
        break;
      case 'probe':
        next.phase = 'probing';
        if (from.demoted) next.demoted = true;
        break;
      case 'restore':
        break;
    }
    const k = this.stateKey(key);
    const written = await this.o.store.update<CohortState>(k, (cur) => {
      const curToken = cur?.token ?? '';
      return curToken === from.token ? next : cur;
    });
    if (written?.token !== next.token) return undefined; // another process decided first
    const reason = this.reason(action, stats);
    const routing = this.o.router.routing;
    let multiplier: number | undefined = action === 'demote' ? this.o.demoteTo : undefined;
    if (variant !== undefined) {
      const weight = { demote: this.o.demoteTo, rollback: 0, probe: from.demoted ? this.o.demoteTo : null, restore: null }[action];
      await routing.setVariantWeight(key.deployment, variant, weight, { reason });
      if (action === 'rollback') multiplier = 0;
    } else {
      if (action === 'demote') await routing.setWeight(key.deployment, this.o.demoteTo, { reason });
      if (action === 'rollback') await routing.redirect(key.route, redirectTo!, { reason });
      if (action === 'probe') await routing.redirect(key.route, null);
      if (action === 'restore') {
        if (from.demoted) await routing.setWeight(key.deployment, null);
        if (from.redirectTo) await routing.redirect(key.route, null);
      }
    }
    await this.cohorts.reset(key);
    const decision: EvalRoutingDecision = {
      action,
      route: key.route,
      deployment: key.deployment,
      evaluator: this.evaluator,
      samples: stats.samples,
      failures: stats.failures,
      failRate: stats.failRate,
      threshold: action === 'restore' ? this.o.restoreBelow : this.o.threshold,
      reason,
      at: now,
      ...(variant !== undefined ? { variant } : {}),
      ...(multiplier !== undefined ? { multiplier } : {}),
      ...(redirectTo ? { redirectTo } : {}),
    };
    this.nextCall.add(decision);
    try {
      this.onDecision?.(decision);
    } catch {
      /* the listener's failure is its own */
    }
    return decision;
  }
}
