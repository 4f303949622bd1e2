/**
 * `@aws-sdk/client-bedrock-runtime`: `ConverseCommand` and `ConverseStreamCommand` sent through
 * `BedrockRuntimeClient.send` (promise style; a callback-style `send` runs untouched, as do all
 * other commands). Answers and stream events are decoded by the router's Bedrock adapter, errors
 * classified by it. Stays out of `@opentelemetry/instrumentation-aws-sdk`'s span when that one is
 * active.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { genAiProviderName } from '../provider-names.js';
import { AdapterStream, classifySdkError, decodeAnswer } from './adapters.js';
import { SdkInstrumentation, type SdkInstrumentationConfig } from './base.js';
import { completionEnd, type SdkCallEnd, type SdkCallSpan } from './model-call.js';
import { converseParams } from './shapes/bedrock.js';
import { observeIterator } from './stream.js';

type Rec = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export const BEDROCK_SDK = '@aws-sdk/client-bedrock-runtime';
const PROVIDER = 'bedrock';
const OTHER_SCOPES = ['@opentelemetry/instrumentation-aws-sdk', '@traceloop/instrumentation-bedrock'];
const COMMANDS: Record<string, string> = { ConverseCommand: 'Converse', ConverseStreamCommand: 'ConverseStream' };

interface BedrockModule {
  BedrockRuntimeClient?: { prototype: object };
}

function bedrockErrorBody(e: Rec): unknown {
  return { message: typeof e.message === 'string' ? e.message : '', ...(typeof e.name === 'string' ? { __type: e.name } : {}) };
}

function httpStatus(output: unknown): number | undefined {
  const s = (output as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof s === 'number' ? s : undefined;
}

/** Endpoint host and port of the client, resolved while the call runs (the config's providers are async). */
async function endpointOf(client: { config?: Rec }): Promise<{ serverAddress?: string; serverPort?: number }> {
  const config = client?.config;
  if (!config) return {};
  if (typeof config.endpoint === 'function') {
    const ep = (await (config.endpoint as () => Promise<{ hostname?: string; port?: number }>)()) ?? {};
    return { ...(ep.hostname ? { serverAddress: ep.hostname } : {}), ...(typeof ep.port === 'number' ? { serverPort: ep.port } : {}) };
  }
  if (typeof config.region === 'function') {
    const region = await (config.region as () => Promise<string>)();
    return { serverAddress: `bedrock-runtime.${region}.amazonaws.com` };
  }
  return {};
}

export class BedrockSdkInstrumentation extends SdkInstrumentation {
  constructor(config: SdkInstrumentationConfig = {}) {
    super('bedrock-runtime', OTHER_SCOPES, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        BEDROCK_SDK,
        ['>=3.0.0 <4'],
        (mod: BedrockModule) => {
          this.patchMethod(mod?.BedrockRuntimeClient?.prototype, 'send', (original) => this.wrapSend(original));
          return mod;
        },
        (mod: BedrockModule) => {
          this.unpatchMethod(mod?.BedrockRuntimeClient?.prototype, 'send');
        },
      ),
    ];
  }

  private wrapSend(original: AnyFn): AnyFn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return function tracedSend(this: { config?: Rec }, ...args: unknown[]) {
      const command = args[0] as { constructor?: { name?: string }; input?: Rec } | undefined;
      const method = command?.constructor?.name ? COMMANDS[command.constructor.name] : undefined;
      if (!method || !command?.input || typeof args[1] === 'function' || typeof args[2] === 'function') return original.apply(this, args);
      const input = command.input;
      const model = typeof input.modelId === 'string' ? input.modelId : '';
      const stream = method === 'ConverseStream';
      const span = self.begin(() => ({
        sdk: BEDROCK_SDK,
        method,
        catalogProvider: PROVIDER,
        operation: 'chat',
        genAiProvider: genAiProviderName(PROVIDER),
        model,
        params: converseParams(input),
        stream,
      }));
      if (!span) return original.apply(this, args);
      endpointOf(this).then(
        (server) => {
          if (!span.isEnded) span.span.setAttributes({ ...(server.serverAddress ? { 'server.address': server.serverAddress } : {}), ...(server.serverPort !== undefined ? { 'server.port': server.serverPort } : {}) });
        },
        () => undefined,
      );
      const classify = (err: unknown): unknown => classifySdkError(PROVIDER, model, stream, err, bedrockErrorBody);
      return self.tracePromise(
        span,
        () => original.apply(this, args),
        (output) => {
          if (stream) self.observeStream(span, model, output as Rec, classify);
          else span.end({ ...answerEnd(model, output), status: httpStatus(output), answer: output as object });
          return output;
        },
        classify,
        httpStatus,
      );
    };
  }

  private observeStream(span: SdkCallSpan, model: string, output: Rec, classify: (err: unknown) => unknown): void {
    const events = output?.stream as AsyncIterable<Rec> | undefined;
    if (!events || typeof events[Symbol.asyncIterator] !== 'function') {
      span.end({ status: httpStatus(output) });
      return;
    }
    const s = new AdapterStream(PROVIDER, model);
    const status = httpStatus(output);
    const report = (where: string, err: unknown): void => this.report(where, err);
    output.stream = {
      [Symbol.asyncIterator]: () =>
        observeIterator(
          events[Symbol.asyncIterator](),
          {
            item: (ev) => {
              span.firstChunk();
              for (const [key, value] of Object.entries(ev)) if (key !== '$unknown') s.push({ event: key, data: JSON.stringify(value), messageType: 'event' });
            },
            end: (outcome, error) => {
              span.end({ ...withoutId(completionEnd(s.completion())), status, streamOutcome: outcome, answer: output, ...(error !== undefined ? { error: classify(error), thrown: error } : {}) });
            },
          },
          report,
        ),
    };
  }
}

/** Bedrock answers have no id (the adapter makes one up): none is recorded. */
function withoutId(end: SdkCallEnd): SdkCallEnd {
  return { ...end, responseId: undefined };
}

function answerEnd(model: string, output: unknown): SdkCallEnd {
  return withoutId(completionEnd(decodeAnswer(PROVIDER, model, output)));
}
