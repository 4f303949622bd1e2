/**
 * The semantic cache per route: how many calls looked it up, how many it answered (hit rate),
 * what the hits saved (the cost of producing each cached answer), and the eval-fail-rate of the
 * answers it served next to that of the route's provider answers, so a cache that serves wrong
 * answers shows up. Only routes with semantic lookups appear. The two answer groups are cohorts
 * of their own, so evaluations joined late reach them too.
 */
import { CohortAcc } from './cohort.js';
import type { JoinedCall } from './model/join.js';
import type { EvaluatorStats, SemanticCacheRoute } from './types.js';

interface RouteAcc {
  lookups: number;
  hits: number;
  savedUsd: number;
  similaritySum: number;
  cached: CohortAcc;
  answered: CohortAcc;
}

const LOOKUP_ACTIONS = new Set(['hit', 'miss', 'store']);

function pooled(evals: EvaluatorStats[]): number | null {
  let failed = 0;
  let withVerdict = 0;
  for (const e of evals) {
    failed += e.failed;
    withVerdict += e.withVerdict;
  }
  return withVerdict ? failed / withVerdict : null;
}

export class SemanticCacheAcc {
  private readonly routes = new Map<string, RouteAcc>();

  /** Folds the call in; returns the cohort it joined (cached or provider answers), if any. */
  add(j: JoinedCall): CohortAcc[] {
    const c = j.call;
    const s = c.semanticCache;
    if (c.shadow || !s || !LOOKUP_ACTIONS.has(s.action)) return [];
    let r = this.routes.get(c.route);
    if (!r) {
      r = { lookups: 0, hits: 0, savedUsd: 0, similaritySum: 0, cached: new CohortAcc({ route: c.route, answer: 'semantic cache' }, false), answered: new CohortAcc({ route: c.route, answer: 'provider' }, false) };
      this.routes.set(c.route, r);
    }
    r.lookups++;
    if (s.action === 'hit' && c.cacheHit) {
      r.hits++;
      r.savedUsd += s.savedUsd ?? 0;
      r.similaritySum += s.similarity ?? 0;
      r.cached.add(j);
      return [r.cached];
    }
    if (!c.success) return [];
    r.answered.add(j);
    return [r.answered];
  }

  list(): SemanticCacheRoute[] {
    return [...this.routes.entries()]
      .sort((a, b) => b[1].lookups - a[1].lookups || (a[0] < b[0] ? -1 : 1))
      .map(([route, r]) => {
        const cachedEvals = r.cached.stats().evals;
        const answeredEvals = r.answered.stats().evals;
        return {
          route,
          lookups: r.lookups,
          hits: r.hits,
          hitRate: r.lookups ? r.hits / r.lookups : null,
          savedUsd: Math.round(r.savedUsd * 1e10) / 1e10,
          meanHitSimilarity: r.hits ? r.similaritySum / r.hits : null,
          cachedEvalFailRate: pooled(cachedEvals),
          answeredEvalFailRate: pooled(answeredEvals),
          cachedEvals,
          answeredEvals,
        };
      });
  }
}
