/** Least busy: fewest attempts in flight from this process; ties by weight. */
import { pickLowest } from './weighted.js';
import type { RoutingStrategy } from './types.js';

export const leastBusyStrategy: RoutingStrategy = {
  name: 'least-busy',
  pick: (candidates, ctx) => pickLowest(candidates, (c) => c.stats.inFlight, ctx),
};
