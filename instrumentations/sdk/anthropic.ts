/**
 * `@anthropic-ai/sdk`: `messages.create`, plain and `stream: true`, which the `messages.stream()`
 * helper calls too. Answers and stream events are decoded by the router's Anthropic adapter,
 * errors classified by it; the span records the same attributes as an attempt span of an
 * `anthropic` deployment.
 *
 * Recent SDK versions trace their own calls (scope `com.anthropic.sdk.typescript`, switched by
 * `ANTHROPIC_OPEN_TELEMETRY`). `register()` sets `ANTHROPIC_OPEN_TELEMETRY=false` when the
 * environment leaves it unset, so each call gets one span, tracegate's. A client whose own tracing
 * is on anyway (the variable set to `true`, or its `openTelemetry` option) keeps its spans, and
 * tracegate records none for it.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { genAiProviderName } from '../provider-names.js';
import { AdapterStream, classifySdkError, decodeAnswer } from './adapters.js';
import { SdkInstrumentation, type SdkInstrumentationConfig } from './base.js';
import { completionEnd } from './model-call.js';
import { anthropicParams } from './shapes/anthropic.js';
import { serverOf, wrapStainlessMethod } from './stainless.js';

type Rec = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export const ANTHROPIC_SDK = '@anthropic-ai/sdk';
const PROVIDER = 'anthropic';
const PUBLIC_HOSTS = ['api.anthropic.com'];
const OTHER_SCOPES = ['@arizeai/openinference-instrumentation-anthropic', '@traceloop/instrumentation-anthropic', 'com.anthropic.sdk.typescript'];

/** Turns the SDK's own spans off for clients created from now on, unless the environment decided. */
export function preferTracegateSpans(env: NodeJS.ProcessEnv = process.env): void {
  if (env.ANTHROPIC_OPEN_TELEMETRY === undefined) env.ANTHROPIC_OPEN_TELEMETRY = 'false';
}

interface AnthropicModule {
  Anthropic?: { Messages?: { prototype: object } };
  default?: AnthropicModule['Anthropic'];
}

function messagesProto(mod: AnthropicModule): object | undefined {
  return (mod?.Anthropic ?? mod?.default)?.Messages?.prototype;
}

export class AnthropicSdkInstrumentation extends SdkInstrumentation {
  constructor(config: SdkInstrumentationConfig = {}) {
    super('anthropic', OTHER_SCOPES, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        ANTHROPIC_SDK,
        ['>=0.20.0 <2'],
        (mod: AnthropicModule) => {
          this.patchMethod(messagesProto(mod), 'create', (original) => this.wrapCreate(original));
          return mod;
        },
        (mod: AnthropicModule) => {
          if (mod) this.unpatchMethod(messagesProto(mod), 'create');
        },
      ),
    ];
  }

  private wrapCreate(original: AnyFn): AnyFn {
    return wrapStainlessMethod<Rec>(this, original, {
      publicHosts: PUBLIC_HOSTS,
      // The client traces its own calls: its span is the one (see the module comment).
      skip: (client) => !!client?._tracer && this.getConfig().yieldToOtherInstrumentations !== false,
      describe: (client, body) => ({
        sdk: ANTHROPIC_SDK,
        method: 'messages.create',
        catalogProvider: PROVIDER,
        operation: 'chat',
        genAiProvider: genAiProviderName(PROVIDER),
        model: typeof body.model === 'string' ? body.model : '',
        params: anthropicParams(body),
        stream: body.stream === true,
        ...serverOf(client?.baseURL),
      }),
      meaning: (body) => {
        const model = typeof body.model === 'string' ? body.model : '';
        return {
          answer: (data) => completionEnd(decodeAnswer(PROVIDER, model, data)),
          streamState: () => {
            const s = new AdapterStream(PROVIDER, model);
            return {
              item: (ev) => s.push({ ...(typeof ev.type === 'string' ? { event: ev.type } : {}), data: JSON.stringify(ev) }),
              end: () => completionEnd(s.completion()),
            };
          },
          classify: (err) => classifySdkError(PROVIDER, model, body.stream === true, err, (e) => e.error),
        };
      },
    });
  }
}
