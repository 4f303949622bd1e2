/** Running guardrail hooks: verdicts recorded on CallInfo and published as decisions. */
import type { DeploymentRef, GuardrailVerdictRecord } from '../call-info.js';
import { GuardrailError } from '../errors.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion } from '../wire/chat-response.js';
import type { CallState } from './call-state.js';
import { decide } from './decisions.js';
import { appliesTo, type GuardrailHooks, type HookRequestContext, type PostCallHook, type PostCallVerdict, type PreCallHook } from './hooks.js';

function record(state: CallState, rec: GuardrailVerdictRecord): void {
  const info = state.event.info;
  (info.guardrails ??= []).push(rec);
  decide(state.event, 'guardrail', rec.action, {
    'guardrail.name': rec.hook,
    'guardrail.stage': rec.stage,
    'guardrail.reason': rec.reason,
    'guardrail.score': rec.score,
    'deployment.id': rec.deployment,
    'guardrail.hook_error': rec.error,
  });
}

function context(state: CallState, alias: string, params: ChatCompletionCreateParams): HookRequestContext {
  const ev = state.event;
  return { callId: ev.callId, alias, params, metadata: ev.metadata, tags: ev.tags, shadow: ev.shadow, callInfo: ev.info };
}

/** Runs the pre-call hooks in order; returns the (possibly rewritten) request or throws GuardrailError. */
export async function runPreCallHooks(state: CallState, hooks: readonly PreCallHook[], alias: string, params: ChatCompletionCreateParams): Promise<ChatCompletionCreateParams> {
  let current = params;
  for (const hook of hooks) {
    if (!appliesTo(hook, alias)) continue;
    let verdict;
    try {
      verdict = await hook.check(context(state, alias, current));
    } catch (err) {
      record(state, { hook: hook.name, stage: 'pre', action: 'block', reason: 'hook failed', error: (err as Error)?.message ?? String(err) });
      throw new GuardrailError(`pre-call guardrail "${hook.name}" failed: ${(err as Error)?.message ?? String(err)}`);
    }
    const rec: GuardrailVerdictRecord = { hook: hook.name, stage: 'pre', action: verdict.action };
    if ('reason' in verdict && verdict.reason !== undefined) rec.reason = verdict.reason;
    if ('score' in verdict && verdict.score !== undefined) rec.score = verdict.score;
    record(state, rec);
    if (verdict.action === 'block') throw new GuardrailError(`blocked by pre-call guardrail "${hook.name}": ${verdict.reason}`);
    if (verdict.action === 'rewrite') current = { ...current, ...verdict.params, model: current.model };
  }
  return current;
}

export interface PostCallInput {
  alias: string;
  params: ChatCompletionCreateParams;
  completion: ChatCompletion;
  deployment: DeploymentRef;
  repairs: number;
  streamed: boolean;
}

export type PostCallDecision = { action: 'pass' } | { action: 'block'; hook: string; reason: string } | { action: 'repair'; hook: PostCallHook; message: string };

/** Runs the post-call hooks in order; the first block or repair wins. */
export async function runPostCallHooks(state: CallState, hooks: readonly PostCallHook[], input: PostCallInput, repairsByHook: Map<string, number>): Promise<PostCallDecision> {
  for (const hook of hooks) {
    if (!appliesTo(hook, input.alias)) continue;
    let verdict: PostCallVerdict;
    try {
      verdict = await hook.check({ ...context(state, input.alias, input.params), completion: input.completion, deployment: input.deployment, repairs: input.repairs, streamed: input.streamed });
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      record(state, { hook: hook.name, stage: 'post', action: 'block', reason: 'hook failed', error: message, deployment: input.deployment.id });
      return { action: 'block', hook: hook.name, reason: `hook failed: ${message}` };
    }
    let action = verdict.action;
    if (action === 'repair' && (input.streamed || (repairsByHook.get(hook.name) ?? 0) >= (hook.maxRepairs ?? 1))) action = input.streamed ? 'flag' : 'block';
    const rec: GuardrailVerdictRecord = { hook: hook.name, stage: 'post', action, deployment: input.deployment.id };
    if ('reason' in verdict && verdict.reason !== undefined) rec.reason = verdict.reason;
    if (verdict.score !== undefined) rec.score = verdict.score;
    if (input.streamed && (action === 'block' || verdict.action === 'repair')) {
      // The answer is already with the caller: record what the hook wanted, as a flag.
      rec.action = 'flag';
      rec.reason = `${verdict.action} after delivery${'reason' in verdict && verdict.reason ? `: ${verdict.reason}` : ''}`;
      record(state, rec);
      continue;
    }
    record(state, rec);
    if (action === 'block') return { action: 'block', hook: hook.name, reason: ('reason' in verdict && verdict.reason) || 'blocked' };
    if (action === 'repair' && verdict.action === 'repair') {
      repairsByHook.set(hook.name, (repairsByHook.get(hook.name) ?? 0) + 1);
      return { action: 'repair', hook, message: verdict.message };
    }
  }
  return { action: 'pass' };
}

export function mergeHooks(a: GuardrailHooks, b: GuardrailHooks | undefined): GuardrailHooks {
  if (!b) return a;
  return { preCall: [...(a.preCall ?? []), ...(b.preCall ?? [])], postCall: [...(a.postCall ?? []), ...(b.postCall ?? [])] };
}
