/** Configuration of the instrumentation, with the environment variables that set its defaults. */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** What a piece of captured text is, for the redaction hook (`evaluation`: an evaluation's explanation). */
export type ContentKind = 'input' | 'output' | 'evaluation';

/** What the evaluation bridge does with an evaluation of an answer whose trace was not sampled. */
export type UnsampledEvaluations = 'skip' | 'new_trace';

export interface EvaluationBridgeConfig {
  /** Turn evaluation events into spans and span events (default true). */
  enabled?: boolean;
  /**
   * Evaluations of unsampled answers: `skip` (default; nothing is recorded, as for the answer), or
   * `new_trace`: an `evaluation {name}` span as the root of a new trace, linked to the answer's span.
   * Default from `TRACEGATE_EVAL_UNSAMPLED`.
   */
  unsampled?: UnsampledEvaluations;
  /** Also emit the log-based `gen_ai.evaluation.result` event through the logger provider (default true). */
  logEvents?: boolean;
}

export interface TracegateInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * `input.value`, `output.value`, `llm.*_messages.*`). Default: off, unless
   * `TRACEGATE_CAPTURE_CONTENT` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` is `true`.
   * A value given here wins over the environment.
   */
  captureContent?: boolean;
  /** Longest captured text value (each message text, each tool argument string); default 8192 characters. */
  maxContentLength?: number;
  /**
   * Called on every captured text before it is capped; return the text to record. If it throws,
   * the text is replaced by a placeholder (content never leaks because a hook failed).
   */
  redact?: (text: string, kind: ContentKind) => string;
  /**
   * Put W3C `traceparent`/`tracestate` of the attempt span on upstream requests. Default true;
   * the deployment's `propagateTraceContext` (on for entries with a custom baseURL) decides
   * whether the core actually sends them.
   */
  traceContextPropagation?: boolean;
  /** The evaluation bridge (`recordEvaluation` in `tracegate/evals`). */
  evaluations?: EvaluationBridgeConfig;
}

export interface ResolvedConfig {
  captureContent: boolean;
  maxContentLength: number;
  redact: ((text: string, kind: ContentKind) => string) | undefined;
  traceContextPropagation: boolean;
  evaluations: Required<EvaluationBridgeConfig>;
}

export const DEFAULT_MAX_CONTENT_LENGTH = 8192;

/** `true`/`1`/`yes`/`on` → true, `false`/`0`/`no`/`off` → false, anything else → undefined. */
export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return undefined;
}

export function resolveConfig(config: TracegateInstrumentationConfig, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const fromEnv = envFlag(env.TRACEGATE_CAPTURE_CONTENT) ?? envFlag(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT);
  const max = config.maxContentLength;
  return {
    captureContent: config.captureContent ?? fromEnv ?? false,
    maxContentLength: typeof max === 'number' && Number.isFinite(max) && max > 0 ? Math.floor(max) : DEFAULT_MAX_CONTENT_LENGTH,
    redact: typeof config.redact === 'function' ? config.redact : undefined,
    traceContextPropagation: config.traceContextPropagation ?? true,
    evaluations: {
      enabled: config.evaluations?.enabled ?? true,
      unsampled: config.evaluations?.unsampled ?? (env.TRACEGATE_EVAL_UNSAMPLED?.trim().toLowerCase() === 'new_trace' ? 'new_trace' : 'skip'),
      logEvents: config.evaluations?.logEvents ?? true,
    },
  };
}
