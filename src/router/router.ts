/**
 * `Router`: the public entry point. `new Router({ models })` validates the configuration;
 * `router.chat.completions.create(params)` and `router.embeddings.create(params)` take OpenAI
 * params and return OpenAI shapes (a `ChatCompletionStream` for `stream: true`).
 */
import '../providers/builtin.js';
import type { DeploymentRef } from '../call-info.js';
import { closeDispatchers } from '../http/dispatcher.js';
import type { Deployment, Timeouts } from '../providers/types.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion } from '../wire/chat-response.js';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../wire/embeddings.js';
import { deploymentRef } from './attempt.js';
import { createChatCompletion, createEmbeddings, type RequestOptions, type RouterCore } from './call.js';
import { DEFAULT_TIMEOUTS, RouterOptionsSchema, parseRouterOptions, resolveDeployments, type RouterOptions } from './config.js';
import type { ChatCompletionStream } from './stream.js';

export type ChatCompletionCreateParamsStreaming = ChatCompletionCreateParams & { stream: true };
export type ChatCompletionCreateParamsNonStreaming = ChatCompletionCreateParams & { stream?: false | null };

export interface ChatCompletions {
  create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<ChatCompletionStream>;
  create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | ChatCompletionStream>;
}

export class Router implements RouterCore {
  readonly groups: ReadonlyMap<string, readonly Deployment[]>;
  readonly timeouts: Timeouts;
  readonly maxResponseBytes: number;
  readonly chat: { completions: ChatCompletions };
  readonly embeddings: { create(params: EmbeddingCreateParams, options?: RequestOptions): Promise<CreateEmbeddingResponse> };
  private readonly all: readonly Deployment[];

  constructor(options: RouterOptions) {
    const parsed = parseRouterOptions(RouterOptionsSchema, options);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...parsed.timeouts };
    this.maxResponseBytes = parsed.maxResponseBytes ?? 32 * 1024 * 1024;
    this.all = resolveDeployments(parsed.models, parsed.timeouts, parsed.propagateTraceContext);
    const groups = new Map<string, Deployment[]>();
    for (const d of this.all) {
      const list = groups.get(d.name) ?? [];
      list.push(d);
      groups.set(d.name, list);
    }
    this.groups = groups;
    this.chat = {
      completions: {
        create: ((params: ChatCompletionCreateParams, opts?: RequestOptions) => createChatCompletion(this, params, opts)) as ChatCompletions['create'],
      },
    };
    this.embeddings = { create: (params, opts) => createEmbeddings(this, params, opts) };
  }

  /** The configured aliases. */
  aliases(): string[] {
    return [...this.groups.keys()];
  }

  /** Every deployment, without credentials. */
  deployments(): DeploymentRef[] {
    return this.all.map(deploymentRef);
  }

  /** Closes pooled upstream connections. */
  async close(): Promise<void> {
    await closeDispatchers();
  }
}
