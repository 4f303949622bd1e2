/**
 * The retry and fallback loop of one call. Within an alias: pick a healthy deployment, admit it
 * (breaker, budget, rate limit), run the attempt; on a retryable failure switch at once to
 * another deployment not yet tried in this round, and wait (backoff or retry-after) only when
 * none is left. When the alias is exhausted, follow the fallback list that matches the last
 * error. Every attempt, wait and hop draws on the call's one budget: `maxAttempts` and the total
 * deadline; the caller's signal ends everything at once, waits included.
 */
import type { AttemptEvent } from '../channels.js';
import {
  AbortedError,
  BudgetExceededError,
  CircuitOpenError,
  ContextWindowExceededError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  type TracegateError,
} from '../errors.js';
import type { Deployment } from '../providers/types.js';
import { getProvider } from '../providers/registry.js';
import type { AttemptPlan } from './attempt.js';
import { applyOverrides } from './overrides.js';
import { overridesForAttempt } from './variants.js';
import { admitAttempt, releaseAttempt, type Ticket } from './admission.js';
import { admitKeyNow } from './call-lifecycle.js';
import type { CallState } from './call-state.js';
import { applyRules, filterBreakers, fittingDeployments, neededTokens, pickDeployment } from './candidates.js';
import { NEEDS_READ } from './routing-adjust.js';
import { sleep } from './clock.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import { fallbackKindFor, nextAliases, type FallbackKind } from './policy/fallback.js';
import { chooseWait, endsCall, isDeploymentError, isRequestError, isRetryable } from './policy/retry.js';

export interface AttemptRunner<T> {
  /** `settle` is returned when the runner left a successful attempt unsettled (see `holdOpen`). */
  run(plan: AttemptPlan): Promise<{ value: T; event: AttemptEvent; settle?: () => void }>;
  /** Unary attempts are released here on success; streams are released by the caller at stream end. */
  releaseOnSuccess: boolean;
}

export interface Answer<T> {
  value: T;
  event: AttemptEvent;
  plan: AttemptPlan;
  ticket: Ticket;
  /** Publishes the end of the answering attempt when the runner held it open; call exactly once. */
  settle?: () => void;
}

export interface ExecuteOptions {
  alias: string;
  params: Record<string, unknown>;
  /** Only this deployment (guardrail repairs): retries allowed, no other deployment, no fallback. */
  pin?: Deployment;
  depth?: number;
  visited?: Set<string>;
  retryReason?: string;
}

/** Why deployments were not attempted, for the error when nothing was attempted at all. */
interface Exclusions {
  breakerRetryAt?: number;
  breaker: number;
  /** Of `breaker`: open because the deployment rate-limited. */
  breakerRateLimited: number;
  rateRetryAfterMs?: number;
  rate: number;
  /** Skipped at their `maxInFlight`. */
  inFlight: number;
  context: number;
  rule: number;
  budget?: { label: string; limitUsd: number; spentUsd: number };
}

/** The retry hint of a call refused because every deployment is at its in-flight cap. */
const IN_FLIGHT_RETRY_MS = 1000;

class Run<T> {
  private lastError: TracegateError | undefined;
  private readonly counts = new Map<string, number>();
  private readonly excl: Exclusions = { breaker: 0, breakerRateLimited: 0, rate: 0, inFlight: 0, context: 0, rule: 0 };
  private readonly reportedWeights = new Set<string>();
  /** Deployments whose variant adjustments were published on this call. */
  private readonly reportedVariants = new Set<string>();
  private nextReason: string | undefined;
  private nextWait = 0;

  constructor(
    private readonly core: RouterCore,
    private readonly state: CallState,
    private readonly runner: AttemptRunner<T>,
    private readonly opts: ExecuteOptions,
  ) {
    this.nextReason = opts.retryReason;
  }

  async execute(): Promise<Answer<T>> {
    const visited = this.opts.visited ?? new Set<string>();
    visited.add(this.opts.alias);
    try {
      const answer = await this.tryAlias(this.opts.alias, this.opts.depth ?? 0, visited);
      if (answer) return answer;
      throw this.finalError();
    } catch (err) {
      // Nothing was admitted (every deployment skipped before its admission): the key's limit is
      // still checked, and a refusal there is the call's answer, as when it is checked first.
      await admitKeyNow(this.core, this.state);
      throw err;
    }
  }

  private async tryAlias(requested: string, depth: number, visited: Set<string>): Promise<Answer<T> | undefined> {
    const { core, state } = this;
    const call = state.event;
    let alias = requested;
    if (!this.opts.pin) {
      const now = core.adjustments.redirectNow(alias);
      const redirect = now === NEEDS_READ ? await core.adjustments.redirectOf(alias) : now;
      if (redirect && !visited.has(redirect.to) && core.groups.has(redirect.to)) {
        decide(call, 'eval_routing', 'redirect', { 'route.alias': alias, 'routing.redirect_to': redirect.to, 'routing.reason': redirect.reason });
        if (depth === 0) call.info.routedAlias = redirect.to;
        alias = redirect.to;
        visited.add(alias);
      }
    }
    const group = this.opts.pin ? [this.opts.pin] : (core.groups.get(alias) ?? []);
    const answer = await this.tryGroup(alias, group, depth);
    if (answer || this.opts.pin) return answer;
    return this.fallBack(alias, depth, visited);
  }

  private async fallBack(alias: string, depth: number, visited: Set<string>): Promise<Answer<T> | undefined> {
    const { core, state } = this;
    const kind: FallbackKind | undefined = this.lastError ? fallbackKindFor(this.lastError.errorClass) : this.excl.context > 0 ? 'context_window' : 'general';
    if (kind === undefined) return undefined;
    if (this.lastError && endsCall(this.lastError)) return undefined;
    const next = nextAliases(core.policies.fallback, kind, alias, visited);
    for (const to of next) {
      if (depth + 1 > core.policies.fallback.maxFallbackDepth) {
        decide(state.event, 'fallback', 'depth_limit', { 'fallback.from': alias, 'fallback.max_depth': core.policies.fallback.maxFallbackDepth });
        return undefined;
      }
      if (this.attemptsLeft() <= 0 || this.timeLeft() <= 0) return undefined;
      visited.add(to);
      decide(state.event, 'fallback', 'switch', {
        'fallback.from': alias,
        'fallback.to': to,
        'fallback.kind': kind,
        'fallback.depth': depth + 1,
        'error.type': this.lastError?.errorClass,
      });
      this.nextReason = this.lastError?.errorClass ?? (kind === 'context_window' ? 'context_window' : 'unavailable');
      const answer = await this.tryAlias(to, depth + 1, visited);
      if (answer) return answer;
    }
    return undefined;
  }

  /** Tries the deployments of one alias; undefined when the alias is exhausted. */
  private async tryGroup(alias: string, group: readonly Deployment[], depth: number): Promise<Answer<T> | undefined> {
    const { core, state } = this;
    const call = state.event;
    let pool = this.opts.pin ? group.slice() : fittingDeployments(core, state, group);
    if (pool.length < group.length) {
      const skipped = group.length - pool.length;
      decide(call, 'context_window', pool.length ? 'skip' : 'exclude_alias', {
        'route.alias': alias,
        'context_window.needed_tokens': neededTokens(state),
        'context_window.skipped': skipped,
      });
      if (pool.length === 0) {
        this.excl.context += skipped;
        return undefined;
      }
    }
    const ruled = this.opts.pin ? { pool, empty: false } : applyRules(core, state, alias, pool);
    if (ruled.empty) {
      this.excl.rule++;
      return undefined;
    }
    pool = ruled.pool;
    const strategy = core.strategyFor(alias, ruled.rule?.strategy);
    const banned = new Set<string>(); // deployment errors: never again in this call
    let tried = new Set<string>(); // failed or refused in this round
    let roundFailures: TracegateError[] = [];
    let round = 1;
    for (;;) {
      this.checkAlive();
      if (this.attemptsLeft() <= 0) return undefined;
      // Awaited only when it is a promise: the memory store answers without one.
      const filtered = filterBreakers(core, pool.filter((d) => !tried.has(d.id) && !banned.has(d.id)));
      const open = filtered instanceof Promise ? await filtered : filtered;
      if (open.open.length) {
        this.excl.breaker += open.open.length;
        this.excl.breakerRateLimited += open.rateLimited;
        if (open.retryAt !== undefined) this.excl.breakerRetryAt = Math.min(this.excl.breakerRetryAt ?? Infinity, open.retryAt);
        for (const d of open.open) tried.add(d.id);
      }
      if (open.usable.length === 0) {
        // Nothing left in this round: wait and go again only if the round's failures may be retried.
        if (roundFailures.length === 0) return undefined;
        const retryable = pool.some((d) => !banned.has(d.id));
        if (!retryable) return undefined;
        const hints = roundFailures.map((e) => e.retryAfterMs).filter((v): v is number => v !== undefined);
        const hint = hints.length ? Math.min(...hints) : undefined;
        const wait = chooseWait(core.policies.retry, round, hint, core.random);
        if (wait.tooLong || wait.ms >= this.timeLeft()) {
          decide(call, 'retry', 'give_up', { 'route.alias': alias, 'retry.wait_ms': wait.ms, 'retry.wait_source': wait.source, 'retry.reason': wait.tooLong ? 'retry_after_too_long' : 'deadline' });
          return undefined;
        }
        decide(call, 'retry', 'wait', { 'route.alias': alias, 'retry.wait_ms': wait.ms, 'retry.wait_source': wait.source, 'retry.round': round });
        await sleep(wait.ms, state.signal);
        this.nextWait += wait.ms;
        round++;
        tried = new Set();
        roundFailures = [];
        continue;
      }
      const picked = pickDeployment(core, state, open.usable, strategy, this.reportedWeights);
      const d = picked instanceof Promise ? await picked : picked;
      const admitted = await admitAttempt(core, state, alias, d);
      if (!admitted.ok) {
        tried.add(d.id);
        if (admitted.reason === 'breaker') {
          this.excl.breaker++;
          if (admitted.rateLimited) this.excl.breakerRateLimited++;
          if (admitted.retryAt !== undefined) this.excl.breakerRetryAt = Math.min(this.excl.breakerRetryAt ?? Infinity, admitted.retryAt);
        } else if (admitted.reason === 'in_flight') {
          this.excl.inFlight++;
        } else if (admitted.reason === 'rate_limit') {
          this.excl.rate++;
          this.excl.rateRetryAfterMs = Math.min(this.excl.rateRetryAfterMs ?? Infinity, admitted.retryAfterMs);
        } else {
          this.excl.budget = { label: admitted.slot.label, limitUsd: admitted.slot.rule.limitUsd, spentUsd: admitted.spentUsd };
          if (admitted.callLevel) throw this.budgetError();
        }
        continue;
      }
      const chosen = await overridesForAttempt(core, state, d, this.opts.params, this.reportedVariants);
      const adjusted = applyOverrides(this.opts.params, chosen.fields, {
        alias,
        model: d.model,
        unsupported: call.operation === 'chat' ? getProvider(d.provider).unsupportedParams : undefined,
      });
      const plan: AttemptPlan = {
        deployment: d,
        alias,
        fallbackDepth: depth,
        waitMs: this.nextWait,
        params: adjusted.params,
        ...(adjusted.applied.length ? { overrides: adjusted.applied } : {}),
        ...(chosen.fields ? { extras: chosen.fields } : {}),
        ...(chosen.variant !== undefined ? { variant: chosen.variant } : {}),
        ...(this.nextReason !== undefined ? { retryReason: this.nextReason } : {}),
      };
      this.nextWait = 0;
      decide(call, 'route', 'select', { 'route.alias': alias, 'route.strategy': strategy.name, 'deployment.id': d.id, 'route.candidates': open.usable.length });
      const ticket = admitted.ticket;
      let outcome: { value: T; event: AttemptEvent; settle?: () => void };
      try {
        outcome = await this.runner.run(plan);
      } catch (err) {
        const e = err as TracegateError;
        await releaseAttempt(core, state, ticket, { errorClass: e.errorClass, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}), stream: call.stream });
        this.lastError = e;
        if (endsCall(e)) throw e;
        const cls = e.errorClass;
        this.nextReason = cls;
        if (isRequestError(cls)) return undefined;
        if (isDeploymentError(cls)) {
          banned.add(d.id);
          decide(call, 'retry', 'switch', { 'error.type': cls, 'deployment.id': d.id, 'retry.reason': 'deployment_error' });
          continue;
        }
        if (!isRetryable(cls)) throw e;
        const used = (this.counts.get(cls) ?? 0) + 1;
        this.counts.set(cls, used);
        if (used > core.policies.retry.perClass[cls]) {
          decide(call, 'retry', 'exhausted', { 'error.type': cls, 'retry.count': used - 1, 'route.alias': alias });
          return undefined;
        }
        tried.add(d.id);
        roundFailures.push(e);
        decide(call, 'retry', 'switch', { 'error.type': cls, 'deployment.id': d.id, 'retry.count': used, 'retry.retry_after_ms': e.retryAfterMs });
        continue;
      }
      if (this.runner.releaseOnSuccess) {
        const ev = outcome.event;
        try {
          await releaseAttempt(core, state, ticket, {
            ...(ev.usage ? { usage: ev.usage } : {}),
            ...(ev.cost !== undefined ? { cost: ev.cost } : {}),
            ...(ev.durationMs !== undefined ? { latencyMs: ev.durationMs } : {}),
            stream: false,
          });
        } catch (err) {
          outcome.settle?.();
          throw err;
        }
      }
      return { value: outcome.value, event: outcome.event, plan, ticket, ...(outcome.settle ? { settle: outcome.settle } : {}) };
    }
  }

  private attemptsLeft(): number {
    return this.state.maxAttempts - this.state.nextAttemptIndex;
  }

  private timeLeft(): number {
    return this.state.deadlineAt - Date.now();
  }

  private checkAlive(): void {
    const s = this.state;
    if (s.signal?.aborted) {
      const r = s.signal.reason;
      throw r instanceof AbortedError ? r : new AbortedError(undefined, { cause: r });
    }
    if (this.timeLeft() <= 0) throw new TimeoutError('total', s.totalMs);
  }

  private budgetError(): BudgetExceededError {
    const b = this.excl.budget!;
    return new BudgetExceededError(`budget "${b.label}" is exhausted (${b.spentUsd.toFixed(6)} of ${b.limitUsd} USD spent or reserved)`);
  }

  /** The error of an exhausted call: the last attempt's, or why nothing could be attempted. */
  private finalError(): TracegateError {
    if (this.lastError) return this.lastError;
    const x = this.excl;
    const alias = this.opts.alias;
    if (x.budget) return this.budgetError();
    const now = this.core.clock.now();
    // Held back by rate limiting only (our RPM/TPM windows, in-flight caps, or breakers that 429s
    // opened): a 429 with the earliest retry time, not an outage (a breaker opened by real
    // failures answers 503).
    if (x.rate > 0 || x.inFlight > 0 || (x.breakerRateLimited > 0 && x.breakerRateLimited === x.breaker)) {
      const inFlightRetry = x.inFlight > 0 ? IN_FLIGHT_RETRY_MS : Infinity;
      const retry = Math.min(x.rateRetryAfterMs ?? Infinity, inFlightRetry, x.breakerRetryAt !== undefined ? x.breakerRetryAt - now : Infinity);
      const what =
        x.rate > 0 ? 'is at its rate limit' : x.inFlight > 0 ? 'is at its limit of requests in flight (maxInFlight)' : 'is rate limited by its provider (circuit open after 429s)';
      const code = x.rate === 0 && x.inFlight > 0 ? 'max_in_flight' : 'rate_limit_exceeded';
      return new RateLimitError(`every deployment of "${alias}" ${what}`, { code, ...(Number.isFinite(retry) ? { retryAfterMs: Math.max(0, Math.round(retry)) } : {}) });
    }
    if (x.breaker > 0) {
      const at = x.breakerRetryAt;
      return new CircuitOpenError(
        `every deployment of "${alias}" has an open circuit breaker${at !== undefined ? `; the earliest retry is at ${new Date(at).toISOString()}` : ''}`,
        at !== undefined ? { retryAfterMs: Math.max(0, at - now) } : {},
      );
    }
    if (x.context > 0) {
      return new ContextWindowExceededError(
        `the request needs about ${neededTokens(this.state)} tokens (estimated prompt plus max output), more than the context window of every deployment of "${alias}" and its context-window fallbacks`,
        { param: 'messages' },
      );
    }
    if (x.rule > 0) return new NotFoundError(`no deployment of "${alias}" matches the routing rule for this request`, { code: 'no_matching_deployment' });
    return new NotFoundError(`no deployment can serve "${alias}"`, { code: 'no_deployment' });
  }
}

export function executeCall<T>(core: RouterCore, state: CallState, runner: AttemptRunner<T>, opts: ExecuteOptions): Promise<Answer<T>> {
  return new Run(core, state, runner, opts).execute();
}
