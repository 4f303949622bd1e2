/**
 * `POST /v1/chat/completions`: authenticate, read the body, check the alias against the key,
 * call the router, then answer with the completion, or pipe the stream as SSE. A stream's
 * headers (with the x-tracegate-* values known at that point) go out with its first chunk; an
 * error before that is an ordinary error response, an error after it an error event.
 */
import { getCallInfo } from '../../call-info.js';
import { ChatCompletionStream } from '../../router/stream.js';
import type { ChatCompletionChunk } from '../../wire/chat-response.js';
import { forwardText } from '../../wire/chunk-text.js';
import { authenticate, checkAlias } from '../auth.js';
import { bodyLimits, readJsonBody } from '../body.js';
import { callHeaders, streamHeaders } from '../call-headers.js';
import type { Exchange, ProxyState } from '../context.js';
import { ShutdownError, streamErrorEvent } from '../errors.js';
import { sendJson } from '../respond.js';
import { SseWriter, sseHeaders } from '../sse-writer.js';
import { callOptions } from './call-options.js';

export async function chatCompletions(state: ProxyState, ex: Exchange): Promise<void> {
  ex.key = authenticate(state, ex.req);
  const body = await readJsonBody(ex.req, bodyLimits(state));
  if (typeof body.model === 'string') checkAlias(state, ex.key, body.model);
  const result = await state.router.chat.completions.create(body as never, callOptions(ex, body));
  if (result instanceof ChatCompletionStream) return pipeStream(state, ex, result, wantsUsage(body));
  const headers: Record<string, string> = {};
  callHeaders(getCallInfo(result), performance.now() - ex.arrived, headers);
  sendJson(state, ex, 200, JSON.stringify(result), headers);
}

function wantsUsage(body: Record<string, unknown>): boolean {
  const o = body.stream_options;
  return !!o && typeof o === 'object' && (o as { include_usage?: unknown }).include_usage === true;
}

/**
 * Pipes the router's stream as SSE. With `include_usage`, OpenAI puts `usage: null` on every
 * chunk but the last: chunks from other providers get it here, so the wire is the same.
 */
async function pipeStream(state: ProxyState, ex: Exchange, stream: ChatCompletionStream, includeUsage: boolean): Promise<void> {
  const it = stream[Symbol.asyncIterator]();
  let step = await it.next();
  const headers = sseHeaders();
  streamHeaders(getCallInfo(stream), stream.servingAttempt, performance.now() - ex.arrived, headers);
  if (state.draining) headers.connection = 'close';
  const out = new SseWriter(ex.res);
  out.start(headers);
  try {
    while (!step.done) {
      // This chunk, then those already read with it, without a promise each (until backpressure).
      let chunk: ChatCompletionChunk | undefined = step.value;
      let room: Promise<boolean> | boolean;
      do {
        room = out.send(chunkJson(chunk, stream.deliveredText, includeUsage));
        if (room !== true) break;
        chunk = stream.takeQueued();
      } while (chunk !== undefined);
      if (room !== true && !(await room)) break;
      step = await it.next();
    }
    if (step.done) out.done();
  } catch (err) {
    if (!out.open) return;
    const e = ex.call.shutdown ? new ShutdownError() : err;
    state.log.warn(`tracegate proxy: stream on ${ex.route} ended with an error after the first chunk: ${(err as Error)?.name ?? 'Error'}`);
    out.fail(streamErrorEvent(e, state.secrets));
  } finally {
    if (!step.done) await it.return?.().catch(() => undefined);
  }
}

/** The chunk's JSON: the upstream's own text when decoding changed nothing (src/wire/chunk-text.ts). */
function chunkJson(chunk: ChatCompletionChunk, text: string | undefined, includeUsage: boolean): string {
  if (text !== undefined) return forwardText(text, includeUsage);
  if (includeUsage && chunk.usage === undefined) chunk.usage = null;
  return JSON.stringify(chunk);
}
