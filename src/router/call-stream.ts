/** The streaming call: open with retries/fallbacks up to the first chunk, then hand over to ChatCompletionStream. */
import { publishSettled, callChannel } from '../channels.js';
import { AbortedError, type TracegateError } from '../errors.js';
import { AttemptSignal } from '../http/attempt-signal.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../wire/chat-response.js';
import { releaseAttempt } from './admission.js';
import { completeStreamAttempt, publishStreamAttempt } from './attempt.js';
import type { CachedAnswer } from './cache.js';
import { completionToChunks } from './cache.js';
import { settleFailure, type LiveCall } from './call-lifecycle.js';
import type { RouterCore } from './core.js';
import { executeCall } from './execute.js';
import { runPostCallHooks } from './guardrails.js';
import type { GuardrailHooks } from './hooks.js';
import { streamRunner } from './operations.js';
import { markCacheHit, markSuccess } from './outcome.js';
import { ChatCompletionStream, type ChunkSource } from './stream.js';

export async function startStream(
  core: RouterCore,
  state: LiveCall,
  params: ChatCompletionCreateParams,
  hooks: GuardrailHooks,
  store: (completion: ChatCompletion) => void,
): Promise<ChatCompletionStream> {
  const answer = await executeCall(core, state, streamRunner(state), { alias: params.model, params });
  const opened = answer.value;
  const d = answer.plan.deployment;
  const info = state.event.info;
  return new ChatCompletionStream(opened, d, {
    includeUsage: state.includeUsage,
    unconsumedMs: d.timeouts.unconsumedMs,
    info,
    async onEnd(end) {
      const ev = completeStreamAttempt(opened, d, end, state.promptTokens);
      // The attempt's completion (built once from the chunks), as a unary call shares its result.
      const completion = end.error ? undefined : ((ev.result as ChatCompletion | undefined) ?? end.accumulator.toCompletion());
      if (completion && hooks.postCall?.length) {
        // Before the attempt is published as ended: a guardrail's evaluation lands on its open span.
        // The answer is already with the caller, so the hooks can only flag.
        await runPostCallHooks(
          state,
          hooks.postCall,
          { alias: answer.plan.alias, params: answer.plan.params as ChatCompletionCreateParams, completion, deployment: ev.deployment, repairs: 0, streamed: true },
          new Map(),
        ).catch(() => {});
      }
      publishStreamAttempt(state, ev, end.error);
      state.event.streamOutcome = end.outcome;
      const cause = end.error ? (((end.error as { cause?: TracegateError }).cause?.errorClass ? (end.error as { cause: TracegateError }).cause : end.error) as TracegateError) : undefined;
      await releaseAttempt(core, state, answer.ticket, {
        ...(cause ? { errorClass: cause.errorClass } : {}),
        ...(ev.usage ? { usage: ev.usage } : {}),
        ...(ev.cost !== undefined ? { cost: ev.cost } : {}),
        ...(ev.ttftMs !== undefined ? { latencyMs: ev.ttftMs } : {}),
        stream: true,
      }).catch(() => {});
      if (end.error || !completion) {
        settleFailure(core, state, end.error);
        return;
      }
      markSuccess(info, ev, state.startedAt);
      if (end.outcome === 'completed') store(completion);
      state.event.result = completion;
      publishSettled(callChannel, state.event);
    },
  });
}

/** Replays a cached answer as a stream: a source with every chunk already buffered. */
class ReplaySource implements ChunkSource {
  readonly signal: AttemptSignal;
  constructor(callerSignal: AbortSignal | undefined) {
    this.signal = new AttemptSignal(callerSignal, undefined, 0);
  }
  async next(): Promise<ChatCompletionChunk[] | null> {
    return null;
  }
  destroy(): void {}
}

export function replayStream(core: RouterCore, state: LiveCall, cached: CachedAnswer): ChatCompletionStream {
  const completion = structuredClone(cached.result) as ChatCompletion;
  const source = new ReplaySource(state.signal);
  const info = state.event.info;
  return new ChatCompletionStream({ source, buffered: completionToChunks(completion, true), ended: true }, undefined, {
    includeUsage: state.includeUsage,
    unconsumedMs: core.timeouts.unconsumedMs,
    info,
    onEnd(end) {
      state.event.streamOutcome = end.outcome;
      if (end.error && !(end.error instanceof AbortedError && end.delivered.chunks > 0)) {
        settleFailure(core, state, end.error);
        return;
      }
      markCacheHit(info, cached.deployment, state.startedAt);
      state.event.result = completion;
      publishSettled(callChannel, state.event);
    },
  });
}
