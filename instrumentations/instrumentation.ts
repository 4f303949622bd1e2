/**
 * `TracegateInstrumentation`: the OpenTelemetry instrumentation of tracegate's router and
 * adapters. It patches nothing: the core publishes every call and attempt on
 * `diagnostics_channel` (see `src/channels.ts`), and `enable()` subscribes to those channels,
 * `disable()` unsubscribes (at once; spans still open are ended). Channels are global by name,
 * so one instance sees the calls of both the CommonJS and the ESM build, with no loader hook,
 * inside vitest and in bundles. Only one instance per process is active (see global-guard.ts).
 * Every handler is wrapped: a failure inside the instrumentation never reaches the caller.
 */
import dc from 'node:diagnostics_channel';
import { InstrumentationBase, type InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { CHANNEL_NAMES, type AttemptEvent, type CallEvent, type ChunkEvent, type DecisionEvent, type EvaluationEvent } from '../src/channels.js';
import { resolveConfig, type ResolvedConfig, type TracegateInstrumentationConfig } from './config.js';
import { ContentMapper } from './content.js';
import { EvaluationBridge, type BridgeHost } from './evaluation-bridge.js';
import { claim, release, type GuardMember } from './global-guard.js';
import { liveView } from './live-view.js';
import { TracegateMetrics } from './metrics.js';
import { SpanRecorder, type RecorderHost } from './span-recorder.js';
import { INSTRUMENTATION_NAME, PACKAGE_VERSION } from './version.js';

const callChannel = dc.tracingChannel<object, CallEvent>(CHANNEL_NAMES.call);
const attemptChannel = dc.tracingChannel<object, AttemptEvent>(CHANNEL_NAMES.attempt);

/** Node subscribes only the handlers given (start and asyncEnd here); its types ask for all five. */
type Handlers<E extends object> = dc.TracingChannelSubscribers<E>;
function handlers<E extends object>(h: { start(ev: E): void; asyncEnd(ev: E): void }): Handlers<E> {
  return h as unknown as Handlers<E>;
}
const decisionChannel = dc.channel(CHANNEL_NAMES.decision);
const evaluationChannel = dc.channel(CHANNEL_NAMES.evaluation);
const chunkChannel = dc.channel(CHANNEL_NAMES.chunk);

interface Subscription {
  recorder: SpanRecorder;
  call: Handlers<CallEvent>;
  attempt: Handlers<AttemptEvent>;
  decision(message: unknown): void;
  /** Delivered stream chunks (for `gen_ai.client.operation.time_per_output_chunk`). */
  chunk(message: unknown): void;
  /** Whether `chunk` is subscribed (only while metrics are recorded). */
  chunkSubscribed: boolean;
  /** The evaluation bridge's handler, when the bridge is enabled. */
  evaluation?: (message: unknown) => void;
}

export class TracegateInstrumentation extends InstrumentationBase<TracegateInstrumentationConfig> implements GuardMember {
  // `declare`: these are set from the base constructor (which calls setConfig, enable and
  // _updateMetricInstruments before subclass field initializers would run), so they must not be
  // re-initialized by class fields.
  private declare _resolved: ResolvedConfig | undefined;
  private declare _content: ContentMapper | null | undefined;
  private declare _metrics: TracegateMetrics | undefined;
  private declare _subscription: Subscription | undefined;

  constructor(config: TracegateInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationModuleDefinition[] {
    return [];
  }

  override setConfig(config: TracegateInstrumentationConfig = {}): void {
    super.setConfig(config);
    this._resolved = undefined;
    this._content = undefined;
  }

  /** The configuration with environment defaults applied. */
  get resolved(): ResolvedConfig {
    return (this._resolved ??= resolveConfig(this.getConfig()));
  }

  /** The content mapper when content capture is on, else null. */
  get content(): ContentMapper | null {
    if (this._content === undefined) this._content = this.resolved.captureContent ? new ContentMapper(this.resolved) : null;
    return this._content;
  }

  get instruments(): TracegateMetrics {
    return (this._metrics ??= new TracegateMetrics(this.meter));
  }

  protected override _updateMetricInstruments(): void {
    this._metrics = new TracegateMetrics(this.meter);
    this.syncChunkSubscription();
  }

  /**
   * Stream chunks are listened to only for the metrics (time per output chunk): without a
   * MeterProvider nobody subscribes, so the core publishes no event per chunk.
   */
  private syncChunkSubscription(): void {
    const sub = this._subscription;
    if (!sub) return;
    const want = this.instruments.recording;
    if (want && !sub.chunkSubscribed) chunkChannel.subscribe(sub.chunk);
    else if (!want && sub.chunkSubscribed) chunkChannel.unsubscribe(sub.chunk);
    sub.chunkSubscribed = want;
  }

  report(where: string, err: unknown): void {
    try {
      this._diag.error(`tracegate instrumentation: ${where} failed`, err);
    } catch {
      /* never throw from here */
    }
  }

  override enable(): void {
    super.enable();
    if (this._subscription) return;
    if (claim(this)) this.subscribe();
    else this._diag.debug('another tracegate instrumentation is active in this process; this one waits on standby');
  }

  override disable(): void {
    super.disable();
    this.unsubscribe();
    release(this);
  }

  /** Part of the process-global guard: the active instance was disabled, this one takes over. */
  activateFromStandby(): void {
    if (this.isEnabled() && !this._subscription) this.subscribe();
  }

  private guarded<E>(where: string, fn: (ev: E) => void): (ev: E) => void {
    return (ev: E) => {
      try {
        fn(ev);
      } catch (err) {
        this.report(where, err);
      }
    };
  }

  /** What the span recorder and the evaluation bridge read from this instance. */
  private host(): RecorderHost & BridgeHost {
    return liveView<RecorderHost & BridgeHost>({
      tracer: () => this.tracer,
      resolved: () => this.resolved,
      content: () => this.content,
      instruments: () => this.instruments,
      logger: () => this.logger,
      report: () => (where: string, err: unknown) => this.report(where, err),
    });
  }

  private subscribe(): void {
    const host = this.host();
    const recorder = new SpanRecorder(host);
    const sub: Subscription = {
      recorder,
      call: handlers<CallEvent>({
        start: this.guarded('call start', (ev: CallEvent) => recorder.callStart(ev)),
        asyncEnd: this.guarded('call end', (ev: CallEvent) => recorder.callEnd(ev)),
      }),
      attempt: handlers<AttemptEvent>({
        start: this.guarded('attempt start', (ev: AttemptEvent) => recorder.attemptStart(ev)),
        asyncEnd: this.guarded('attempt end', (ev: AttemptEvent) => recorder.attemptEnd(ev)),
      }),
      decision: this.guarded('decision', (message: unknown) => recorder.decision(message as DecisionEvent)),
      chunk: this.guarded('chunk', (message: unknown) => host.instruments.chunkDelivered((message as ChunkEvent).attempt)),
      chunkSubscribed: false,
    };
    if (this.resolved.evaluations.enabled) {
      const bridge = new EvaluationBridge(host);
      sub.evaluation = this.guarded('evaluation', (message: unknown) => bridge.onEvaluation(message as EvaluationEvent));
    }
    callChannel.subscribe(sub.call);
    attemptChannel.subscribe(sub.attempt);
    decisionChannel.subscribe(sub.decision);
    if (sub.evaluation) evaluationChannel.subscribe(sub.evaluation);
    this._subscription = sub;
    this.syncChunkSubscription();
  }

  private unsubscribe(): void {
    const sub = this._subscription;
    if (!sub) return;
    this._subscription = undefined;
    callChannel.unsubscribe(sub.call);
    attemptChannel.unsubscribe(sub.attempt);
    decisionChannel.unsubscribe(sub.decision);
    if (sub.chunkSubscribed) chunkChannel.unsubscribe(sub.chunk);
    if (sub.evaluation) evaluationChannel.unsubscribe(sub.evaluation);
    try {
      sub.recorder.endAll();
    } catch (err) {
      this.report('ending open spans', err);
    }
  }
}
