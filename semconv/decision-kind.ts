/** The kinds of routing decision the router publishes (`tracegate.decision.kind`). */
export type DecisionKind =
  | 'retry'
  | 'fallback'
  | 'breaker'
  | 'budget'
  | 'rate_limit'
  | 'cache'
  | 'guardrail'
  | 'mirror'
  | 'route'
  | 'context_window'
  | 'eval_routing';
