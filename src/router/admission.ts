/**
 * Admission of one attempt on one deployment, and its release when the attempt ends:
 * breaker (half-open probe slots), budget reservation, deployment rate limit, in-flight count,
 * and (first attempt of a call) the caller key's rate limit. On the common path (breaker closed)
 * all of it is one store operation (`admit`), and the settlement another (`settle`).
 * Everything taken here is given back in `releaseAttempt`, whatever the attempt's fate.
 */
import type { Cost } from '../call-info.js';
import type { ErrorClass } from '../errors.js';
import type { Deployment } from '../providers/types.js';
import type { Usage } from '../wire/chat-response.js';
import { breakerKey } from './breaker.js';
import { isCallLevelScope, reserveSlotsOf, worstCaseCost, type BudgetSlot, type Reservation } from './budget.js';
import { keyRefused } from './call-lifecycle.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './core.js';
import { decide } from './decisions.js';
import { admittedWindows, deploymentScope, hasLimit, rateWindows, type Admission } from './limits.js';
import { admitWith, settleWith } from './store/compose.js';
import type { AdmitOutcome, AdmitRequest, SettleBatch } from './store/types.js';

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
  const now = core.clock.now();
  const key = state.pendingKey;
  const keyWindows = key ? rateWindows(key.scope, key.limit, state.promptTokens) : undefined;
  const slots = core.budgets.active ? core.budgets.slotsFor(alias, d, state.identity) : [];
  const amount = slots.length ? worstCaseCost(d, state.promptTokens, state.maxOutputTokens) : 0;
  const depLimit = hasLimit(d) ? { ...(d.rpm !== undefined ? { rpm: d.rpm } : {}), ...(d.tpm !== undefined ? { tpm: d.tpm } : {}) } : undefined;
  const depWindows = depLimit ? rateWindows(deploymentScope(d), depLimit, state.promptTokens) : undefined;
  const attempt: AdmitRequest = {
    now,
    ...(slots.length ? { budgets: { slots: reserveSlotsOf(slots), amount } } : {}),
    ...(depWindows ? { windows: depWindows.slots } : {}),
  };
  // One store operation: the key's windows (first attempt of the call), the breaker gate, the budgets, the deployment's windows.
  const first: AdmitRequest = { ...attempt, ...(keyWindows ? { callWindows: keyWindows.slots } : {}), ...(core.breakers.enabled ? { gate: breakerKey(d.id) } : {}) };
  // The key is checked here, once, whatever happens next (a store error must not check it again).
  if (key) state.pendingKey = undefined;
  let out = needsStore(first) ? await admitWith(core.store, first) : ({ ok: true } as AdmitOutcome);
  if (key) {
    if (!out.ok && out.stage === 'call') throw keyRefused(state, keyWindows!.kinds[out.index]!, out.retryAfterMs);
    state.keyAdmission = admittedWindows(key.scope, key.limit, state.promptTokens);
  }
  let probe = false;
  if (!out.ok && out.stage === 'gate') {
    // The breaker is not closed: its own compare-and-set path decides (half-open probe slots), then the rest.
    const gate = await core.breakers.acquire(d.id);
    if (!gate.ok) {
      const check = await core.breakers.check(d.id);
      decide(call, 'breaker', 'skip', { 'deployment.id': d.id, 'breaker.state': check.state });
      return { ok: false, reason: 'breaker', ...(check.retryAt !== undefined ? { retryAt: check.retryAt } : {}), ...(check.rateLimited ? { rateLimited: true } : {}) };
    }
    if (gate.transition === 'half_open') decide(call, 'breaker', 'half_open', { 'deployment.id': d.id });
    probe = gate.probe;
    out = needsStore(attempt) ? await admitWith(core.store, attempt) : { ok: true };
  }
  if (!out.ok) {
    await core.breakers.record(d.id, 'neutral', probe);
    if (out.stage === 'budget') {
      const slot = slots[out.index]!;
      decide(call, 'budget', 'reject', {
        'budget.name': slot.label,
        'budget.limit_usd': slot.rule.limitUsd,
        'budget.spent_usd': out.value,
        'deployment.id': d.id,
      });
      return { ok: false, reason: 'budget', slot, spentUsd: out.value, callLevel: isCallLevelScope(slot.rule.scope) };
    }
    const limit = out.stage === 'window' ? depWindows!.kinds[out.index]! : 'rpm';
    const retryAfterMs = out.stage === 'window' ? out.retryAfterMs : 0;
    decide(call, 'rate_limit', 'skip', { 'deployment.id': d.id, 'rate_limit.limit': limit, 'rate_limit.retry_after_ms': retryAfterMs });
    return { ok: false, reason: 'rate_limit', retryAfterMs, limit };
  }
  const ticket: Ticket = { deployment: d, probe };
  if (slots.length) {
    ticket.reservation = { slots, amountUsd: amount };
    const rec = (call.info.budget ??= { budgets: [], reservedUsd: 0, settledUsd: 0 });
    for (const s of slots) if (!rec.budgets.includes(s.label)) rec.budgets.push(s.label);
    rec.reservedUsd = round(rec.reservedUsd + amount);
    decide(call, 'budget', 'reserve', { 'budget.reserved_usd': amount, 'budget.names': slots.map((s) => s.label), 'deployment.id': d.id });
  }
  if (depLimit) ticket.rate = admittedWindows(deploymentScope(d), depLimit, state.promptTokens);
  return { ok: true, ticket };
}

function needsStore(r: AdmitRequest): boolean {
  return Boolean(r.callWindows?.length || r.gate !== undefined || r.budgets?.slots.length || r.windows?.length);
}

/**
 * Gives back what the attempt took and records its result. The settlement (budget and TPM
 * corrections, a closed breaker's success) is one store operation, which a networked store sends
 * write-behind; a breaker transition (a failure, a probe's result) is recorded and awaited here.
 */
export async function releaseAttempt(core: RouterCore, state: CallState, ticket: Ticket, result: AttemptResult): Promise<void> {
  const d = ticket.deployment;
  core.stats.end(d.id);
  if (result.errorClass === undefined && result.latencyMs !== undefined) {
    core.stats.observe(d.id, result.stream ? 'ttft' : 'latency', result.latencyMs);
  }
  const verdict = core.breakers.verdictOf(result.errorClass);
  const batch: SettleBatch = { now: core.clock.now() };
  if (core.store.settle && core.breakers.enabled && verdict === 'success' && !ticket.probe) {
    batch.breakerSuccess = core.breakers.successOp(d.id);
  } else {
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
  }
  if (ticket.rate && result.usage) batch.windows = core.limiter.corrections(ticket.rate, result.usage.total_tokens);
  if (ticket.reservation) {
    const actual = result.cost ? result.cost.total : 0;
    batch.increments = core.budgets.settlement(ticket.reservation, actual);
    const rec = state.event.info.budget;
    if (rec) rec.settledUsd = round(rec.settledUsd + actual);
    decide(state.event, 'budget', 'settle', { 'budget.reserved_usd': ticket.reservation.amountUsd, 'budget.settled_usd': actual, 'deployment.id': d.id });
  }
  if (batch.breakerSuccess || batch.windows?.length || batch.increments?.length) await settleWith(core.store, batch);
}

function round(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}
