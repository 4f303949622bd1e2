/**
 * `GET /health/liveness`: the process is up (always 200). `GET /health/readiness`: 200 when the
 * proxy can serve: not draining, the state store answers (a Redis store that is down reports
 * `store.status: degraded` and stays ready: its failure policies apply), and some deployment is not behind an
 * open breaker (an open breaker whose cooldown has passed counts as available: it takes a
 * probe). 503 otherwise. Without credentials the body is the bare status; the details (each
 * alias's deployments, breaker states and retry times, the store, the reasons) go only to the
 * master key, or to anyone when the proxy has no keys at all (it is open then anyway).
 */
import type { Exchange, ProxyState } from '../context.js';
import { presentedKey } from '../keys.js';
import { sendJson } from '../respond.js';

const STORE_TIMEOUT_MS = 1000;

export async function liveness(state: ProxyState, ex: Exchange): Promise<void> {
  sendJson(state, ex, 200, JSON.stringify({ status: 'ok' }));
}

interface StoreReport {
  reachable: boolean;
  kind?: string;
  status?: 'ok' | 'degraded';
  detail?: string;
  instances?: number;
}

/**
 * A store that reports its health (Redis) is reachable even when degraded: the failure policies
 * keep the proxy serving (budgets fail closed), so the instance stays in rotation and says why.
 */
async function storeReport(state: ProxyState): Promise<StoreReport> {
  const store = state.router.store;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StoreReport>((resolve) => {
    timer = setTimeout(() => resolve({ reachable: false }), STORE_TIMEOUT_MS);
  });
  const probe: Promise<StoreReport> = store.health
    ? store.health().then((h) => ({ reachable: true, ...h }), () => ({ reachable: false }))
    : store.get('tracegate:health').then(() => ({ reachable: true }), () => ({ reachable: false }));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The caller may see the configuration: the master key was presented, or the proxy is open. */
function mayReadDetails(state: ProxyState, ex: Exchange): boolean {
  if (!state.keys.enabled) return true;
  return state.keys.authenticate(presentedKey(ex.req.headers))?.master === true;
}

export async function readiness(state: ProxyState, ex: Exchange): Promise<void> {
  const router = state.router;
  const now = router.clock.now();
  const [breakers, store] = await Promise.all([router.breakerStates(), storeReport(state)]);
  const aliases: Record<string, { available: boolean; deployments: Record<string, unknown>[] }> = {};
  let anyAvailable = false;
  for (const b of breakers) {
    const available = b.state !== 'open' || (b.retryAt !== undefined && b.retryAt <= now);
    anyAvailable ||= available;
    const group = (aliases[b.alias] ??= { available: false, deployments: [] });
    group.available ||= available;
    const d: Record<string, unknown> = { id: b.deployment, state: b.state, available };
    if (b.retryAt !== undefined && b.state === 'open') d.retryAt = new Date(b.retryAt).toISOString();
    group.deployments.push(d);
  }
  const reasons: string[] = [];
  if (state.draining) reasons.push('draining');
  if (!store.reachable) reasons.push('state store unreachable');
  if (!anyAvailable) reasons.push('every deployment has an open circuit breaker');
  const status = state.draining ? 'draining' : reasons.length ? 'unavailable' : 'ready';
  const code = reasons.length ? 503 : 200;
  if (!mayReadDetails(state, ex)) return sendJson(state, ex, code, JSON.stringify({ status }));
  const body: Record<string, unknown> = { status, store, aliases };
  if (reasons.length) body.reasons = reasons;
  sendJson(state, ex, code, JSON.stringify(body));
}
