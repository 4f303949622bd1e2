/** The strategy interface: choose one deployment among the healthy candidates of one tier. */
import type { Deployment } from '../../providers/types.js';
import type { DeploymentStats } from '../stats.js';

export interface Candidate {
  readonly deployment: Deployment;
  /** Configured weight times the runtime multiplier (eval-aware routing). */
  readonly weight: number;
  readonly stats: DeploymentStats;
  /** Share of the RPM/TPM limits still free, 0..1 (1 without limits). Filled for `headroom`. */
  headroom: number;
}

export interface StrategyContext {
  readonly stream: boolean;
  readonly promptTokens: number;
  readonly maxOutputTokens?: number;
  readonly random: () => number;
}

export interface RoutingStrategy {
  readonly name: StrategyName;
  /** The strategy reads rate-limit headroom (computed from the store only when needed). */
  readonly needsHeadroom?: boolean;
  /** `candidates` is never empty. */
  pick(candidates: readonly Candidate[], ctx: StrategyContext): Candidate;
}

export type StrategyName = 'weighted' | 'least-busy' | 'latency' | 'cost' | 'headroom';
