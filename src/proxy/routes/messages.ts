/**
 * The Anthropic Messages API: `POST /v1/messages` (plain or streamed) and
 * `POST /v1/messages/count_tokens`, over the router's chat call path: the request is
 * translated to a chat call (wire/messages/to-chat.ts), the answer back to an Anthropic
 * `Message` or its SSE events. Auth by `x-api-key` or `Authorization: Bearer` (virtual keys);
 * the model name goes through `modelAliases` and the answer carries the name the client sent.
 * Every error, including authentication, is in Anthropic's shape.
 */
import { getCallInfo } from '../../call-info.js';
import { ChatCompletionStream } from '../../router/stream.js';
import { applyToolPolicy } from '../../router/ingress/tool-policy.js';
import { estimateChatPromptTokens } from '../../router/token-estimate.js';
import { CountTokensParamsSchema, MessagesCreateParamsSchema } from '../../wire/messages/request.js';
import { chatToMessage, newMessageId } from '../../wire/messages/response.js';
import { MessagesEventEncoder } from '../../wire/messages/stream.js';
import { messagesToChat } from '../../wire/messages/to-chat.js';
import { parseOrThrow } from '../../wire/validate.js';
import { anthropicErrorBody, toAnthropicError } from '../anthropic-errors.js';
import { authenticate, checkAlias } from '../auth.js';
import { bodyLimits, readJsonBody } from '../body.js';
import { callHeaders } from '../call-headers.js';
import type { Exchange, ProxyState } from '../context.js';
import { toErrorResponse } from '../errors.js';
import { sendError, sendJson } from '../respond.js';
import { callOptions } from './call-options.js';
import { pipeNamedEvents, type NamedEvent } from './event-stream.js';
import { aliasFor } from './model-name.js';

async function anthropicShaped(state: ProxyState, ex: Exchange, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    sendError(state, ex, err, toAnthropicError);
  }
}

async function readRequest(state: ProxyState, ex: Exchange): Promise<Record<string, unknown>> {
  ex.key = authenticate(state, ex.req);
  return readJsonBody(ex.req, bodyLimits(state));
}

export function createMessage(state: ProxyState, ex: Exchange): Promise<void> {
  return anthropicShaped(state, ex, async () => {
    const body = await readRequest(state, ex);
    const params = parseOrThrow(MessagesCreateParamsSchema, body, 'messages request');
    const requested = params.model;
    const alias = aliasFor(state, requested);
    checkAlias(state, ex.key, alias);
    const { params: chat, hosted } = messagesToChat({ ...params, model: alias });
    const policy = applyToolPolicy(alias, state.router.groups.get(alias), hosted);
    const droppedTools = policy.dropped;
    if (policy.webSearchOptions) (chat as Record<string, unknown>).web_search_options = policy.webSearchOptions;
    const options = callOptions(ex);
    options.ingress = { api: 'messages', ...(droppedTools.length ? { droppedTools } : {}) };
    const headers: Record<string, string> = {};
    if (droppedTools.length) headers['x-tracegate-dropped-tools'] = droppedTools.join(', ');
    const result = await state.router.chat.completions.create(chat, options);
    const id = newMessageId();
    if (result instanceof ChatCompletionStream) {
      const encoder = new MessagesEventEncoder(id, requested);
      const events = (async function* (): AsyncGenerator<NamedEvent> {
        yield* encoder.start();
        for await (const chunk of result) yield* encoder.push(chunk);
        yield* encoder.end();
      })();
      return pipeNamedEvents(state, ex, result, events, headers, (err) => ({ event: 'error', data: anthropicErrorBody(toErrorResponse(err, state.secrets)) }));
    }
    callHeaders(getCallInfo(result), performance.now() - ex.arrived, headers);
    sendJson(state, ex, 200, JSON.stringify(chatToMessage(result, requested, id)), headers);
  });
}

/**
 * `count_tokens`: tracegate's prompt-token estimate of the translated request (the same one
 * budgets and the context-window check use; no provider call), as `{ input_tokens }`.
 */
export function countTokens(state: ProxyState, ex: Exchange): Promise<void> {
  return anthropicShaped(state, ex, async () => {
    const body = await readRequest(state, ex);
    const params = parseOrThrow(CountTokensParamsSchema, body, 'count_tokens request');
    const alias = aliasFor(state, params.model);
    checkAlias(state, ex.key, alias);
    const { params: chat } = messagesToChat({ ...params, model: alias, max_tokens: params.max_tokens ?? 1 });
    sendJson(state, ex, 200, JSON.stringify({ input_tokens: estimateChatPromptTokens(chat as Record<string, unknown>) }));
  });
}
