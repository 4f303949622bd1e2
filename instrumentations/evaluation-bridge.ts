/**
 * The evaluation bridge: turns the evaluation events `recordEvaluation` publishes (tracegate/evals,
 * channel `tracegate:evaluation`) into telemetry on the evaluated answer's trace.
 *
 *  - The answer's span is still open in this process (an inline evaluator, a guardrail, an
 *    evaluation during a stream): a `gen_ai.evaluation.result` span event on it.
 *  - Otherwise (the span ended, or lives in another process, or in a file): a short INTERNAL span
 *    `evaluation {name}` whose parent is the answer's span context (same trace id) and which has
 *    exactly one link, to that span. It carries the same event, the OpenInference
 *    `evaluations.0.evaluation.*` attributes and the answer's route.
 *  - The answer's trace was not sampled (trace flags, or the open span does not record): nothing
 *    (`unsampled: 'skip'`, default), or (`'new_trace'`) the evaluation span as the root of a new
 *    trace, linked to the answer's span.
 *  - With a logger provider: also the log-based `gen_ai.evaluation.result` event, in the answer's
 *    span context, whenever the result went on a trace.
 * Explanations may quote user data: recorded only with content capture on, through the redaction
 * hook (kind `evaluation`) and the length cap; without capture they are dropped.
 */
import { ROOT_CONTEXT, SpanKind, TraceFlags, createTraceState, trace, type Attributes, type SpanContext, type TimeInput, type Tracer } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import type { EvaluationEvent, EvaluationEventResult, EvaluationRecording, EvaluationTargetRef } from '../src/channels.js';
import * as S from '../semconv/index.js';
import type { ResolvedConfig } from './config.js';
import { TextFilter } from './content.js';
import { findOpenSpan } from './open-spans.js';

export interface BridgeHost {
  readonly tracer: Tracer;
  readonly resolved: ResolvedConfig;
  /** The log-based event goes here (undefined: no logs). */
  readonly logger: Logger | undefined;
  report(where: string, err: unknown): void;
}

export interface EvaluationTiming {
  startTime?: TimeInput;
  endTime?: TimeInput;
}

/** Attributes of the `gen_ai.evaluation.result` event (and log record). */
export function evaluationEventAttributes(result: EvaluationEventResult, explanation: string | undefined): Attributes {
  const a: Attributes = {
    [S.ATTR_GEN_AI_EVALUATION_NAME]: result.name,
    [S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: result.score,
    [S.ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: result.label,
    [S.ATTR_TRACEGATE_EVALUATION_PASSED]: result.passed,
    [S.ATTR_TRACEGATE_EVALUATION_THRESHOLD]: result.threshold,
  };
  if (explanation !== undefined) a[S.ATTR_GEN_AI_EVALUATION_EXPLANATION] = explanation;
  if (result.evaluatorVersion !== undefined) a[S.ATTR_TRACEGATE_EVALUATION_EVALUATOR_VERSION] = result.evaluatorVersion;
  if (result.responseId) a[S.ATTR_GEN_AI_RESPONSE_ID] = result.responseId;
  if (result.shadow) a[S.ATTR_TRACEGATE_SHADOW] = true;
  return a;
}

/** Attributes of an `evaluation {name}` span: the event's, OpenInference's and the answer's route. */
export function evaluationSpanAttributes(result: EvaluationEventResult, explanation: string | undefined): Attributes {
  const a: Attributes = {
    [S.ATTR_OPENINFERENCE_SPAN_KIND]: S.OPENINFERENCE_SPAN_KIND.evaluator,
    ...evaluationEventAttributes(result, explanation),
    [S.evaluationsAttr(0, 'name')]: result.name,
    [S.evaluationsAttr(0, 'score')]: result.score,
    [S.evaluationsAttr(0, 'label')]: result.label,
  };
  if (explanation !== undefined) a[S.evaluationsAttr(0, 'explanation')] = explanation;
  if (result.annotatorKind) a[S.evaluationsAttr(0, 'annotator_kind')] = result.annotatorKind;
  const r = result.route;
  if (r) {
    a[S.ATTR_TRACEGATE_ROUTE] = r.alias;
    a[S.ATTR_TRACEGATE_DEPLOYMENT_ID] = r.deployment;
    a[S.ATTR_TRACEGATE_PROVIDER] = r.provider;
    a[S.ATTR_TRACEGATE_MODEL] = r.model;
    if (r.servedAlias && r.servedAlias !== r.alias) a[S.ATTR_TRACEGATE_EVALUATION_SERVED_ALIAS] = r.servedAlias;
    if (r.variant !== undefined) a[S.ATTR_TRACEGATE_REQUEST_OVERRIDE_VARIANT] = r.variant;
  }
  return a;
}

export function evaluationSpanName(result: EvaluationEventResult): string {
  return `evaluation ${result.name}`;
}

function spanContextOf(target: EvaluationTargetRef): SpanContext {
  const sc: SpanContext = { traceId: target.traceId, spanId: target.spanId, traceFlags: target.traceFlags & 0xff, isRemote: true };
  if (target.tracestate) {
    try {
      sc.traceState = createTraceState(target.tracestate);
    } catch {
      /* an unreadable tracestate is dropped */
    }
  }
  return sc;
}

export class EvaluationBridge {
  /** The text filter of the current configuration (rebuilt when the configuration changes). */
  private filter: { cfg: ResolvedConfig; filter: TextFilter } | undefined;

  constructor(private readonly host: BridgeHost) {}

  /** The channel handler: records the event and says how on `event.recorded`. */
  onEvaluation(event: EvaluationEvent): void {
    const recorded = this.record(event.target, event.result);
    if (recorded) event.recorded = recorded;
  }

  private explanation(result: EvaluationEventResult): string | undefined {
    const cfg = this.host.resolved;
    if (!cfg.captureContent || typeof result.explanation !== 'string' || result.explanation === '') return undefined;
    if (this.filter?.cfg !== cfg) this.filter = { cfg, filter: new TextFilter(cfg) };
    return this.filter.filter.text(result.explanation, 'evaluation');
  }

  /** Records one result on the answer's trace; undefined when there is no target. */
  record(target: EvaluationTargetRef | undefined, result: EvaluationEventResult, timing: EvaluationTiming = {}): EvaluationRecording | undefined {
    if (!target) return undefined;
    const explanation = this.explanation(result);
    const sc = spanContextOf(target);
    const open = findOpenSpan(target.spanId);
    let sampled = (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    if (open && open.span.spanContext().traceId === target.traceId) {
      if (open.span.isRecording()) {
        open.span.addEvent(S.EVENT_GEN_AI_EVALUATION_RESULT, evaluationEventAttributes(result, explanation), timing.endTime);
        this.log(result, explanation, open.span.spanContext(), timing.endTime);
        return 'event';
      }
      sampled = false;
    }
    if (!sampled && this.host.resolved.evaluations.unsampled === 'skip') return 'skipped';
    const parent = sampled ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT;
    const span = this.host.tracer.startSpan(
      evaluationSpanName(result),
      {
        kind: SpanKind.INTERNAL,
        attributes: evaluationSpanAttributes(result, explanation),
        links: [{ context: sc }],
        ...(sampled ? {} : { root: true }),
        ...(timing.startTime !== undefined ? { startTime: timing.startTime } : {}),
      },
      parent,
    );
    if (!span.isRecording()) {
      span.end();
      return 'skipped';
    }
    span.addEvent(S.EVENT_GEN_AI_EVALUATION_RESULT, evaluationEventAttributes(result, explanation), timing.endTime);
    span.end(timing.endTime);
    this.log(result, explanation, sc, timing.endTime);
    return sampled ? 'span' : 'new_trace';
  }

  private log(result: EvaluationEventResult, explanation: string | undefined, answer: SpanContext, time: TimeInput | undefined): void {
    const logger = this.host.logger;
    if (!logger || !this.host.resolved.evaluations.logEvents) return;
    try {
      logger.emit({
        eventName: S.EVENT_GEN_AI_EVALUATION_RESULT,
        attributes: evaluationEventAttributes(result, explanation),
        context: trace.setSpanContext(ROOT_CONTEXT, answer),
        ...(time !== undefined ? { timestamp: time } : {}),
      });
    } catch (err) {
      this.host.report('evaluation log event', err);
    }
  }
}
