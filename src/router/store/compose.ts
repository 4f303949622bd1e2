/**
 * An attempt's admission and settlement composed from a store's basic operations, for stores
 * without `admit` / `settle` (the memory store, a custom StateStore) and for the Redis store while
 * Redis is unavailable (each step then follows its feature's failure policy). Same order and
 * all-or-none rules as the Redis `admit` script; each step is atomic, the sequence is not.
 */
import type { AdmitOutcome, AdmitRequest, ReserveAllResult, ReserveSlot, SettleBatch, StateStore, WindowSlot } from './types.js';

export function admitWith(store: StateStore, req: AdmitRequest): Promise<AdmitOutcome> {
  return store.admit ? store.admit(req) : admitVia(store, req);
}

export function settleWith(store: StateStore, batch: SettleBatch): Promise<void> {
  return store.settle ? store.settle(batch) : settleVia(store, batch);
}

export async function admitVia(store: StateStore, req: AdmitRequest): Promise<AdmitOutcome> {
  // Steps with nothing to do are skipped without an await (the common call has no windows and a closed breaker).
  const calls = req.callWindows?.length ? await addWindows(store, req.callWindows, req.now) : undefined;
  if (calls) return { ok: false, stage: 'call', ...calls };
  if (req.gate !== undefined) {
    const record = store.peek ? store.peek<{ state?: unknown }>(req.gate) : await store.get<{ state?: unknown }>(req.gate);
    if (record !== undefined && record?.state !== 'closed') return { ok: false, stage: 'gate', record };
  }
  const b = req.budgets;
  if (b && b.slots.length) {
    const r = await reserveSlots(store, b.slots, b.amount);
    if (!r.ok) return { ok: false, stage: 'budget', index: r.failed, value: r.value };
  }
  const windows = req.windows?.length ? await addWindows(store, req.windows, req.now) : undefined;
  if (windows) {
    if (b) for (const s of b.slots) await store.increment(s.key, -b.amount, s.ttlMs);
    return { ok: false, stage: 'window', ...windows };
  }
  return { ok: true };
}

/** Adds every window or none (an added one is taken back with a negative add); the refusal, if any. */
async function addWindows(store: StateStore, list: readonly WindowSlot[], now: number): Promise<{ index: number; used: number; retryAfterMs: number } | undefined> {
  for (const [i, w] of list.entries()) {
    const r = await store.windowAdd(w.key, w.amount, w.windowMs, now, w.limit);
    if (!r.ok) {
      for (const done of list.slice(0, i)) await store.windowAdd(done.key, -done.amount, done.windowMs, now);
      return { index: i, used: r.used, retryAfterMs: r.retryAfterMs ?? w.windowMs };
    }
  }
  return undefined;
}

/** Reserves `amount` on every counter or on none (one operation when the store has `reserveAll`). */
export async function reserveSlots(store: StateStore, slots: readonly ReserveSlot[], amount: number): Promise<ReserveAllResult> {
  if (store.reserveAll) return store.reserveAll(slots, amount);
  for (const [i, s] of slots.entries()) {
    const r = await store.reserve(s.key, amount, s.limit, s.ttlMs);
    if (!r.ok) {
      for (const d of slots.slice(0, i)) await store.increment(d.key, -amount, d.ttlMs);
      return { ok: false, failed: i, value: r.value };
    }
  }
  return { ok: true };
}

export async function settleVia(store: StateStore, batch: SettleBatch): Promise<void> {
  for (const i of batch.increments ?? []) await store.increment(i.key, i.amount, i.ttlMs);
  for (const w of batch.windows ?? []) await store.windowAdd(w.key, w.amount, w.windowMs, batch.now);
  if (batch.breakerSuccess) await batch.breakerSuccess.otherwise();
}
