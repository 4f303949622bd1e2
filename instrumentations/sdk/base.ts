/**
 * Base of the provider SDK instrumentations: an InstrumentationBase whose patches go through
 * `InstrumentationNodeModuleDefinition` (require-in-the-middle for CommonJS, import-in-the-middle
 * for ESM under `--import tracegate/register`). Each wrapped method:
 *   - calls the original untouched when the instrumentation is disabled, when an SDK span of
 *     tracegate is already active (an SDK calling itself), or when another instrumentation of the
 *     same SDK (e.g. `@opentelemetry/instrumentation-openai`) already made the active span;
 *   - starts its span in a guard: if anything fails there, the original call runs as is;
 *   - is applied once (`isWrapped`); a method wrapped by another instrumentation before tracegate
 *     got there is left to it (no double spans), unless `yieldToOtherInstrumentations` is false.
 */
import { trace, type Span } from '@opentelemetry/api';
import { InstrumentationBase, isWrapped } from '@opentelemetry/instrumentation';
import { resolveConfig, type ResolvedConfig, type TracegateInstrumentationConfig } from '../config.js';
import { ContentMapper } from '../content.js';
import { liveView } from '../live-view.js';
import { PACKAGE_VERSION } from '../version.js';
import { SdkCallSpan, sdkCallActive, type SdkCallStart, type SdkHost } from './model-call.js';

export interface SdkInstrumentationConfig extends TracegateInstrumentationConfig {
  /**
   * Stay out when another instrumentation of the same SDK is active (default true): a method it
   * wrapped first is not wrapped again, and a call made inside its span records no second span.
   */
  yieldToOtherInstrumentations?: boolean;
}

/** Instrumentation scope name of the span active in the current context, if the SDK records it. */
function activeScopeName(): string | undefined {
  const span = trace.getActiveSpan() as (Span & { instrumentationScope?: { name?: string }; instrumentationLibrary?: { name?: string } }) | undefined;
  if (!span) return undefined;
  return span.instrumentationScope?.name ?? span.instrumentationLibrary?.name;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export abstract class SdkInstrumentation extends InstrumentationBase<SdkInstrumentationConfig> {
  private declare _resolved: ResolvedConfig | undefined;
  private declare _content: ContentMapper | null | undefined;

  /**
   * @param id short id (`openai`, `anthropic`, `google-genai`, `bedrock-runtime`), as used by
   *   `OTEL_NODE_DISABLED_INSTRUMENTATIONS` and `register({ sdk })`
   * @param otherScopes instrumentation scope names of other instrumentations of the same SDK
   */
  constructor(
    readonly id: string,
    private readonly otherScopes: readonly string[],
    config: SdkInstrumentationConfig = {},
  ) {
    super(`@tracegate/instrumentation-${id}`, PACKAGE_VERSION, config);
  }

  override setConfig(config: SdkInstrumentationConfig = {}): void {
    super.setConfig(config);
    this._resolved = undefined;
    this._content = undefined;
  }

  get resolved(): ResolvedConfig {
    return (this._resolved ??= resolveConfig(this.getConfig()));
  }

  get content(): ContentMapper | null {
    if (this._content === undefined) this._content = this.resolved.captureContent ? new ContentMapper(this.resolved) : null;
    return this._content;
  }

  report(where: string, err: unknown): void {
    try {
      this._diag.error(`tracegate ${this.id} instrumentation: ${where} failed`, err);
    } catch {
      /* never throw from here */
    }
  }

  protected host(): SdkHost {
    return liveView<SdkHost>({
      tracer: () => this.tracer,
      resolved: () => this.resolved,
      content: () => this.content,
      logger: () => this.logger,
      report: () => (where: string, err: unknown) => this.report(where, err),
    });
  }

  private yields(): boolean {
    return this.getConfig().yieldToOtherInstrumentations !== false;
  }

  /**
   * The span of a call, or undefined when this call is not to be recorded (disabled, nested,
   * another instrumentation's span is active) or starting it failed: then call the original.
   */
  begin(describe: () => SdkCallStart): SdkCallSpan | undefined {
    if (!this.isEnabled() || sdkCallActive()) return undefined;
    try {
      if (this.otherScopes.length && this.yields()) {
        const scope = activeScopeName();
        if (scope && this.otherScopes.includes(scope)) return undefined;
      }
      return new SdkCallSpan(this.host(), describe());
    } catch (err) {
      this.report('span start', err);
      return undefined;
    }
  }

  /** Wraps `target[name]` once; leaves a method another instrumentation wrapped first to it. */
  protected patchMethod(target: object | undefined, name: string, wrapper: (original: AnyFn) => AnyFn): void {
    if (!target) return;
    const current = (target as Record<string, unknown>)[name];
    if (typeof current !== 'function') return;
    if (isWrapped(current)) {
      if ((current as { __tracegate?: boolean }).__tracegate || this.yields()) {
        this._diag.debug(`${name} is already wrapped; tracegate leaves it as is`);
        return;
      }
    }
    this._wrap(target as Record<string, AnyFn>, name, (original: AnyFn) => {
      const w = wrapper(original);
      Object.defineProperty(w, '__tracegate', { value: true });
      return w;
    });
  }

  protected unpatchMethod(target: object | undefined, name: string): void {
    if (!target) return;
    const current = (target as Record<string, unknown>)[name];
    if (typeof current === 'function' && (current as { __tracegate?: boolean }).__tracegate) this._unwrap(target as Record<string, AnyFn>, name);
  }

  /**
   * Runs a promise-returning SDK call with `span` active: `onResult` ends the span from the
   * result (and may return a replacement, e.g. an observed stream); a rejection ends it with the
   * classified error and is passed on unchanged.
   */
  protected tracePromise(span: SdkCallSpan, call: () => unknown, onResult: (result: unknown) => unknown, classify: (err: unknown) => unknown, status: (err: unknown) => number | undefined): Promise<unknown> {
    let promise: unknown;
    try {
      promise = span.run(call);
    } catch (err) {
      span.end({ error: classify(err), thrown: err });
      throw err;
    }
    return Promise.resolve(promise).then(
      (result) => {
        try {
          return onResult(result);
        } catch (err) {
          this.report('sdk answer', err);
          if (!span.isEnded) span.end({});
          return result;
        }
      },
      (err: unknown) => {
        span.end({ status: status(err), error: classify(err), thrown: err });
        throw err;
      },
    );
  }
}
