/**
 * `router.responses.create`: the Responses request translated to one chat call and its answer
 * (or stream) translated back. Loaded by the first `create` (see responses.ts), so a router that
 * never serves the Responses API does not load the translation.
 */
import { attachCallInfo, getCallInfo } from '../../call-info.js';
import { ChunkAccumulator } from '../../wire/accumulate.js';
import type { ChatMessage } from '../../wire/chat-request.js';
import type { ChatCompletion } from '../../wire/chat-response.js';
import { ResponseCreateParamsSchema, type ResponseCreateParams } from '../../wire/responses/request.js';
import { chatToResponse, newItemId, responseShell, type ResponseObject } from '../../wire/responses/response.js';
import { ResponseEventEncoder, type ResponseStreamEvent } from '../../wire/responses/stream.js';
import { responsesToChat } from '../../wire/responses/to-chat.js';
import { parseOrThrow } from '../../wire/validate.js';
import type { Router } from '../router.js';
import { ChatCompletionStream } from '../stream.js';
import { DEFAULT_RESPONSE_TTL_MS, dropped, notFound, storeKey, type ResponseRequestOptions, type StoredResponse } from './responses.js';
import { applyToolPolicy } from './tool-policy.js';

/** The assistant message of a chat answer, as it goes back into a conversation. */
function assistantMessage(completion: ChatCompletion): ChatMessage {
  const m = completion.choices[0]?.message;
  const out: Record<string, unknown> = { role: 'assistant', content: m?.content ?? null };
  if (m?.tool_calls?.length) out.tool_calls = m.tool_calls;
  if (m?.reasoning_content) out.reasoning_content = m.reasoning_content;
  const blocks = (m as { thinking_blocks?: unknown } | undefined)?.thinking_blocks;
  if (Array.isArray(blocks) && blocks.length) out.thinking_blocks = blocks;
  return out as ChatMessage;
}

/** The stream `router.responses.create({ stream: true })` returns: Responses API events. */
export class ResponseStream implements AsyncIterable<ResponseStreamEvent> {
  private readonly encoder: ResponseEventEncoder;
  private readonly acc = new ChunkAccumulator();
  private finalResponse: ResponseObject | undefined;

  constructor(
    /** The chat stream underneath (its call info and serving attempt, its controller). */
    readonly chat: ChatCompletionStream,
    shell: ResponseObject,
    params: ResponseCreateParams,
    private readonly onComplete: (response: ResponseObject, completion: ChatCompletion) => Promise<void>,
  ) {
    this.encoder = new ResponseEventEncoder(shell, params);
  }

  /** The finished Response once the stream has ended (completed, incomplete or failed). */
  get response(): ResponseObject | undefined {
    return this.finalResponse;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ResponseStreamEvent> {
    yield* this.encoder.start();
    try {
      for await (const chunk of this.chat) {
        this.acc.add(chunk);
        yield* this.encoder.push(chunk);
      }
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      const events = this.encoder.fail({ code: typeof e?.code === 'string' ? e.code : null, message: typeof e?.message === 'string' ? e.message : 'the stream failed' });
      this.finalResponse = this.encoder.response;
      yield* events;
      return;
    }
    const end = this.encoder.end();
    this.finalResponse = this.encoder.response;
    await this.onComplete(this.finalResponse, this.acc.toCompletion()).catch(() => undefined);
    yield* end;
  }
}

/** Creates a response (a ResponseStream with `stream: true`). */
export async function createResponse(router: Router, rawParams: unknown, options: ResponseRequestOptions): Promise<ResponseObject | ResponseStream> {
  const params = parseOrThrow(ResponseCreateParamsSchema, rawParams, 'responses request');
  let history: ChatMessage[] = [];
  if (params.previous_response_id) {
    const prev = await router.store.get<StoredResponse>(storeKey(options, params.previous_response_id));
    if (!prev) throw notFound(params.previous_response_id, 'previous_response_id');
    history = prev.messages;
  }
  const { params: chat, inputMessages, hosted } = responsesToChat(params, history);
  const policy = applyToolPolicy(
    params.model,
    router.groups.get(params.model),
    hosted.map((tool) => ({ tool, param: `tools[${(params.tools ?? []).indexOf(tool)}]` })),
  );
  const droppedTools = policy.dropped;
  if (policy.webSearchOptions) (chat as Record<string, unknown>).web_search_options = policy.webSearchOptions;
  const id = newItemId('resp');
  const createdAt = Math.floor(Date.now() / 1000);
  const ttlMs = options.storeTtlMs ?? DEFAULT_RESPONSE_TTL_MS;
  const store = params.store !== false;
  const save = async (response: ResponseObject, completion: ChatCompletion): Promise<void> => {
    if (!store) return;
    const record: StoredResponse = { response, messages: [...history, ...inputMessages, assistantMessage(completion)] };
    await router.store.set(storeKey(options, id), record, ttlMs);
  };
  const { storeTtlMs: _ttl, ...callOptions } = options;
  callOptions.ingress = { api: 'responses', ...(droppedTools.length ? { droppedTools } : {}) };
  const result = await router.chat.completions.create(chat, callOptions);
  if (result instanceof ChatCompletionStream) {
    const stream = new ResponseStream(result, responseShell(params, id, createdAt, params.model), params, save);
    dropped.set(stream, droppedTools);
    return stream;
  }
  const response = chatToResponse(result, params, id, createdAt);
  await save(response, result);
  const info = getCallInfo(result);
  if (info) attachCallInfo(response, info);
  dropped.set(response, droppedTools);
  return response;
}
