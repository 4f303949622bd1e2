/** What the call path needs from the Router: groups, timeouts, policies and their state. */
import type { Deployment, Timeouts } from '../providers/types.js';
import type { CircuitBreakers } from './breaker.js';
import type { Budgets } from './budget.js';
import type { Clock } from './clock.js';
import type { Policies } from './config-policies.js';
import type { RateLimiter } from './limits.js';
import type { RoutingAdjustments } from './routing-adjust.js';
import type { SemanticStore } from './semantic-cache/store.js';
import type { StatsTable } from './stats.js';
import type { StateStore } from './store/types.js';
import type { RoutingStrategy } from './strategies/index.js';

export interface RouterCore {
  readonly groups: ReadonlyMap<string, readonly Deployment[]>;
  readonly timeouts: Timeouts;
  readonly maxResponseBytes: number;
  /** Deepest object/array nesting accepted in a request's params. */
  readonly maxRequestDepth: number;
  readonly policies: Policies;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly random: () => number;
  readonly breakers: CircuitBreakers;
  readonly budgets: Budgets;
  readonly limiter: RateLimiter;
  readonly stats: StatsTable;
  readonly adjustments: RoutingAdjustments;
  /** The semantic cache's entries, once its module has loaded (absent: no alias has a semantic cache). */
  readonly semantic?: SemanticStore;
  /** Resolves to `semantic` (the module loads when the router is built; absent: no semantic cache). */
  readonly semanticReady?: Promise<SemanticStore>;
  strategyFor(alias: string, override?: string): RoutingStrategy;
}
