/**
 * The `openai` SDK (4–6): `chat.completions.create` (plain and stream; also under `.parse()`,
 * `.stream()` and the runner helpers, which call it), `responses.create` (plain and stream; also
 * under `responses.parse()` / `responses.stream()`), `embeddings.create`. Prototypes are patched
 * through the package's main export (`OpenAI.Chat.Completions`, `OpenAI.Responses`,
 * `OpenAI.Embeddings`). A call whose answer carries the tracegate proxy's response header is a
 * `proxy-client` span; otherwise `direct`. Stays out of `@opentelemetry/instrumentation-openai`'s way.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { ChunkAccumulator } from '../../src/wire/accumulate.js';
import type { ChatCompletionChunk } from '../../src/wire/chat-response.js';
import { SdkInstrumentation, type SdkInstrumentationConfig } from './base.js';
import { classifySdkError } from './adapters.js';
import { completionEnd, type SdkCallStart } from './model-call.js';
import { responseAsCompletion, responsesParams } from './shapes/responses.js';
import { serverOf, wrapStainlessMethod, type StreamState } from './stainless.js';

type Rec = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export const OPENAI_SDK = 'openai';
const PUBLIC_HOSTS = ['api.openai.com'];
/** Other instrumentations of this SDK whose spans tracegate does not duplicate. */
const OTHER_SCOPES = ['@opentelemetry/instrumentation-openai', '@arizeai/openinference-instrumentation-openai', '@traceloop/instrumentation-openai'];

type Kind = 'chat' | 'responses' | 'embeddings';
const METHOD: Record<Kind, string> = { chat: 'chat.completions.create', responses: 'responses.create', embeddings: 'embeddings.create' };

interface OpenAIModule {
  OpenAI?: { Chat?: { Completions?: { prototype: object } }; Responses?: { prototype: object }; Embeddings?: { prototype: object } };
  default?: OpenAIModule['OpenAI'];
}

function targets(mod: OpenAIModule): [Kind, object | undefined][] {
  const OpenAI = mod?.OpenAI ?? mod?.default;
  return [
    ['chat', OpenAI?.Chat?.Completions?.prototype],
    ['responses', OpenAI?.Responses?.prototype],
    ['embeddings', OpenAI?.Embeddings?.prototype],
  ];
}

function openaiErrorBody(e: Rec): unknown {
  return e.error !== undefined ? { error: e.error } : undefined;
}

export class OpenAISdkInstrumentation extends SdkInstrumentation {
  constructor(config: SdkInstrumentationConfig = {}) {
    super('openai', OTHER_SCOPES, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        ['>=4.0.0 <7'],
        (mod: OpenAIModule) => {
          for (const [kind, proto] of targets(mod)) this.patchMethod(proto, 'create', (original) => this.wrapCreate(kind, original));
          return mod;
        },
        (mod: OpenAIModule) => {
          if (mod) for (const [, proto] of targets(mod)) this.unpatchMethod(proto, 'create');
        },
      ),
    ];
  }

  private describe(kind: Kind, client: Rec | undefined, body: Rec): SdkCallStart {
    const params = kind === 'responses' ? responsesParams(body) : body;
    return {
      sdk: OPENAI_SDK,
      method: METHOD[kind],
      catalogProvider: 'openai',
      operation: kind === 'embeddings' ? 'embeddings' : 'chat',
      genAiProvider: 'openai',
      model: typeof body.model === 'string' ? body.model : '',
      params,
      stream: kind !== 'embeddings' && body.stream === true,
      ...serverOf(client?.baseURL),
    };
  }

  private wrapCreate(kind: Kind, original: AnyFn): AnyFn {
    return wrapStainlessMethod<Rec>(this, original, {
      publicHosts: PUBLIC_HOSTS,
      describe: (client, body) => this.describe(kind, client, body),
      meaning: (body) => {
        const model = typeof body.model === 'string' ? body.model : '';
        const stream = kind !== 'embeddings' && body.stream === true;
        return {
          answer: (data) => completionEnd(kind === 'responses' ? responseAsCompletion(data) : data),
          streamState: () => (kind === 'responses' ? responsesStream() : chatStream()),
          classify: (err) => classifySdkError('openai', model, stream, err, openaiErrorBody),
        };
      },
    });
  }
}

/** Chat completion chunks → the completion they add up to. */
function chatStream(): StreamState<Rec> {
  const acc = new ChunkAccumulator();
  return {
    item: (chunk) => acc.add(chunk as unknown as ChatCompletionChunk),
    end: () => (acc.count ? completionEnd(acc.toCompletion()) : {}),
  };
}

/** Responses stream events: the final `response.completed` (or `.incomplete` / `.failed`) event carries the whole response. */
function responsesStream(): StreamState<Rec> {
  let final: unknown;
  return {
    item: (ev) => {
      if (typeof ev.type === 'string' && ev.response && /^response\.(completed|incomplete|failed)$/.test(ev.type)) final = ev.response;
    },
    end: () => (final ? completionEnd(responseAsCompletion(final)) : {}),
  };
}
