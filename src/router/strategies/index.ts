/** Strategy lookup by name. */
import { costStrategy } from './cost.js';
import { headroomStrategy } from './headroom.js';
import { createLatencyStrategy } from './latency.js';
import { leastBusyStrategy } from './least-busy.js';
import type { RoutingStrategy, StrategyName } from './types.js';
import { weightedStrategy } from './weighted.js';

export type { Candidate, RoutingStrategy, StrategyContext, StrategyName } from './types.js';

export const STRATEGY_NAMES: readonly StrategyName[] = ['weighted', 'least-busy', 'latency', 'cost', 'headroom'];

export function createStrategy(name: StrategyName, options: { latencyBuffer?: number } = {}): RoutingStrategy {
  switch (name) {
    case 'weighted':
      return weightedStrategy;
    case 'least-busy':
      return leastBusyStrategy;
    case 'latency':
      return createLatencyStrategy(options.latencyBuffer);
    case 'cost':
      return costStrategy;
    case 'headroom':
      return headroomStrategy;
  }
}
