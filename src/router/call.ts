/**
 * The call path of one router call: validate, resolve the alias, publish the logical call,
 * run the attempt(s), and settle the call exactly once (for streams: when the stream ends).
 */
import { attachCallInfo, type CallInfo } from '../call-info.js';
import { callChannel, publishSettled, publishStart, runInScope, type CallEvent } from '../channels.js';
import { NotFoundError } from '../errors.js';
import type { Deployment, Timeouts } from '../providers/types.js';
import { ChatCompletionCreateParamsSchema, type ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion, Usage } from '../wire/chat-response.js';
import { EmbeddingCreateParamsSchema, type CreateEmbeddingResponse, type EmbeddingCreateParams } from '../wire/embeddings.js';
import { parseOrThrow } from '../wire/validate.js';
import { openStreamAttempt, runUnaryAttempt, settleStreamAttempt, type AttemptPlan, type UnaryOperation } from './attempt.js';
import type { CallState } from './call-state.js';
import { nextId } from './ids.js';
import { markFailure, markSuccess, newCallInfo } from './outcome.js';
import { pickWeighted } from './selection.js';
import { ChatCompletionStream } from './stream.js';

/** Per-call options, the second argument of `create()`. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Total time for the call in ms, all attempts included. */
  timeout?: number;
  /** Free-form labels (user, team, feature...) for routing rules, budgets and spans. */
  metadata?: Record<string, string>;
  tags?: string[];
  /** Set by the proxy when the call serves an incoming HTTP request. */
  server?: CallEvent['server'];
  /** Internal: a mirrored call. */
  shadow?: boolean;
}

export interface RouterCore {
  readonly groups: ReadonlyMap<string, readonly Deployment[]>;
  readonly timeouts: Timeouts;
  readonly maxResponseBytes: number;
}

function beginCall(
  core: RouterCore,
  operation: CallInfo['operation'],
  alias: string,
  params: Record<string, unknown>,
  stream: boolean,
  options: RequestOptions,
): CallState {
  const callId = nextId('call');
  const shadow = options.shadow === true;
  const event: CallEvent = {
    callId,
    operation,
    alias,
    params,
    stream,
    metadata: options.metadata ?? {},
    tags: options.tags ?? [],
    shadow,
    info: newCallInfo(callId, operation, alias, shadow),
    ...(options.server ? { server: options.server } : {}),
  };
  const totalMs = options.timeout ?? core.timeouts.totalMs;
  const startedAt = performance.now();
  publishStart(callChannel, event);
  return {
    event,
    signal: options.signal,
    deadlineAt: Date.now() + totalMs,
    totalMs,
    maxResponseBytes: core.maxResponseBytes,
    includeUsage: Boolean((params.stream_options as { include_usage?: boolean } | null | undefined)?.include_usage),
    nextAttemptIndex: 0,
    startedAt,
  };
}

function settleSuccess<T extends object>(state: CallState, result: T): T {
  attachCallInfo(result, state.event.info);
  state.event.result = result;
  publishSettled(callChannel, state.event);
  return result;
}

function settleFailure(state: CallState, error: unknown): void {
  markFailure(state.event.info, error, state.startedAt);
  publishSettled(callChannel, state.event, error);
}

function groupFor(core: RouterCore, alias: string): readonly Deployment[] {
  const group = core.groups.get(alias);
  if (!group || group.length === 0) {
    throw new NotFoundError(`model "${alias}" is not configured (known aliases: ${[...core.groups.keys()].sort().join(', ')})`, {
      code: 'model_not_found',
      param: 'model',
    });
  }
  return group;
}

function firstPlan(group: readonly Deployment[], alias: string, params: Record<string, unknown>): AttemptPlan {
  const deployment = pickWeighted(group)!;
  return { deployment, alias, fallbackDepth: 0, waitMs: 0, params: { ...params } };
}

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
      const usage: Usage = { prompt_tokens: result.usage.prompt_tokens, completion_tokens: 0, total_tokens: result.usage.total_tokens };
      return usage;
    },
  };
}

/** Runs a unary call (chat without streaming, embeddings) and settles it. */
async function runUnaryCall<T extends object>(state: CallState, plan: AttemptPlan, op: UnaryOperation<T>): Promise<T> {
  const { result, event } = await runUnaryAttempt(state, plan, op);
  markSuccess(state.event.info, event, state.startedAt);
  return settleSuccess(state, result);
}

async function startStream(state: CallState, plan: AttemptPlan): Promise<ChatCompletionStream> {
  const opened = await openStreamAttempt(state, plan);
  const info = state.event.info;
  return new ChatCompletionStream(opened, plan.deployment, {
    includeUsage: state.includeUsage,
    unconsumedMs: plan.deployment.timeouts.unconsumedMs,
    info,
    onEnd(end) {
      settleStreamAttempt(state, opened, plan.deployment, end);
      state.event.streamOutcome = end.outcome;
      if (end.error) {
        settleFailure(state, end.error);
      } else {
        markSuccess(info, opened.event, state.startedAt);
        state.event.result = end.accumulator.toCompletion();
        publishSettled(callChannel, state.event);
      }
    },
  });
}

/** Runs `body` inside the call's scope and settles the call as failed if it throws. */
async function guarded<T>(state: CallState, body: () => Promise<T>): Promise<T> {
  return runInScope(state.event, async () => {
    try {
      return await body();
    } catch (err) {
      settleFailure(state, err);
      throw err;
    }
  });
}

export async function createChatCompletion(
  core: RouterCore,
  rawParams: unknown,
  options: RequestOptions = {},
): Promise<ChatCompletion | ChatCompletionStream> {
  const params = parseOrThrow(ChatCompletionCreateParamsSchema, rawParams, 'chat completion request');
  const group = groupFor(core, params.model);
  const stream = params.stream === true;
  const state = beginCall(core, 'chat', params.model, params, stream, options);
  return guarded<ChatCompletion | ChatCompletionStream>(state, () => {
    const plan = firstPlan(group, params.model, params);
    return stream ? startStream(state, plan) : runUnaryCall(state, plan, chatOperation(plan));
  });
}

export async function createEmbeddings(core: RouterCore, rawParams: unknown, options: RequestOptions = {}): Promise<CreateEmbeddingResponse> {
  const params = parseOrThrow(EmbeddingCreateParamsSchema, rawParams, 'embeddings request');
  const group = groupFor(core, params.model);
  const state = beginCall(core, 'embeddings', params.model, params, false, options);
  return guarded(state, () => {
    const plan = firstPlan(group, params.model, params);
    return runUnaryCall(state, plan, embeddingsOperation(plan));
  });
}
