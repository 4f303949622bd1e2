/**
 * Writing JSON answers and OpenAI error bodies; `connection: close` while draining or while the
 * request's body is still unread (node then closes the connection once the answer is written,
 * instead of reading the rest of the body to reach the next request).
 */
import { getCallInfo } from '../call-info.js';
import { bodyPending, ClientGoneError, type BodyErrorMarks } from './body.js';
import { callHeaders } from './call-headers.js';
import type { Exchange, ProxyState } from './context.js';
import { scrubString } from '../errors.js';
import { ShutdownError, toErrorResponse, type ErrorResponse } from './errors.js';

/** Sends a JSON body (already serialized). */
export function sendJson(state: ProxyState, ex: Exchange, status: number, body: string, headers: Record<string, string> = {}): void {
  const res = ex.res;
  if (res.headersSent || res.destroyed) return;
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(body));
  if (state.draining || bodyPending(ex.req)) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Sends the OpenAI error response for `err` (nothing when the client is gone or a stream already
 * started). `reshape` turns the response into another API's error shape (Anthropic's).
 */
export function sendError(state: ProxyState, ex: Exchange, err: unknown, reshape?: (r: ErrorResponse) => ErrorResponse): number {
  const res = ex.res;
  // The client left (while we read its body, or during the call): nobody to answer, nothing to log.
  if (err instanceof ClientGoneError || ex.call.clientGone) return 499;
  const e = ex.call.shutdown ? new ShutdownError() : err;
  const openai = toErrorResponse(e, state.secrets);
  const r = reshape ? reshape(openai) : openai;
  if (r.status >= 500 && r.status !== 503) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    state.log.error(`tracegate proxy: ${ex.req.method} ${ex.route} → ${r.status}: ${scrubString(what, state.secrets).split('\n')[0]!.slice(0, 500)}`);
  }
  if (res.headersSent || res.destroyed) return r.status;
  callHeaders(getCallInfo(err), performance.now() - ex.arrived, r.headers);
  if ((err as BodyErrorMarks | undefined)?.closeConnection) r.headers.connection = 'close';
  sendJson(state, ex, r.status, r.body, r.headers);
  return r.status;
}

