/**
 * Eval-routing decisions on the trace: a policy's decision is published as an `eval_routing`
 * decision (action `demote`, `rollback`, `probe`, `restore`) on the next call of its route in this
 * process, when that call starts (the `end` event of the call's TracingChannel: the call span
 * exists by then). The instrumentation puts it on the call's span and counts it in
 * `tracegate.eval_routing.decisions`. Published only while an instrumentation listens to calls;
 * at most 32 decisions wait per route.
 */
import { callChannel, publishDecision, type CallEvent } from '../channels.js';
import type { EvalRoutingDecision } from './eval-routing.js';

const MAX_PENDING = 32;

export class NextCallDecisions {
  private readonly pending = new Map<string, EvalRoutingDecision[]>();
  private readonly onCallStarted = (message: unknown): void => this.publish(message as CallEvent);

  constructor() {
    callChannel.end.subscribe(this.onCallStarted);
  }

  add(decision: EvalRoutingDecision): void {
    const list = this.pending.get(decision.route) ?? [];
    list.push(decision);
    if (list.length > MAX_PENDING) list.shift();
    this.pending.set(decision.route, list);
  }

  close(): void {
    callChannel.end.unsubscribe(this.onCallStarted);
    this.pending.clear();
  }

  private publish(call: CallEvent): void {
    if (this.pending.size === 0) return;
    const list = this.pending.get(call.alias);
    if (!list) return;
    this.pending.delete(call.alias);
    for (const d of list) {
      publishDecision({
        call,
        kind: 'eval_routing',
        action: d.action,
        detail: {
          'route.alias': d.route,
          'deployment.id': d.deployment,
          ...(d.variant !== undefined ? { 'routing.variant': d.variant } : {}),
          'routing.reason': d.reason,
          'eval_routing.evaluator': d.evaluator,
          'eval_routing.fail_rate': d.failRate,
          'eval_routing.samples': d.samples,
          'eval_routing.threshold': d.threshold,
          ...(d.multiplier !== undefined ? { 'routing.weight_multiplier': d.multiplier } : {}),
          ...(d.redirectTo !== undefined ? { 'routing.redirect_to': d.redirectTo } : {}),
        },
      });
    }
  }
}
