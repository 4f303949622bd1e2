/**
 * Pipes a translated stream (Responses API or Messages API events made from the router's chat
 * stream) as named SSE events (`event: <type>` / `data: <json>`), with the same headers,
 * backpressure and disconnect handling as the chat route. The router opens the chat stream
 * only once its first chunk arrived, so a failure before that is an ordinary error response;
 * a failure after it becomes the API's own error event (`errorEvent`).
 */
import { getCallInfo } from '../../call-info.js';
import type { ChatCompletionStream } from '../../router/stream.js';
import { streamHeaders } from '../call-headers.js';
import type { Exchange, ProxyState } from '../context.js';
import { ShutdownError } from '../errors.js';
import { SseWriter, sseHeaders } from '../sse-writer.js';

export interface NamedEvent {
  readonly event: string;
  readonly data: unknown;
}

export async function pipeNamedEvents(
  state: ProxyState,
  ex: Exchange,
  chat: ChatCompletionStream,
  events: AsyncIterable<NamedEvent>,
  extraHeaders: Record<string, string>,
  errorEvent: (err: unknown) => NamedEvent | undefined,
): Promise<void> {
  const it = events[Symbol.asyncIterator]();
  let step = await it.next();
  const headers = Object.assign(sseHeaders(), extraHeaders);
  streamHeaders(getCallInfo(chat), chat.servingAttempt, performance.now() - ex.arrived, headers);
  if (state.draining) headers.connection = 'close';
  const out = new SseWriter(ex.res);
  out.start(headers);
  try {
    while (!step.done) {
      const room = out.send(JSON.stringify(step.value.data), step.value.event);
      if (room !== true && !(await room)) break;
      step = await it.next();
    }
    if (step.done) out.end();
  } catch (err) {
    if (!out.open) return;
    const e = ex.call.shutdown ? new ShutdownError() : err;
    state.log.warn(`tracegate proxy: stream on ${ex.route} ended with an error after the first event: ${(err as Error)?.name ?? 'Error'}`);
    const ev = errorEvent(e);
    if (ev) out.send(JSON.stringify(ev.data), ev.event);
    out.end();
  } finally {
    if (!step.done) {
      await it.return?.().catch(() => undefined);
      chat.controller.abort();
    }
  }
}
