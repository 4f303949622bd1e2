/**
 * Metrics through the OTel metrics API (no-ops until a MeterProvider is registered). Attributes
 * are low-cardinality only: operation, provider, model, route, outcome, error class.
 */
import { createNoopMeter, type Attributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import type { AttemptEvent, CallEvent, DecisionEvent } from '../src/channels.js';
import * as S from '../semconv/index.js';
import { errorType } from './span-mapping.js';
import { genAiProviderName } from './provider-names.js';

/** Breaker decision actions that are state changes (`skip`, passing over an open deployment, is not). */
const BREAKER_TRANSITIONS = new Set(['open', 'half_open', 'close', 'closed', 'reopen']);

const NoopMeter = createNoopMeter().constructor;

export class TracegateMetrics {
  /** False while there is no MeterProvider: recording is skipped (no attribute objects built). */
  private readonly active: boolean;
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  private readonly timeToFirstChunk: Histogram;
  private readonly timePerOutputChunk: Histogram;
  /** Streaming attempts: when the last chunk was delivered, and the gaps between chunks so far (ms). */
  private readonly chunkTimes = new WeakMap<AttemptEvent, { last: number; gapsMs: number[] }>();
  private readonly callDuration: Histogram;
  private readonly retries: Counter;
  private readonly fallbacks: Counter;
  private readonly breakerTransitions: Counter;
  private readonly budgetRejections: Counter;
  private readonly cost: Counter;
  private readonly storeDegradedCalls: Counter;
  private readonly evalRoutingDecisions: Counter;

  /** Whether there is a MeterProvider to record to (without one, per-chunk events need not be published). */
  get recording(): boolean {
    return this.active;
  }

  constructor(meter: Meter) {
    this.active = !(meter instanceof NoopMeter);
    const durationAdvice = { explicitBucketBoundaries: [...S.GEN_AI_DURATION_BUCKETS] };
    this.tokenUsage = meter.createHistogram(S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...S.GEN_AI_TOKEN_BUCKETS] },
    });
    this.operationDuration = meter.createHistogram(S.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: durationAdvice,
    });
    this.timeToFirstChunk = meter.createHistogram(S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      description: 'Time to receive the first chunk of a streaming response.',
      unit: 's',
      advice: durationAdvice,
    });
    this.timePerOutputChunk = meter.createHistogram(S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK, {
      description: 'Time per output chunk after the first one, from the end of the previous chunk to the end of this one.',
      unit: 's',
      advice: durationAdvice,
    });
    this.callDuration = meter.createHistogram(S.METRIC_TRACEGATE_CALL_DURATION, {
      description: 'Duration of a logical router call, all attempts included.',
      unit: 's',
      advice: durationAdvice,
    });
    this.retries = meter.createCounter(S.METRIC_TRACEGATE_RETRIES, { description: 'Retries on the same alias.', unit: '{retry}' });
    this.fallbacks = meter.createCounter(S.METRIC_TRACEGATE_FALLBACKS, { description: 'Switches to a fallback alias.', unit: '{fallback}' });
    this.breakerTransitions = meter.createCounter(S.METRIC_TRACEGATE_BREAKER_TRANSITIONS, {
      description: 'Circuit breaker state changes.',
      unit: '{transition}',
    });
    this.budgetRejections = meter.createCounter(S.METRIC_TRACEGATE_BUDGET_REJECTIONS, { description: 'Calls rejected by a budget.', unit: '{rejection}' });
    this.storeDegradedCalls = meter.createCounter(S.METRIC_TRACEGATE_STORE_DEGRADED_CALLS, {
      description: 'Calls served while the shared state store was unavailable.',
      unit: '{call}',
    });
    this.cost = meter.createCounter(S.METRIC_TRACEGATE_COST, { description: 'USD spent on upstream attempts with a known price.', unit: '{USD}' });
    this.evalRoutingDecisions = meter.createCounter(S.METRIC_TRACEGATE_EVAL_ROUTING_DECISIONS, {
      description: 'Eval-aware routing policy decisions (demote, rollback, probe, restore).',
      unit: '{decision}',
    });
  }

  private attemptAttributes(ev: AttemptEvent): Attributes {
    const d = ev.deployment;
    const a: Attributes = {
      [S.ATTR_GEN_AI_OPERATION_NAME]: ev.call.operation,
      [S.ATTR_GEN_AI_PROVIDER_NAME]: d.genAiProvider ?? genAiProviderName(d.provider),
      [S.ATTR_GEN_AI_REQUEST_MODEL]: d.model,
      [S.ATTR_TRACEGATE_ROUTE]: ev.alias,
    };
    if (ev.responseModel) a[S.ATTR_GEN_AI_RESPONSE_MODEL] = ev.responseModel;
    if (d.serverAddress) a[S.ATTR_SERVER_ADDRESS] = d.serverAddress;
    if (d.serverPort !== undefined) a[S.ATTR_SERVER_PORT] = d.serverPort;
    return a;
  }

  /** A new attempt started: a retry (same alias) or a fallback hop (deeper alias). */
  attemptStarted(ev: AttemptEvent, previousDepth: number | undefined): void {
    if (!this.active || previousDepth === undefined) return;
    const base: Attributes = { [S.ATTR_TRACEGATE_ROUTE]: ev.call.alias };
    if (ev.fallbackDepth > previousDepth) {
      this.fallbacks.add(1, { ...base, [S.ATTR_TRACEGATE_FALLBACK_ALIAS]: ev.alias });
    } else {
      const a: Attributes = { ...base, [S.ATTR_GEN_AI_PROVIDER_NAME]: ev.deployment.genAiProvider ?? genAiProviderName(ev.deployment.provider) };
      if (ev.retryReason) a[S.ATTR_TRACEGATE_RETRY_REASON] = ev.retryReason;
      this.retries.add(1, a);
    }
  }

  /** A chunk of a streaming attempt was delivered (the first one starts the clock). */
  chunkDelivered(ev: AttemptEvent, now: number = performance.now()): void {
    if (!this.active) return;
    const t = this.chunkTimes.get(ev);
    if (!t) this.chunkTimes.set(ev, { last: now, gapsMs: [] });
    else {
      t.gapsMs.push(now - t.last);
      t.last = now;
    }
  }

  attemptSettled(ev: AttemptEvent, durationS: number): void {
    if (!this.active) return;
    const chunks = this.chunkTimes.get(ev);
    this.chunkTimes.delete(ev);
    const a = this.attemptAttributes(ev);
    const withError = ev.error !== undefined ? { ...a, [S.ATTR_ERROR_TYPE]: errorType(ev.error) } : a;
    this.operationDuration.record(durationS, withError);
    // A streaming attempt has ttftMs only once its first chunk arrived.
    if (ev.stream && ev.ttftMs !== undefined) this.timeToFirstChunk.record(ev.ttftMs / 1000, a);
    if (ev.stream && chunks) for (const gap of chunks.gapsMs) this.timePerOutputChunk.record(gap / 1000, a);
    const u = ev.usage;
    if (u) {
      if (typeof u.prompt_tokens === 'number') this.tokenUsage.record(u.prompt_tokens, { ...a, [S.ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
      if (typeof u.completion_tokens === 'number' && ev.call.operation === 'chat') {
        this.tokenUsage.record(u.completion_tokens, { ...a, [S.ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
      }
    }
    if (ev.cost && ev.cost.total > 0) {
      this.cost.add(ev.cost.total, {
        [S.ATTR_TRACEGATE_ROUTE]: ev.alias,
        [S.ATTR_GEN_AI_PROVIDER_NAME]: a[S.ATTR_GEN_AI_PROVIDER_NAME]!,
        [S.ATTR_GEN_AI_REQUEST_MODEL]: ev.deployment.model,
      });
    }
  }

  callSettled(ev: CallEvent, durationS: number): void {
    if (!this.active) return;
    const a: Attributes = {
      [S.ATTR_TRACEGATE_OPERATION]: ev.operation,
      [S.ATTR_TRACEGATE_ROUTE]: ev.alias,
      [S.ATTR_TRACEGATE_OUTCOME]: ev.info.outcome,
    };
    if (ev.error !== undefined) a[S.ATTR_ERROR_TYPE] = errorType(ev.error);
    this.callDuration.record(durationS, a);
    if (ev.info.storeDegraded) this.storeDegradedCalls.add(1, a);
  }

  decision(d: DecisionEvent): void {
    if (!this.active) return;
    if (d.kind === 'breaker' && BREAKER_TRANSITIONS.has(d.action)) {
      const state = d.detail['breaker.state'];
      const a: Attributes = { [S.ATTR_TRACEGATE_BREAKER_STATE]: typeof state === 'string' ? state : d.action };
      const dep = d.detail['deployment.id'] ?? d.attempt?.deployment.id;
      if (typeof dep === 'string') a[S.ATTR_TRACEGATE_DEPLOYMENT_ID] = dep;
      this.breakerTransitions.add(1, a);
    } else if (d.kind === 'budget' && d.action === 'reject') {
      const a: Attributes = { [S.ATTR_TRACEGATE_ROUTE]: d.call.alias };
      const name = d.detail['budget.name'];
      if (typeof name === 'string') a[S.decisionAttr('budget', 'budget.name')] = name;
      this.budgetRejections.add(1, a);
    } else if (d.kind === 'eval_routing' && S.EVAL_ROUTING_POLICY_ACTIONS.has(d.action)) {
      const a: Attributes = { [S.ATTR_TRACEGATE_DECISION_ACTION]: d.action };
      const route = d.detail['route.alias'] ?? d.call.alias;
      if (typeof route === 'string') a[S.ATTR_TRACEGATE_ROUTE] = route;
      const dep = d.detail['deployment.id'];
      if (typeof dep === 'string') a[S.ATTR_TRACEGATE_DEPLOYMENT_ID] = dep;
      const evaluator = d.detail['eval_routing.evaluator'];
      if (typeof evaluator === 'string') a[S.ATTR_GEN_AI_EVALUATION_NAME] = evaluator;
      const variant = d.detail['routing.variant'];
      if (typeof variant === 'string') a[S.decisionAttr('eval_routing', 'routing.variant')] = variant;
      this.evalRoutingDecisions.add(1, a);
    }
  }
}
