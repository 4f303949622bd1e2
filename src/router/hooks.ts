/**
 * Guardrail hooks: small, typed checks around a call. Evaluators (`tracegate/evals`) plug in
 * here, and so can any user function.
 *
 * Pre-call hooks see the request before any upstream call and may `allow`, `flag` (recorded,
 * call proceeds), `rewrite` (replace the request's messages or other params) or `block`
 * (GuardrailError, nothing is sent). Post-call hooks see the answer (non-streaming calls; for
 * streams after the stream has ended, where only `flag` can take effect) and may `pass`,
 * `flag`, `block` (GuardrailError; by default no other deployment is tried, see
 * `guardrailFallbacks`) or `repair`: the same deployment is asked again with the answer and
 * the hook's message appended, within the call's attempt budget.
 * Every verdict is recorded on CallInfo.guardrails and published as a `guardrail` decision.
 */
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion } from '../wire/chat-response.js';
import type { CallInfo, DeploymentRef, GuardrailVerdictRecord } from '../call-info.js';

export interface HookRequestContext {
  readonly callId: string;
  readonly alias: string;
  readonly params: Readonly<ChatCompletionCreateParams>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly shadow: boolean;
  /**
   * The call's live info: the alias the caller asked for, and (when tracing is on) `trace`, whose
   * `attemptSpanId` is the answering attempt's span during post-call hooks. Evaluator guardrails
   * (`tracegate/evals`) record their results there.
   */
  readonly callInfo?: Readonly<CallInfo>;
}

export interface PostCallContext extends HookRequestContext {
  readonly completion: ChatCompletion;
  /** The deployment that answered. */
  readonly deployment: DeploymentRef;
  /** 0 for the first answer, 1 after one repair, ... */
  readonly repairs: number;
  /** The answer came from a stream that was already delivered to the caller. */
  readonly streamed: boolean;
}

export type PreCallVerdict =
  | { action: 'allow' }
  | { action: 'flag'; reason: string; score?: number }
  | { action: 'block'; reason: string; score?: number }
  | { action: 'rewrite'; params: Partial<ChatCompletionCreateParams>; reason?: string };

export type PostCallVerdict =
  | { action: 'pass'; score?: number }
  | { action: 'flag'; reason: string; score?: number }
  | { action: 'block'; reason: string; score?: number }
  | { action: 'repair'; message: string; reason?: string; score?: number };

export interface PreCallHook {
  readonly name: string;
  /** Only for these aliases (default: all). */
  readonly aliases?: readonly string[];
  check(ctx: HookRequestContext): PreCallVerdict | Promise<PreCallVerdict>;
}

export interface PostCallHook {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Repairs this hook may ask for in one call (default 1); past it a `repair` becomes `block`. */
  readonly maxRepairs?: number;
  check(ctx: PostCallContext): PostCallVerdict | Promise<PostCallVerdict>;
}

export interface GuardrailHooks {
  preCall?: readonly PreCallHook[];
  postCall?: readonly PostCallHook[];
}

export type GuardrailRecord = GuardrailVerdictRecord;

export function appliesTo(hook: { aliases?: readonly string[] }, alias: string): boolean {
  return !hook.aliases || hook.aliases.includes(alias);
}

/** The request for a repair: the answer and the hook's message appended to the conversation. */
export function repairParams(params: ChatCompletionCreateParams, completion: ChatCompletion, message: string): ChatCompletionCreateParams {
  const answer = completion.choices[0]?.message;
  const assistant: Record<string, unknown> = { role: 'assistant', content: answer?.content ?? '' };
  if (answer?.tool_calls && answer.tool_calls.length) assistant.tool_calls = answer.tool_calls;
  return {
    ...params,
    messages: [...params.messages, assistant as never, { role: 'user', content: message }],
  };
}
