/** Publishing router decisions on the decision channel (free when nobody listens). */
import { decisionChannel, type AttemptEvent, type AttributeValue, type CallEvent, type DecisionKind } from '../channels.js';

export function decide(
  call: CallEvent,
  kind: DecisionKind,
  action: string,
  detail: Record<string, AttributeValue | undefined>,
  attempt?: AttemptEvent,
): void {
  if (!decisionChannel.hasSubscribers) return;
  const flat: Record<string, AttributeValue> = {};
  for (const k in detail) {
    const v = detail[k];
    if (v !== undefined) flat[k] = v;
  }
  decisionChannel.publish(attempt ? { call, kind, action, detail: flat, attempt } : { call, kind, action, detail: flat });
}
