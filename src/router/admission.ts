/**
 * Admission of one attempt on one deployment, and its release when the attempt ends:
 * breaker (half-open probe slots), budget reservation, deployment rate limit, in-flight count.
 * Everything taken here is given back in `releaseAttempt`, whatever the attempt's fate.
 */
import type { Cost } from '../call-info.js';
import type { ErrorClass } from '../errors.js';
import type { Deployment } from '../providers/types.js';
import type { Usage } from '../wire/chat-response.js';
import { isCallLevelScope, worstCaseCost, type BudgetSlot, type Reservation } from './budget.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import { deploymentScope, hasLimit, type Admission } from './limits.js';

export interface Ticket {
  deployment: Deployment;
  probe: boolean;
  reservation?: Reservation;
  rate?: Admission;
}

export type AdmitResult =
  | { ok: true; ticket: Ticket }
  | { ok: false; reason: 'breaker'; retryAt?: number; rateLimited?: boolean }
  | { ok: false; reason: 'rate_limit'; retryAfterMs: number; limit: string }
  | { ok: false; reason: 'in_flight'; maxInFlight: number }
  | { ok: false; reason: 'budget'; slot: BudgetSlot; spentUsd: number; callLevel: boolean };

export interface AttemptResult {
  errorClass?: ErrorClass;
  /** The provider's retry-after of a failed attempt, ms. */
  retryAfterMs?: number;
  usage?: Usage;
  cost?: Cost | null;
  /** Latency (unary) or time to first token (stream) of a successful attempt. */
  latencyMs?: number;
  stream: boolean;
}

/**
 * Admits an attempt. The in-flight cap is checked and the slot taken synchronously, before any
 * await, so concurrent calls cannot pass it together; every refusal gives the slot back.
 */
export async function admitAttempt(core: RouterCore, state: CallState, alias: string, d: Deployment): Promise<AdmitResult> {
  if (d.maxInFlight !== undefined && core.stats.get(d.id).inFlight >= d.maxInFlight) {
    decide(state.event, 'rate_limit', 'skip', { 'deployment.id': d.id, 'rate_limit.limit': 'max_in_flight', 'rate_limit.max_in_flight': d.maxInFlight });
    return { ok: false, reason: 'in_flight', maxInFlight: d.maxInFlight };
  }
  core.stats.begin(d.id);
  let r: AdmitResult | undefined;
  try {
    r = await admitChecks(core, state, alias, d);
    return r;
  } finally {
    if (!r?.ok) core.stats.end(d.id);
  }
}

async function admitChecks(core: RouterCore, state: CallState, alias: string, d: Deployment): Promise<AdmitResult> {
  const call = state.event;
  const gate = await core.breakers.acquire(d.id);
  if (!gate.ok) {
    const check = await core.breakers.check(d.id);
    decide(call, 'breaker', 'skip', { 'deployment.id': d.id, 'breaker.state': check.state });
    return { ok: false, reason: 'breaker', ...(check.retryAt !== undefined ? { retryAt: check.retryAt } : {}), ...(check.rateLimited ? { rateLimited: true } : {}) };
  }
  if (gate.transition === 'half_open') decide(call, 'breaker', 'half_open', { 'deployment.id': d.id });
  const ticket: Ticket = { deployment: d, probe: gate.probe };
  if (core.budgets.active) {
    const slots = core.budgets.slotsFor(alias, d, state.identity);
    if (slots.length) {
      const amount = worstCaseCost(d, state.promptTokens, state.maxOutputTokens);
      const r = await core.budgets.reserve(slots, amount);
      if (!r.ok) {
        await core.breakers.record(d.id, 'neutral', gate.probe);
        decide(call, 'budget', 'reject', {
          'budget.name': r.slot.label,
          'budget.limit_usd': r.slot.rule.limitUsd,
          'budget.spent_usd': r.spentUsd,
          'deployment.id': d.id,
        });
        return { ok: false, reason: 'budget', slot: r.slot, spentUsd: r.spentUsd, callLevel: isCallLevelScope(r.slot.rule.scope) };
      }
      ticket.reservation = r.reservation;
      const info = call.info;
      const rec = (info.budget ??= { budgets: [], reservedUsd: 0, settledUsd: 0 });
      for (const s of slots) if (!rec.budgets.includes(s.label)) rec.budgets.push(s.label);
      rec.reservedUsd = round(rec.reservedUsd + amount);
      decide(call, 'budget', 'reserve', { 'budget.reserved_usd': amount, 'budget.names': slots.map((s) => s.label), 'deployment.id': d.id });
    }
  }
  if (hasLimit(d)) {
    const limit = { ...(d.rpm !== undefined ? { rpm: d.rpm } : {}), ...(d.tpm !== undefined ? { tpm: d.tpm } : {}) };
    const a = await core.limiter.admit(deploymentScope(d), limit, state.promptTokens);
    if (!a.ok) {
      await core.breakers.record(d.id, 'neutral', gate.probe);
      if (ticket.reservation) await core.budgets.settle(ticket.reservation, 0);
      decide(call, 'rate_limit', 'skip', { 'deployment.id': d.id, 'rate_limit.limit': a.limit ?? 'rpm', 'rate_limit.retry_after_ms': a.retryAfterMs ?? 0 });
      return { ok: false, reason: 'rate_limit', retryAfterMs: a.retryAfterMs ?? 0, limit: a.limit ?? 'rpm' };
    }
    ticket.rate = a;
  }
  return { ok: true, ticket };
}

export async function releaseAttempt(core: RouterCore, state: CallState, ticket: Ticket, result: AttemptResult): Promise<void> {
  const d = ticket.deployment;
  core.stats.end(d.id);
  if (result.errorClass === undefined && result.latencyMs !== undefined) {
    core.stats.observe(d.id, result.stream ? 'ttft' : 'latency', result.latencyMs);
  }
  const verdict = core.breakers.verdictOf(result.errorClass);
  const transition = await core.breakers.record(d.id, verdict, ticket.probe, result.errorClass, result.retryAfterMs);
  if (transition) {
    const snap = await core.breakers.snapshot(d.id);
    decide(state.event, 'breaker', transition, {
      'deployment.id': d.id,
      'breaker.state': snap.state,
      'breaker.reason': snap.reason,
      'breaker.retry_at': snap.retryAt,
    });
  }
  if (ticket.rate && result.usage) await core.limiter.reconcile(ticket.rate, result.usage.total_tokens);
  if (ticket.reservation) {
    const actual = result.cost ? result.cost.total : 0;
    await core.budgets.settle(ticket.reservation, actual);
    const rec = state.event.info.budget;
    if (rec) rec.settledUsd = round(rec.settledUsd + actual);
    decide(state.event, 'budget', 'settle', { 'budget.reserved_usd': ticket.reservation.amountUsd, 'budget.settled_usd': actual, 'deployment.id': d.id });
  }
}

function round(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}
