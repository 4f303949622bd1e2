/** Most headroom: the largest share of RPM/TPM still free in the sliding window; ties by weight. */
import { pickLowest } from './weighted.js';
import type { RoutingStrategy } from './types.js';

export const headroomStrategy: RoutingStrategy = {
  name: 'headroom',
  needsHeadroom: true,
  pick: (candidates, ctx) => pickLowest(candidates, (c) => -c.headroom, ctx),
};
