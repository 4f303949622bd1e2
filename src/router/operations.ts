/** The unary operations (chat without streaming, embeddings) as attempt runners. */
import { NotFoundError } from '../errors.js';
import { embeddingUsageReported } from '../providers/embedding-parts.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion, Usage } from '../wire/chat-response.js';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../wire/embeddings.js';
import { openStreamAttempt, runUnaryAttempt, type AttemptPlan, type OpenedStream, type UnaryAttemptOptions, type UnaryOperation } from './attempt.js';
import type { CallState } from './call-state.js';
import type { AttemptRunner } from './execute.js';

function chatOperation(plan: AttemptPlan): UnaryOperation<ChatCompletion> {
  return {
    build: (adapter, ctx) => adapter.chatRequest(plan.params as ChatCompletionCreateParams, ctx),
    decode: (adapter, body, ctx) => adapter.chatResponse(body, ctx),
    describe(result, ev) {
      ev.responseId = result.id;
      ev.responseModel = result.model;
      ev.finishReasons = result.choices.map((c) => c.finish_reason).filter((f): f is NonNullable<typeof f> => f !== null);
      return result.usage ?? undefined;
    },
  };
}

function embeddingsOperation(plan: AttemptPlan): UnaryOperation<CreateEmbeddingResponse> {
  return {
    build: (adapter, ctx) => {
      if (!adapter.embeddingsRequest) {
        throw new NotFoundError(`provider "${adapter.id}" has no embeddings API`, { code: 'unsupported_operation' });
      }
      return adapter.embeddingsRequest(plan.params as EmbeddingCreateParams, ctx);
    },
    decode: (adapter, body, ctx) => adapter.embeddingsResponse!(body, ctx),
    describe(result, ev) {
      ev.responseModel = result.model;
      // A provider that reports no token count: no usage rather than a made-up 0, and an unknown cost.
      if (!embeddingUsageReported(result)) {
        ev.cost = null;
        return undefined;
      }
      const usage: Usage = { prompt_tokens: result.usage.prompt_tokens, completion_tokens: 0, total_tokens: result.usage.total_tokens };
      return usage;
    },
  };
}

function unaryRunner<T>(state: CallState, op: (plan: AttemptPlan) => UnaryOperation<T>, options: UnaryAttemptOptions = {}): AttemptRunner<T> {
  return {
    releaseOnSuccess: true,
    async run(plan) {
      const { result, event, settle } = await runUnaryAttempt(state, plan, op(plan), options);
      return settle ? { value: result, event, settle } : { value: result, event };
    },
  };
}

/** `holdOpen`: a successful attempt is settled by the caller, after the post-call guardrails. */
export function chatRunner(state: CallState, options: UnaryAttemptOptions = {}): AttemptRunner<ChatCompletion> {
  return unaryRunner(state, chatOperation, options);
}

export function embeddingsRunner(state: CallState): AttemptRunner<CreateEmbeddingResponse> {
  return unaryRunner(state, embeddingsOperation);
}

export function streamRunner(state: CallState): AttemptRunner<OpenedStream> {
  return {
    releaseOnSuccess: false,
    async run(plan) {
      const opened = await openStreamAttempt(state, plan);
      return { value: opened, event: opened.event };
    },
  };
}
