/**
 * USD budgets per route (alias of the attempt), key, user, team, provider or globally, each with
 * a window (minute/hour/day/week/month, a number of ms, or `total`). Windows are fixed and
 * aligned to UTC (a `day` budget resets at 00:00 UTC; a month at the 1st).
 *
 * Before each attempt the worst-case cost is reserved on every matching budget (estimated
 * prompt tokens at the input price plus `max_tokens`, else the deployment's maximum output, at
 * the output price). A reservation is admitted while the budget's counter (spent + reserved) is
 * below its limit — one atomic store operation — so concurrent calls overshoot a budget by at
 * most one reservation. When the attempt ends the reservation is reconciled to the real cost
 * (0 for a failed attempt that reported no usage).
 */
import type { Deployment } from '../providers/types.js';
import type { Clock } from './clock.js';
import { reserveSlots } from './store/compose.js';
import type { ReserveSlot, StateStore } from './store/types.js';

export type BudgetScope = 'route' | 'key' | 'user' | 'team' | 'provider' | 'global';
export type BudgetWindow = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'total' | number;

export interface BudgetRule {
  /** Shown in errors and decisions; default `<scope>:<match>/<window>`. */
  name?: string;
  scope: BudgetScope;
  /** The value of the scope this budget applies to (an alias, key id, user, team, provider). '*' (default): each value gets its own budget. */
  match?: string;
  limitUsd: number;
  window: BudgetWindow;
}

/** Who is calling: the proxy passes its virtual key's id, user and team. */
export interface CallIdentity {
  key?: string;
  user?: string;
  team?: string;
  /** The key's own limits (override `rateLimits.keys[key]`). */
  rpm?: number;
  tpm?: number;
}

export interface BudgetSlot {
  rule: BudgetRule;
  label: string;
  storeKey: string;
  ttlMs?: number;
}

export interface Reservation {
  slots: BudgetSlot[];
  amountUsd: number;
}

export type ReserveOutcome = { ok: true; reservation: Reservation } | { ok: false; slot: BudgetSlot; spentUsd: number };

/** Output tokens assumed for the worst case when neither the request nor the catalog says. */
export const DEFAULT_WORST_CASE_OUTPUT = 4096;

const MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

export function ruleLabel(rule: BudgetRule): string {
  return rule.name ?? `${rule.scope}:${rule.match ?? '*'}/${rule.window}`;
}

/** Worst-case cost of an attempt on `d`, USD; 0 when the price is unknown. */
export function worstCaseCost(d: Deployment, promptTokens: number, maxOutput: number | undefined): number {
  const p = d.price;
  if (!p) return 0;
  const out = maxOutput ?? d.capabilities.maxOutputTokens ?? DEFAULT_WORST_CASE_OUTPUT;
  return (promptTokens * p.input + out * p.output) / 1_000_000;
}

function windowId(window: BudgetWindow, now: number): { id: string; ttlMs?: number } {
  if (window === 'total') return { id: 'total' };
  if (window === 'month') {
    const d = new Date(now);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    return { id: `${d.getUTCFullYear()}-${d.getUTCMonth() + 1}`, ttlMs: next - now + 60_000 };
  }
  const len = typeof window === 'number' ? window : MS[window];
  const index = Math.floor(now / len);
  return { id: String(index), ttlMs: (index + 1) * len - now + 60_000 };
}

export class Budgets {
  constructor(
    readonly rules: readonly BudgetRule[],
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The budgets an attempt on `d` serving `alias` for `identity` counts against. */
  slotsFor(alias: string, d: Deployment, identity: CallIdentity | undefined): BudgetSlot[] {
    const out: BudgetSlot[] = [];
    const now = this.clock.now();
    for (const rule of this.rules) {
      const value = scopeValue(rule.scope, alias, d, identity);
      if (value === undefined) continue;
      const match = rule.match ?? '*';
      if (match !== '*' && match !== value) continue;
      const w = windowId(rule.window, now);
      const slot: BudgetSlot = { rule, label: ruleLabel(rule), storeKey: `budget:${rule.scope}:${value}:${String(rule.window)}:${w.id}` };
      if (w.ttlMs !== undefined) slot.ttlMs = w.ttlMs;
      out.push(slot);
    }
    return out;
  }

  /** Reserves `amountUsd` on every slot, or on none (one atomic store operation when the store has `reserveAll`). */
  async reserve(slots: BudgetSlot[], amountUsd: number): Promise<ReserveOutcome> {
    const r = await reserveSlots(this.store, reserveSlotsOf(slots), amountUsd);
    return r.ok ? { ok: true, reservation: { slots, amountUsd } } : { ok: false, slot: slots[r.failed]!, spentUsd: r.value };
  }

  /** The store operations that replace a reservation by the real cost (none when they are equal). */
  settlement(reservation: Reservation, actualUsd: number): { key: string; amount: number; ttlMs?: number }[] {
    const delta = actualUsd - reservation.amountUsd;
    if (delta === 0) return [];
    return reservation.slots.map((s) => ({ key: s.storeKey, amount: delta, ...(s.ttlMs !== undefined ? { ttlMs: s.ttlMs } : {}) }));
  }

  /** Replaces the reservation by the real cost (0 releases it). */
  async settle(reservation: Reservation, actualUsd: number): Promise<void> {
    for (const i of this.settlement(reservation, actualUsd)) await this.store.increment(i.key, i.amount, i.ttlMs);
  }

  /** Spent plus reserved on a budget for a scope value in the current window. */
  async usage(rule: BudgetRule, value: string): Promise<number> {
    const w = windowId(rule.window, this.clock.now());
    return (await this.store.increment(`budget:${rule.scope}:${value}:${String(rule.window)}:${w.id}`, 0, w.ttlMs)) ?? 0;
  }
}

/** The store's view of budget slots: counter key, limit, expiry. */
export function reserveSlotsOf(slots: readonly BudgetSlot[]): ReserveSlot[] {
  return slots.map((s) => ({ key: s.storeKey, limit: s.rule.limitUsd, ...(s.ttlMs !== undefined ? { ttlMs: s.ttlMs } : {}) }));
}

function scopeValue(scope: BudgetScope, alias: string, d: Deployment, identity: CallIdentity | undefined): string | undefined {
  switch (scope) {
    case 'route':
      return alias;
    case 'provider':
      return d.provider;
    case 'global':
      return 'all';
    case 'key':
      return identity?.key;
    case 'user':
      return identity?.user;
    case 'team':
      return identity?.team;
  }
}

/** Call-level scopes: exhausting one of them means no deployment can serve the call. */
export function isCallLevelScope(scope: BudgetScope): boolean {
  return scope === 'key' || scope === 'user' || scope === 'team' || scope === 'global';
}
