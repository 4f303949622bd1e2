/**
 * What a shared store does, per feature, when Redis is slow or down. The feature of an operation
 * is read from its key (every router key starts with its feature's namespace).
 *
 * | feature     | keys                                   | default       | options                                      |
 * | budgets     | budget:*                               | `fail-closed` | `fail-closed` (503 store_unavailable), `local` |
 * | rateLimits  | rl:*                                   | `local-share` | `local-share` (limit ÷ instances seen), `local`, `fail-open`, `fail-closed` |
 * | breakers    | breaker:*                              | `local`       | `local`                                      |
 * | evals       | evalstat:*, evalcohort:*, evalstate:*  | `local`       | `local`                                      |
 * | cache       | cache:*                                | `skip`        | `skip` (a miss; nothing stored)              |
 * | other       | routing adjustments and the rest       | `local`       | `local`                                      |
 */
import { z } from 'zod';

export type Feature = 'budgets' | 'rateLimits' | 'breakers' | 'evals' | 'cache' | 'other';

export const FailurePolicySchema = z.strictObject({
  budgets: z.enum(['fail-closed', 'local']).optional(),
  rateLimits: z.enum(['local-share', 'local', 'fail-open', 'fail-closed']).optional(),
  breakers: z.enum(['local']).optional(),
  evals: z.enum(['local']).optional(),
  cache: z.enum(['skip']).optional(),
});

export type FailurePolicyInput = z.input<typeof FailurePolicySchema>;
export type FailurePolicy = Required<z.output<typeof FailurePolicySchema>> & { other: 'local' };

export const DEFAULT_FAILURE_POLICY: FailurePolicy = {
  budgets: 'fail-closed',
  rateLimits: 'local-share',
  breakers: 'local',
  evals: 'local',
  cache: 'skip',
  other: 'local',
};

export function resolveFailurePolicy(input: FailurePolicyInput | undefined): FailurePolicy {
  const out = { ...DEFAULT_FAILURE_POLICY };
  for (const [k, v] of Object.entries(input ?? {})) if (v !== undefined) (out as Record<string, string>)[k] = v;
  return out;
}

export function featureOf(key: string): Feature {
  if (key.startsWith('budget:')) return 'budgets';
  if (key.startsWith('rl:')) return 'rateLimits';
  if (key.startsWith('breaker:')) return 'breakers';
  if (key.startsWith('eval')) return 'evals';
  if (key.startsWith('cache:')) return 'cache';
  return 'other';
}

/** One line describing the policy in force (the "Redis went away" log line). */
export function describePolicy(p: FailurePolicy): string {
  return `budgets ${p.budgets}, rate limits ${p.rateLimits}, breakers ${p.breakers}, eval windows ${p.evals}, cache ${p.cache}`;
}
