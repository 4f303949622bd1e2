/**
 * Route → provider distribution: where each alias's live traffic was answered, against its
 * primary deployment — from `--config` when given, else the deployment the router chose most
 * often for the alias's first attempt. Traffic answered elsewhere is flagged with a reason:
 * `fallback` (a fallback alias answered), `retry` (the primary was tried first, failed, and another
 * deployment of the alias answered), `drift` (the router chose another deployment first: a breaker
 * open, weights, rules, a key's limits), `unconfigured` (with `--config`: the answering deployment
 * is not configured for the alias). Counts are kept per distinct combination (a handful per alias).
 */
import { configuredDeployments, configuredPrimary, type RouteConfig } from './config-file.js';
import { fellBack } from './cohort.js';
import type { JoinedCall } from './model/join.js';
import type { RouteDistribution, RouteTarget } from './types.js';

interface Combo {
  route: string;
  firstDeployment: string | undefined;
  firstProvider: string | undefined;
  firstModel: string | undefined;
  deployment: string | undefined;
  provider: string | undefined;
  model: string | undefined;
  fellBack: boolean;
  success: boolean;
  cacheHit: boolean;
  count: number;
}

const SEP = '\u0000';

export class RouteDistributionAcc {
  private readonly combos = new Map<string, Combo>();

  add(j: JoinedCall): void {
    if (j.call.shadow) return;
    const c = j.call;
    const first = j.attempts[0];
    const answered = c.success && !c.cacheHit;
    const combo: Omit<Combo, 'count'> = {
      route: c.route,
      firstDeployment: first?.deploymentId,
      firstProvider: first?.provider,
      firstModel: first?.model,
      deployment: answered ? (c.deploymentId ?? j.answer?.deploymentId) : undefined,
      provider: answered ? (c.provider ?? j.answer?.provider) : undefined,
      model: answered ? (c.model ?? j.answer?.model) : undefined,
      fellBack: fellBack(j),
      success: c.success,
      cacheHit: c.cacheHit,
    };
    const key = [combo.route, combo.firstDeployment, combo.deployment, combo.provider, combo.model, combo.firstProvider, combo.firstModel, combo.fellBack, combo.success, combo.cacheHit].join(SEP);
    const existing = this.combos.get(key);
    if (existing) existing.count++;
    else this.combos.set(key, { ...combo, count: 1 });
  }

  distributions(config: RouteConfig | undefined): RouteDistribution[] {
    const byRoute = new Map<string, Combo[]>();
    for (const c of this.combos.values()) {
      const list = byRoute.get(c.route) ?? [];
      list.push(c);
      byRoute.set(c.route, list);
    }
    const out: RouteDistribution[] = [];
    for (const [route, combos] of byRoute) out.push(distribution(route, combos, config));
    return out.sort((a, b) => b.requests - a.requests || (a.route < b.route ? -1 : 1));
  }
}

function distribution(route: string, combos: Combo[], config: RouteConfig | undefined): RouteDistribution {
  const requests = combos.reduce((n, c) => n + c.count, 0);
  const configured = config ? configuredDeployments(config, route) : undefined;
  let primary: RouteDistribution['primary'] = null;
  const cfgPrimary = configured ? configuredPrimary(configured) : undefined;
  if (cfgPrimary) primary = { deployment: cfgPrimary.id, provider: cfgPrimary.provider, model: cfgPrimary.model, source: 'config' };
  else {
    const firsts = new Map<string, { count: number; provider: string; model: string }>();
    for (const c of combos) {
      if (!c.firstDeployment) continue;
      const f = firsts.get(c.firstDeployment) ?? { count: 0, provider: c.firstProvider ?? '?', model: c.firstModel ?? '?' };
      f.count += c.count;
      firsts.set(c.firstDeployment, f);
    }
    let best: [string, { count: number; provider: string; model: string }] | undefined;
    for (const e of firsts) if (!best || e[1].count > best[1].count || (e[1].count === best[1].count && e[0] < best[0])) best = e;
    if (best) primary = { deployment: best[0], provider: best[1].provider, model: best[1].model, source: 'observed' };
  }
  const configuredIds = configured ? new Set(configured.map((d) => d.id)) : undefined;
  const targets = new Map<string, RouteTarget>();
  const reasons = { fallback: 0, retry: 0, drift: 0, unconfigured: 0 };
  let offPrimary = 0;
  let failed = 0;
  let cacheHits = 0;
  for (const c of combos) {
    if (c.cacheHit) {
      cacheHits += c.count;
      continue;
    }
    if (!c.deployment) {
      failed += c.count;
      continue;
    }
    const t = targets.get(c.deployment) ?? {
      deployment: c.deployment,
      provider: c.provider ?? '?',
      model: c.model ?? '?',
      requests: 0,
      share: 0,
      primary: c.deployment === primary?.deployment,
      viaFallback: 0,
      ...(configuredIds ? { configured: configuredIds.has(c.deployment) } : {}),
    };
    t.requests += c.count;
    if (c.fellBack) t.viaFallback += c.count;
    targets.set(c.deployment, t);
    if (c.deployment === primary?.deployment) continue;
    offPrimary += c.count;
    if (configuredIds && !configuredIds.has(c.deployment) && !c.fellBack) reasons.unconfigured += c.count;
    else if (c.fellBack) reasons.fallback += c.count;
    else if (primary && c.firstDeployment === primary.deployment) reasons.retry += c.count;
    else reasons.drift += c.count;
  }
  const list = [...targets.values()].sort((a, b) => b.requests - a.requests || (a.deployment < b.deployment ? -1 : 1));
  for (const t of list) t.share = requests ? t.requests / requests : 0;
  const dist: RouteDistribution = {
    route,
    requests,
    primary,
    targets: list,
    offPrimary,
    offPrimaryShare: requests ? offPrimary / requests : null,
    reasons,
    failed,
    cacheHits,
  };
  if (configured) dist.configured = configured.map((d) => d.id);
  return dist;
}
