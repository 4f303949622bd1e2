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
 */
import type { DeploymentRef } from '../call-info.js';
import { callChannel, evaluationChannel, publishDecision, type CallEvent, type EvaluationEvent, type EvaluationEventResult } from '../channels.js';
import { ConfigError } from '../errors.js';
import type { Clock } from '../router/clock.js';
import type { RoutingAdjustments } from '../router/routing-adjust.js';
import type { StateStore } from '../router/store/types.js';
import { EvalCohorts, cohortKey, type CohortKey, type CohortStats } from './cohort.js';

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
  /** Known-good alias to roll back to: one for every route, or per route. */
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
const MAX_PENDING = 32;

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

let tokens = 0;
function token(): string {
  return `${process.pid}.${Date.now().toString(36)}.${(tokens++).toString(36)}`;
}

export class EvalRoutingPolicy {
  readonly evaluator: string;
  private readonly router: PolicyRouter;
  private readonly store: StateStore;
  private readonly clock: Clock;
  private readonly cohorts: EvalCohorts;
  private readonly ladder: readonly EvalRoutingAction[];
  private readonly routes: ReadonlySet<string>;
  private readonly deploymentsKnown: ReadonlySet<string>;
  private readonly threshold: number;
  private readonly restoreBelow: number;
  private readonly minSamples: number;
  private readonly demoteTo: number;
  private readonly probeAfterMs: number;
  private readonly rollbackTo: (alias: string) => string | undefined;
  private readonly includeShadow: boolean;
  private readonly options: EvalRoutingPolicyOptions;
  /** Decisions waiting for the next call of their route (published on its trace). */
  private readonly pending = new Map<string, EvalRoutingDecision[]>();
  private chain: Promise<unknown> = Promise.resolve();
  /** When each route's rollbacks were last checked for a probe (a store scan: at most every probeCheckMs). */
  private readonly probeChecked = new Map<string, number>();
  private readonly probeCheckMs: number;
  private onEvaluation: ((message: unknown) => void) | undefined;
  private readonly onCallEnd: (message: unknown) => void;
  private closed = false;

  constructor(options: EvalRoutingPolicyOptions) {
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
    this.options = options;
    this.router = r;
    this.evaluator = options.evaluator;
    this.store = options.store ?? r.store;
    this.clock = options.clock ?? r.clock;
    this.threshold = unit(options.failRateThreshold, 'failRateThreshold');
    this.restoreBelow = unit(options.restoreBelow ?? this.threshold / 2, 'restoreBelow');
    if (this.restoreBelow >= this.threshold) throw new ConfigError(`${where}: restoreBelow (${this.restoreBelow}) must be below failRateThreshold (${this.threshold})`);
    this.minSamples = positive(options.minSamples ?? 20, 'minSamples', true);
    const windowMs = positive(options.window ?? 300_000, 'window');
    this.probeAfterMs = positive(options.probeAfterMs ?? windowMs, 'probeAfterMs');
    this.probeCheckMs = Math.min(1000, this.probeAfterMs / 10);
    this.demoteTo = options.demoteTo ?? 0.1;
    if (typeof this.demoteTo !== 'number' || !Number.isFinite(this.demoteTo) || this.demoteTo < 0 || this.demoteTo >= 1) {
      throw new ConfigError(`${where}: demoteTo must be a weight multiplier from 0 to below 1`);
    }
    const ladder = (Array.isArray(options.action) ? options.action : [options.action]) as EvalRoutingAction[];
    if (ladder.length === 0 || ladder.some((a) => a !== 'demote' && a !== 'rollback') || new Set(ladder).size !== ladder.length) {
      throw new ConfigError(`${where}: action must be "demote", "rollback" or a list of them, e.g. ["demote", "rollback"]`);
    }
    this.ladder = ladder;
    const aliases = new Set(r.aliases());
    this.routes = new Set(options.routes ?? aliases);
    for (const a of this.routes) if (!aliases.has(a)) throw new ConfigError(`${where}: unknown route "${a}"`);
    this.deploymentsKnown = new Set(r.deployments().map((d) => d.id));
    const rb = options.rollbackTo;
    if (ladder.includes('rollback')) {
      if (rb === undefined) throw new ConfigError(`${where}: action "rollback" needs rollbackTo (a known-good alias)`);
      const targets = typeof rb === 'string' ? [rb] : Object.values(rb);
      for (const t of targets) if (!aliases.has(t)) throw new ConfigError(`${where}: rollbackTo names an unknown alias "${t}"`);
      if (typeof rb === 'object') for (const a of Object.keys(rb)) if (!aliases.has(a)) throw new ConfigError(`${where}: rollbackTo has an unknown route "${a}"`);
    }
    this.rollbackTo = (alias) => {
      const to = typeof rb === 'string' ? rb : rb?.[alias];
      return to && to !== alias ? to : undefined;
    };
    this.includeShadow = options.includeShadow !== false;
    this.cohorts = new EvalCohorts(this.store, windowMs);
    this.onCallEnd = (message) => this.publishPending(message as CallEvent);
    callChannel.end.subscribe(this.onCallEnd);
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
        this.options.onError?.(err);
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
      for (const route of this.routes) out.push(...(await this.checkProbes(route, this.clock.now())));
      return out;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** State and counters of every cohort the policy has seen in its window. */
  async status(): Promise<CohortStatus[]> {
    const now = this.clock.now();
    const out: CohortStatus[] = [];
    for (const s of await this.cohorts.list(now)) {
      if (s.evaluator !== this.evaluator) continue;
      const st = await this.store.get<CohortState>(this.stateKey(s));
      out.push({ ...s, phase: st?.phase ?? 'healthy', since: st?.since ?? 0 });
    }
    for (const k of await this.store.keys(`${STATE}${encodeURIComponent(this.evaluator)}:`)) {
      const st = await this.store.get<CohortState>(k);
      if (!st || st.phase === 'healthy') continue;
      const [, route, deployment] = k.slice(STATE.length).split(':').map(decodeURIComponent) as [string, string, string];
      if (out.some((o) => o.route === route && o.deployment === deployment)) continue;
      out.push({ evaluator: this.evaluator, route, deployment, samples: 0, failures: 0, failRate: 0, phase: st.phase, since: st.since });
    }
    return out;
  }

  /** Stops listening (adjustments already made stay until restored or cleared). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    callChannel.end.unsubscribe(this.onCallEnd);
    if (this.onEvaluation) evaluationChannel.unsubscribe(this.onEvaluation);
  }

  // ---- internals -------------------------------------------------------------------------------

  private stateKey(k: CohortKey): string {
    return `${STATE}${cohortKey(k).slice('evalstat:'.length)}`;
  }

  private async process(result: EvaluationEventResult): Promise<EvalRoutingDecision | undefined> {
    if (!result || result.name !== this.evaluator || this.closed) return undefined;
    const route = result.route;
    if (!route || !this.routes.has(route.alias) || !this.deploymentsKnown.has(route.deployment)) return undefined;
    if (result.shadow && !this.includeShadow) return undefined;
    const now = this.clock.now();
    let probes: EvalRoutingDecision[] = [];
    if (now - (this.probeChecked.get(route.alias) ?? -Infinity) >= this.probeCheckMs) {
      this.probeChecked.set(route.alias, now);
      probes = await this.checkProbes(route.alias, now);
    }
    const key: CohortKey = { route: route.alias, deployment: route.deployment, evaluator: this.evaluator };
    const stats = await this.cohorts.record(key, result.passed, now);
    const state = (await this.store.get<CohortState>(this.stateKey(key))) ?? { phase: 'healthy', since: 0, token: '' };
    const decided = await this.decide(key, state, stats, now);
    return decided ?? probes[probes.length - 1];
  }

  private async decide(key: CohortKey, state: CohortState, stats: CohortStats, now: number): Promise<EvalRoutingDecision | undefined> {
    if (stats.samples < this.minSamples) return undefined;
    const failing = stats.failRate >= this.threshold;
    const recovered = stats.failRate <= this.restoreBelow;
    const canRollback = this.ladder.includes('rollback') && this.rollbackTo(key.route) !== undefined;
    switch (state.phase) {
      case 'healthy':
        if (!failing) return undefined;
        if (this.ladder[0] === 'demote') return this.transition(key, state, stats, 'demote', now);
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
    for (const k of await this.store.keys(prefix)) {
      const st = await this.store.get<CohortState>(k);
      if (!st || st.phase !== 'rolled_back' || now - st.since < this.probeAfterMs) continue;
      const deployment = decodeURIComponent(k.slice(prefix.length));
      const key: CohortKey = { route, deployment, evaluator: this.evaluator };
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
        return `${rate} >= ${pct(this.threshold)}`;
      case 'restore':
        return `${rate} <= ${pct(this.restoreBelow)}`;
      case 'probe':
        return `probing ${stats.route} again ${Math.round(this.probeAfterMs / 1000)} s after the rollback`;
    }
  }

  /** Applies one transition atomically (the store's state must still be `from`), then its adjustments. */
  private async transition(key: CohortKey, from: CohortState, stats: CohortStats, action: EvalRoutingDecisionAction, now: number): Promise<EvalRoutingDecision | undefined> {
    const next: CohortState = { phase: 'healthy', since: now, token: token() };
    const redirectTo = action === 'rollback' ? this.rollbackTo(key.route) : undefined;
    switch (action) {
      case 'demote':
        next.phase = 'demoted';
        next.demoted = true;
        break;
      case 'rollback':
        next.phase = 'rolled_back';
        if (from.demoted) next.demoted = true;
        next.redirectTo = redirectTo!;
        break;
      case 'probe':
        next.phase = 'probing';
        if (from.demoted) next.demoted = true;
        break;
      case 'restore':
        break;
    }
    const k = this.stateKey(key);
    const written = await this.store.update<CohortState>(k, (cur) => {
      const curToken = cur?.token ?? '';
      return curToken === from.token ? next : cur;
    });
    if (written?.token !== next.token) return undefined; // another process decided first
    const reason = this.reason(action, stats);
    const routing = this.router.routing;
    if (action === 'demote') await routing.setWeight(key.deployment, this.demoteTo, { reason });
    if (action === 'rollback') await routing.redirect(key.route, redirectTo!, { reason });
    if (action === 'probe') await routing.redirect(key.route, null);
    if (action === 'restore') {
      if (from.demoted) await routing.setWeight(key.deployment, null);
      if (from.redirectTo) await routing.redirect(key.route, null);
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
      threshold: action === 'restore' ? this.restoreBelow : this.threshold,
      reason,
      at: now,
      ...(action === 'demote' ? { multiplier: this.demoteTo } : {}),
      ...(redirectTo ? { redirectTo } : {}),
    };
    const list = this.pending.get(key.route) ?? [];
    list.push(decision);
    if (list.length > MAX_PENDING) list.shift();
    this.pending.set(key.route, list);
    try {
      this.options.onDecision?.(decision);
    } catch {
      /* the listener's failure is its own */
    }
    return decision;
  }

  /** On the next call of a route with pending decisions: publish them on that call (its trace). */
  private publishPending(call: CallEvent): void {
    if (this.pending.size === 0) return;
    const list = this.pending.get(call.alias);
    if (!list) return;
    this.pending.delete(call.alias);
    for (const d of list) {
      publishDecision({
        call,
        kind: 'eval_routing',
        action: d.action,
        detail: {
          'route.alias': d.route,
          'deployment.id': d.deployment,
          'routing.reason': d.reason,
          'eval_routing.evaluator': d.evaluator,
          'eval_routing.fail_rate': d.failRate,
          'eval_routing.samples': d.samples,
          'eval_routing.threshold': d.threshold,
          ...(d.multiplier !== undefined ? { 'routing.weight_multiplier': d.multiplier } : {}),
          ...(d.redirectTo !== undefined ? { 'routing.redirect_to': d.redirectTo } : {}),
        },
      });
    }
  }
}
