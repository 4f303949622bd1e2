/**
 * `router.responses`: the OpenAI Responses API over the router's one call path. A request is
 * translated to a chat call (wire/responses/to-chat.ts), run by `router.chat.completions.create`
 * (so routing, retries, fallbacks, budgets, limits, guardrails and the call/attempt spans are
 * the chat call's), and its answer translated back (response.ts, or stream.ts for `stream: true`).
 *
 * Conversation state: unless `store: false`, the response and the conversation that led to it
 * (as chat messages, instructions excluded as OpenAI does) are kept in the router's StateStore
 * under `tracegate:responses:<key id>:<response id>` with a TTL (default 1 hour), so
 * `previous_response_id`, `retrieve` and `delete` only ever see the calling key's responses
 * and work across proxy instances sharing a store.
 *
 * The translation (wire/responses/*, the stream encoder) is responses-call.ts, loaded by the
 * first `create`: a router or proxy that never serves the Responses API does not load it.
 */
import { NotFoundError } from '../../errors.js';
import type { ChatMessage } from '../../wire/chat-request.js';
import type { ResponseObject } from '../../wire/responses/response.js';
import type { RequestOptions } from '../call-lifecycle.js';
import type { Router } from '../router.js';
import type { ResponseStream } from './responses-call.js';

export const DEFAULT_RESPONSE_TTL_MS = 60 * 60 * 1000;

export interface ResponseRequestOptions extends RequestOptions {
  /** How long a stored response stays retrievable and continuable (default 1 hour). */
  storeTtlMs?: number;
}

export interface StoredResponse {
  response: ResponseObject;
  /** The conversation up to and including this response's answer, as chat messages. */
  messages: ChatMessage[];
}

/** Tools the ingress dropped for a response or stream (see tool-policy.ts), set by responses-call.ts. */
export const dropped = new WeakMap<object, readonly string[]>();

/** Tools the ingress dropped for a response or stream (see tool-policy.ts). */
export function droppedToolsOf(result: object): readonly string[] {
  return dropped.get(result) ?? [];
}

export function storeKey(options: RequestOptions, id: string): string {
  return `tracegate:responses:${options.identity?.key ?? ''}:${id}`;
}

export function notFound(id: string, param: string | null): NotFoundError {
  return new NotFoundError(`Response with id '${id}' not found.`, { code: 'response_not_found', param });
}

/** Whether a `create` result is a stream (the class loads with the first `create`). */
export function isResponseStream(result: ResponseObject | ResponseStream): result is ResponseStream {
  return Symbol.asyncIterator in result;
}

export class Responses {
  constructor(private readonly router: Router) {}

  /**
   * Creates a response (a ResponseStream with `stream: true`). The translation and the stream
   * encoder load with the first call (responses-call.ts), not with the router.
   */
  async create(rawParams: unknown, options: ResponseRequestOptions = {}): Promise<ResponseObject | ResponseStream> {
    const { createResponse } = await import('./responses-call.js');
    return createResponse(this.router, rawParams, options);
  }

  /** A stored response of the calling key (404 when absent, expired, deleted or another key's). */
  async retrieve(id: string, options: RequestOptions = {}): Promise<ResponseObject> {
    const stored = await this.router.store.get<StoredResponse>(storeKey(options, id));
    if (!stored) throw notFound(id, null);
    return stored.response;
  }

  async delete(id: string, options: RequestOptions = {}): Promise<{ id: string; object: 'response'; deleted: true }> {
    const key = storeKey(options, id);
    if (!(await this.router.store.get(key))) throw notFound(id, null);
    await this.router.store.delete(key);
    return { id, object: 'response', deleted: true };
  }
}
