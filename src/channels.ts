/**
 * The one contract between the core and `instrumentations/`: the router and the adapters
 * publish their calls on Node's `diagnostics_channel`. Publishing costs nothing when nobody
 * subscribes. Channels are process-global by name, so the CommonJS and ESM builds of tracegate
 * publish to the same subscribers and an instrumentation sees each call exactly once.
 *
 * Lifecycle (TracingChannel convention, `tracing:<name>:<event>`):
 *   start            the call/attempt begins (a subscriber may set `runInScope` and `propagation`)
 *   end              the synchronous part returned
 *   error            it failed (`event.error` is set)
 *   asyncStart/asyncEnd   it settled; for streams, when the stream has ended in any way
 * Plain channels carry stream progress and router decisions.
 *
 * Subscribers must not throw (Node rethrows a subscriber's exception as an uncaught exception);
 * the instrumentation wraps every handler in try/catch.
 */
import dc from 'node:diagnostics_channel';
import type { CallInfo, Cost, DeploymentRef } from './call-info.js';
import type { DeliveredSummary } from './errors.js';
import type { ChatCompletionChunk, Usage } from './wire/chat-response.js';

export const CHANNEL_NAMES = {
  /** TracingChannel of one logical router call. */
  call: 'tracegate:call',
  /** TracingChannel of one upstream attempt (each retry and each fallback hop). */
  attempt: 'tracegate:attempt',
  /** First chunk of a streaming attempt arrived from upstream. */
  firstChunk: 'tracegate:stream:first-chunk',
  /** A chunk was delivered to the caller. */
  chunk: 'tracegate:stream:chunk',
  /** A router decision: retry, fallback, breaker, budget, rate limit, cache, guardrail, mirror... */
  decision: 'tracegate:decision',
  /** An evaluation result was produced (see `tracegate/evals`). */
  evaluation: 'tracegate:evaluation',
} as const;

/** Runs `fn` in the subscriber's context (e.g. with the call's span active). */
export type ScopeRunner = <T>(fn: () => T) => T;

export interface CallEvent {
  readonly callId: string;
  readonly operation: 'chat' | 'embeddings';
  /** The model/alias as the caller gave it. */
  readonly alias: string;
  /** The request as the caller gave it (read-only; content capture reads messages from it). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly stream: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  /** A mirrored (shadow) call made in the background. */
  readonly shadow: boolean;
  /**
   * Set when the call serves an incoming server request (the proxy): the logical span is a
   * SERVER span continuing the client's trace context.
   */
  readonly server?: { traceparent?: string; tracestate?: string; method?: string; route?: string };
  /** Set when the request came in on another API than chat completions (translated to a chat call). */
  readonly ingress?: IngressInfo;
  /** Live call info; the core fills it in as the call proceeds, subscribers may set `trace`. */
  readonly info: CallInfo;
  /** The result (completion, embeddings or stream) once settled. */
  result?: unknown;
  error?: unknown;
  /** For streams: how the stream ended. */
  streamOutcome?: StreamOutcome;
  /** Set by a subscriber at start. */
  runInScope?: ScopeRunner;
}

/** The API a chat call was translated from, and the tools it dropped. */
export interface IngressInfo {
  readonly api: 'responses' | 'messages';
  readonly droppedTools?: readonly string[];
}

export type StreamOutcome = 'completed' | 'error' | 'aborted' | 'cancelled' | 'abandoned';

export interface AttemptEvent {
  readonly call: CallEvent;
  readonly attemptId: string;
  /** 0-based index over all attempts of the call. */
  readonly index: number;
  readonly deployment: DeploymentRef;
  /** The alias this attempt serves (the fallback alias after a fallback). */
  readonly alias: string;
  /** 0 for the requested alias, 1 for the first fallback alias, ... */
  readonly fallbackDepth: number;
  /** Why this attempt exists when it is not the first: the previous attempt's error class. */
  readonly retryReason?: string;
  /** Time waited before this attempt (backoff / retry-after). */
  readonly waitMs: number;
  readonly stream: boolean;
  /** The request in OpenAI shape as sent to this deployment (before provider encoding, its overrides applied). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Names of the deployment's request overrides applied to this attempt (`defaults.temperature`, `system.prepend`, `drop.seed`), never their content. */
  readonly overrides?: readonly string[];
  /** The deployment's override variant chosen for this attempt (`variants` on the model entry). */
  readonly variant?: string;
  /**
   * Headers a subscriber wants on the upstream request (W3C trace context). The core adds
   * them to the request unless the deployment turned propagation off.
   */
  readonly propagation: Record<string, string>;
  status?: number;
  responseId?: string;
  responseModel?: string;
  finishReasons?: string[];
  usage?: Usage;
  cost?: Cost | null;
  /**
   * `usage` (and so `cost`) is tracegate's estimate, not the provider's: a stream that ended
   * before the provider reported usage (abort, error, timeout) is charged its estimated prompt
   * plus the text received.
   */
  usageEstimated?: boolean;
  /** Time from attempt start to the first chunk (streams) or the full answer (non-streams). */
  ttftMs?: number;
  durationMs?: number;
  streamOutcome?: StreamOutcome;
  delivered?: DeliveredSummary;
  /** The answer when not streaming (completion or embeddings). */
  result?: unknown;
  error?: unknown;
  runInScope?: ScopeRunner;
}

export interface FirstChunkEvent {
  readonly attempt: AttemptEvent;
  readonly ttftMs: number;
}

export interface ChunkEvent {
  readonly attempt: AttemptEvent;
  readonly chunk: ChatCompletionChunk;
}

import type { DecisionKind } from '../semconv/decision-kind.js';
export type { DecisionKind };

export type AttributeValue = string | number | boolean | string[] | number[];

export interface DecisionEvent {
  readonly call: CallEvent;
  readonly attempt?: AttemptEvent;
  readonly kind: DecisionKind;
  /** Short verb, e.g. `wait`, `switch`, `open`, `half_open`, `reserve`, `reject`, `hit`, `block`. */
  readonly action: string;
  /** Flat attributes for the span event, named under `tracegate.*` by the instrumentation. */
  readonly detail: Readonly<Record<string, AttributeValue>>;
}

/** Route of an evaluated answer: the alias the caller asked for and what answered it. */
export interface EvaluationRoute {
  /** The alias the caller asked for. */
  alias: string;
  /** The alias whose deployment answered (after a fallback or a redirect), when it differs. */
  servedAlias?: string;
  provider: string;
  model: string;
  /** Deployment id. */
  deployment: string;
  /** The deployment's override variant that produced the answer, when it has variants. */
  variant?: string;
}

/** Where an evaluation belongs: the span of the answer (the attempt span when known). */
export interface EvaluationTargetRef {
  traceId: string;
  /** The answer's span: the attempt that produced it, else the logical call span. */
  spanId: string;
  /** W3C trace flags of the answer's trace (bit 0: sampled). */
  traceFlags: number;
  tracestate?: string;
  /** The logical call span, when known and different from `spanId`. */
  callSpanId?: string;
}

/** An evaluation result as published (plain data; see `tracegate/evals` for its meaning). */
export interface EvaluationEventResult {
  readonly name: string;
  /** 0..1. */
  readonly score: number;
  readonly label: string;
  readonly passed: boolean;
  readonly threshold: number;
  /** May contain user data: recorded only when content capture is on. */
  readonly explanation?: string;
  readonly evaluatorVersion?: string;
  /** OpenInference annotator kind: `CODE`, `LLM` or `HUMAN`. */
  readonly annotatorKind?: string;
  /** The evaluated answer came from a mirrored (shadow) call. */
  readonly shadow?: boolean;
  readonly route?: EvaluationRoute;
  /** Completion id of the evaluated answer. */
  readonly responseId?: string;
}

/** How a subscriber recorded an evaluation (set synchronously by the subscriber). */
export type EvaluationRecording = 'event' | 'span' | 'new_trace' | 'skipped';

/** Published on `tracegate:evaluation` by `recordEvaluation` (tracegate/evals). */
export interface EvaluationEvent {
  readonly result: EvaluationEventResult;
  /** Absent when the answer has no trace coordinates (tracing off when it was produced). */
  readonly target?: EvaluationTargetRef;
  /** Set by the instrumentation's evaluation bridge. */
  recorded?: EvaluationRecording;
}

export const callChannel = dc.tracingChannel<object, CallEvent>(CHANNEL_NAMES.call);
export const attemptChannel = dc.tracingChannel<object, AttemptEvent>(CHANNEL_NAMES.attempt);
export const firstChunkChannel = dc.channel(CHANNEL_NAMES.firstChunk);
export const chunkChannel = dc.channel(CHANNEL_NAMES.chunk);
export const decisionChannel = dc.channel(CHANNEL_NAMES.decision);
export const evaluationChannel = dc.channel(CHANNEL_NAMES.evaluation);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTracingChannel = dc.TracingChannel<object, any>;

function active(tc: AnyTracingChannel): boolean {
  return tc.start.hasSubscribers || tc.asyncEnd.hasSubscribers || tc.error.hasSubscribers;
}

/** Publishes `start` then `end` (the synchronous part of the core's call is bookkeeping only). */
export function publishStart<E extends object>(tc: AnyTracingChannel, event: E): void {
  if (!active(tc)) return;
  tc.start.publish(event);
  tc.end.publish(event);
}

/** Publishes the settle events; `error` first when the operation failed. */
export function publishSettled<E extends { error?: unknown }>(tc: AnyTracingChannel, event: E, error?: unknown): void {
  if (error !== undefined) event.error = error;
  if (!active(tc)) return;
  if (error !== undefined) tc.error.publish(event);
  tc.asyncStart.publish(event);
  tc.asyncEnd.publish(event);
}

/**
 * Runs `fn` through the scope runner a subscriber installed, falling back to a plain call if
 * the runner itself fails (a subscriber's failure never reaches the caller, and `fn` runs once).
 */
export function runInScope<T>(event: { runInScope?: ScopeRunner }, fn: () => T): T {
  const runner = event.runInScope;
  if (!runner) return fn();
  let entered = false;
  try {
    return runner(() => {
      entered = true;
      return fn();
    });
  } catch (err) {
    if (entered) throw err;
    return fn();
  }
}

export function publishDecision(event: DecisionEvent): void {
  if (decisionChannel.hasSubscribers) decisionChannel.publish(event);
}

/** Publishes an evaluation; returns how a subscriber recorded it (undefined: nobody recorded it). */
export function publishEvaluation(event: EvaluationEvent): EvaluationRecording | undefined {
  if (evaluationChannel.hasSubscribers) evaluationChannel.publish(event);
  return event.recorded;
}
