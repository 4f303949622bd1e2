/**
 * Rule routing on request metadata and tags. The first rule whose `match` holds restricts the
 * candidates (to deployments with given ids or carrying all given deployment tags) and may
 * override the strategy. A rule that leaves no candidate is skipped, unless `strict` is set,
 * in which case nothing of the alias can serve the call.
 */
import type { Deployment } from '../../providers/types.js';
import type { StrategyName } from './types.js';

export interface RoutingRule {
  /** Only for these aliases (default: all). */
  aliases?: string[];
  match: {
    /** Every key must equal (`string`) or be one of (`string[]`) the request's metadata value. */
    metadata?: Record<string, string | string[]>;
    /** The request must carry every one of these tags. */
    tags?: string[];
  };
  /** Deployment ids allowed. */
  deployments?: string[];
  /** Deployment tags required (each). */
  deploymentTags?: string[];
  strategy?: StrategyName;
  strict?: boolean;
}

export interface RuleRequest {
  alias: string;
  metadata: Readonly<Record<string, string>>;
  tags: readonly string[];
}

export function ruleMatches(rule: RoutingRule, req: RuleRequest): boolean {
  if (rule.aliases && !rule.aliases.includes(req.alias)) return false;
  for (const [k, want] of Object.entries(rule.match.metadata ?? {})) {
    const have = req.metadata[k];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !want.includes(have) : want !== have) return false;
  }
  for (const t of rule.match.tags ?? []) if (!req.tags.includes(t)) return false;
  return true;
}

export function ruleAllows(rule: RoutingRule, d: Deployment): boolean {
  if (rule.deployments && !rule.deployments.includes(d.id)) return false;
  for (const t of rule.deploymentTags ?? []) if (!d.tags.includes(t)) return false;
  return true;
}

/** The first matching rule for the request, with its index. */
export function findRule(rules: readonly RoutingRule[], req: RuleRequest): { rule: RoutingRule; index: number } | undefined {
  for (let i = 0; i < rules.length; i++) if (ruleMatches(rules[i]!, req)) return { rule: rules[i]!, index: i };
  return undefined;
}
