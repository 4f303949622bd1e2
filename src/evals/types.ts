/**
 * The evaluator interface. An evaluator scores one answer (a router completion, a finished
 * stream, or plain text) on a 0..1 scale, compares the score with its threshold and says why.
 * The result also carries where the answer lives in the traces (`target`) and which route,
 * provider and deployment produced it (`route`), so results can be attached to the answer's
 * trace (`recordEvaluation`) and grouped by cohort.
 */
import type { TraceTarget } from '../call-info.js';
import type { EvaluationRoute } from '../channels.js';

export type { EvaluationRoute } from '../channels.js';

/** A message as an evaluator reads it (OpenAI chat shape, loosely). */
export interface EvalMessage {
  role: string;
  content?: unknown;
  name?: string;
  tool_call_id?: string;
  tool_calls?: unknown;
}

/** What an evaluator is given. Fields an evaluator does not use are ignored. */
export interface EvaluationInput {
  /**
   * The answer: a completion returned by `router.chat.completions.create`, a `ChatCompletionStream`
   * (its `finalCompletion()` is awaited: pass a stream only once it is finished or not consumed
   * elsewhere), any OpenAI-shaped completion object, or plain text.
   */
  response: unknown;
  /** The question or request: a string, the request's messages, or the request params (`{ messages }`). */
  input?: string | readonly EvalMessage[] | { messages: readonly EvalMessage[] };
  /** Retrieved documents or other reference text (groundedness; prompt injection in context). */
  context?: string | readonly string[];
  /** Evaluator-specific expectation (e.g. the expected tool calls). */
  expected?: unknown;
  /** Overrides the trace target found on the response. */
  target?: TraceTarget;
  /** Overrides the route found on the response. */
  route?: EvaluationRoute;
  /** Marks the answer as coming from a mirrored (shadow) call (default: from the response's call info). */
  shadow?: boolean;
  /** Cancels judge and embedding calls. */
  signal?: AbortSignal;
}

/** Whether a high score is good (groundedness) or bad (prompt-injection risk). */
export type ScoreDirection = 'higher_is_better' | 'lower_is_better';

/** OpenInference annotator kind. */
export type AnnotatorKind = 'CODE' | 'LLM' | 'HUMAN';

export interface EvaluationResult {
  /** Evaluator (criterion) name, e.g. `json_schema`, `groundedness`. */
  name: string;
  /** 0..1. Its direction is the evaluator's (`passed` says which side of the threshold is good). */
  score: number;
  /** Low-cardinality label, e.g. `valid` / `invalid`, `grounded` / `ungrounded`. */
  label: string;
  passed: boolean;
  /** Why; may quote the answer or the context (user data). */
  explanation?: string;
  threshold: number;
  evaluatorVersion?: string;
  /** Trace coordinates of the evaluated answer (when tracing was on when it was produced). */
  target?: TraceTarget;
  /** Route, provider, model and deployment of the evaluated answer (when it came from the router). */
  route?: EvaluationRoute;
  /** The answer came from a mirrored (shadow) call. */
  shadow?: boolean;
  /** Completion id of the evaluated answer. */
  responseId?: string;
  annotatorKind?: AnnotatorKind;
  /** Evaluator-specific details (per-claim verdicts, matched rules, ...); never put on spans. */
  details?: Record<string, unknown>;
}

export interface Evaluator {
  readonly name: string;
  readonly version?: string;
  readonly threshold: number;
  readonly direction: ScoreDirection;
  readonly annotatorKind: AnnotatorKind;
  evaluate(input: EvaluationInput): Promise<EvaluationResult>;
}

/** Common options of every built-in evaluator. */
export interface EvaluatorBaseOptions {
  /** Result name (default: the evaluator's own, e.g. `json_schema`). */
  name?: string;
  /** Pass threshold (each evaluator documents its default). */
  threshold?: number;
}
