/**
 * `@google/genai`: `models.generateContent` and `models.generateContentStream`. Their public
 * methods are per-instance arrow functions, so the patch goes on `Models.prototype`'s
 * `generateContentInternal` / `generateContentStreamInternal`, each of which makes exactly one
 * HTTP request (automatic function calling and continuations make several, each its own span).
 * Answers and stream chunks are decoded by the router's Gemini adapter, errors classified by it.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { genAiProviderName } from '../provider-names.js';
import { AdapterStream, classifySdkError, decodeAnswer, errorStatus } from './adapters.js';
import { SdkInstrumentation, type SdkInstrumentationConfig } from './base.js';
import { completionEnd, type SdkCallSpan } from './model-call.js';
import { geminiModel, geminiParams } from './shapes/gemini.js';
import { serverOf } from './stainless.js';
import { observeIterator } from './stream.js';

type Rec = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export const GOOGLE_GENAI_SDK = '@google/genai';
const PROVIDER = 'gemini';
const OTHER_SCOPES = ['@arizeai/openinference-instrumentation-google-genai', '@traceloop/instrumentation-google-generativeai'];

interface GenAIModule {
  Models?: { prototype: object };
}

/** The error body inside a `@google/genai` ApiError message (`got status: 429 ... {"error":{...}}`). */
function googleErrorBody(e: Rec): unknown {
  const message = typeof e.message === 'string' ? e.message : '';
  const at = message.indexOf('{');
  if (at < 0) return undefined;
  try {
    return JSON.parse(message.slice(at));
  } catch {
    return undefined;
  }
}

export class GoogleGenAISdkInstrumentation extends SdkInstrumentation {
  constructor(config: SdkInstrumentationConfig = {}) {
    super('google-genai', OTHER_SCOPES, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        GOOGLE_GENAI_SDK,
        ['>=1.0.0 <3'],
        (mod: GenAIModule) => {
          const proto = mod?.Models?.prototype;
          this.patchMethod(proto, 'generateContentInternal', (original) => this.wrap(original, false));
          this.patchMethod(proto, 'generateContentStreamInternal', (original) => this.wrap(original, true));
          return mod;
        },
        (mod: GenAIModule) => {
          const proto = mod?.Models?.prototype;
          this.unpatchMethod(proto, 'generateContentInternal');
          this.unpatchMethod(proto, 'generateContentStreamInternal');
        },
      ),
    ];
  }

  private wrap(original: AnyFn, stream: boolean): AnyFn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return function tracedGenerate(this: { apiClient?: { getBaseUrl?: () => string } }, ...args: unknown[]) {
      const params = args[0] as Rec | undefined;
      if (!params || typeof params !== 'object') return original.apply(this, args);
      const model = geminiModel(params.model);
      const apiClient = this?.apiClient;
      const span = self.begin(() => ({
        sdk: GOOGLE_GENAI_SDK,
        method: stream ? 'models.generateContentStream' : 'models.generateContent',
        catalogProvider: PROVIDER,
        operation: 'chat',
        genAiProvider: genAiProviderName(PROVIDER),
        model,
        params: geminiParams(params),
        stream,
        ...serverOf(typeof apiClient?.getBaseUrl === 'function' ? apiClient.getBaseUrl() : undefined),
      }));
      if (!span) return original.apply(this, args);
      const classify = (err: unknown): unknown => classifySdkError(PROVIDER, model, stream, err, googleErrorBody);
      return self.tracePromise(
        span,
        () => original.apply(this, args),
        (result) => {
          if (stream) return self.observeStream(span, model, result, classify);
          span.end({ ...completionEnd(decodeAnswer(PROVIDER, model, result)), status: 200, answer: result as object });
          return result;
        },
        classify,
        errorStatus,
      );
    };
  }

  private observeStream(span: SdkCallSpan, model: string, result: unknown, classify: (err: unknown) => unknown): unknown {
    const iterable = result as AsyncIterable<Rec> | undefined;
    if (!iterable || typeof iterable[Symbol.asyncIterator] !== 'function') {
      span.end({});
      return result;
    }
    const s = new AdapterStream(PROVIDER, model);
    return observeIterator(
      iterable[Symbol.asyncIterator](),
      {
        item: (chunk) => {
          span.firstChunk();
          s.push({ data: JSON.stringify(chunk) });
        },
        end: (outcome, error) => {
          span.end({ ...completionEnd(s.completion()), status: 200, streamOutcome: outcome, ...(error !== undefined ? { error: classify(error), thrown: error } : {}) });
        },
      },
      (where, err) => this.report(where, err),
    );
  }
}
