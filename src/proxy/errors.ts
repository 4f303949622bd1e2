/**
 * Typed errors → OpenAI error responses: the status a client should see, the JSON body
 * `{ error: { message, type, param, code } }` and headers (`retry-after`, `retry-after-ms`).
 * A failure the client cannot fix (the proxy's provider key rejected, a model missing at the
 * provider) is a 502, not a 401/404 that would blame the client's key or request. Every
 * message is scrubbed of provider secrets. Anything that is not a typed error, and an
 * InternalError (a failure in tracegate's own code), is a 500 with a fixed message; its
 * details go to the log only.
 */
import { BadRequestError, isTracegateError, scrubString, type TracegateError } from '../errors.js';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Errors the proxy itself raises about a request (size, method, route, content type, slowness). */
export function requestError(status: number, message: string, code: string, param: string | null = null): BadRequestError {
  return new BadRequestError(message, { status, code, param });
}

/** The proxy is shutting down and aborted the request. */
export class ShutdownError extends Error {
  constructor() {
    super('the proxy is shutting down; retry the request');
    this.name = 'ShutdownError';
  }
}

function statusFor(err: TracegateError): number {
  const upstream = err.deployment !== undefined;
  switch (err.errorClass) {
    case 'bad_request':
      return err.status >= 400 && err.status < 500 ? err.status : 400;
    case 'context_window':
    case 'content_policy':
    case 'guardrail':
      return 400;
    case 'authentication':
      return upstream ? 502 : 401;
    case 'permission':
      return upstream ? 502 : 403;
    case 'not_found':
      return upstream ? 502 : 404;
    case 'rate_limit':
    case 'budget_exceeded':
      return 429;
    case 'timeout':
      return 504;
    case 'upstream_unavailable':
      return err.status >= 500 && err.status < 600 ? err.status : 503;
    case 'connection':
    case 'invalid_response':
      return 502;
    case 'circuit_open':
    case 'store_unavailable':
      return 503;
    case 'aborted':
      return 499;
    case 'stream_interrupted':
      return 502;
    case 'config':
    case 'internal':
      return 500;
  }
}

function typeFor(err: TracegateError, status: number): string {
  if (status === 502 && (err.errorClass === 'authentication' || err.errorClass === 'permission' || err.errorClass === 'not_found')) return 'upstream_error';
  return err.type;
}

function messageFor(err: TracegateError, status: number): string {
  if (status === 502 && (err.errorClass === 'authentication' || err.errorClass === 'permission' || err.errorClass === 'not_found')) {
    return `the upstream provider rejected the proxy's request for deployment "${err.deployment}" (${err.errorClass}): ${err.message}`;
  }
  return err.message;
}

export function errorBody(message: string, type: string, param: string | null, code: string | null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** The response for an error; `secrets` are removed from the message. */
export function toErrorResponse(err: unknown, secrets: readonly string[]): ErrorResponse {
  if (err instanceof ShutdownError) {
    return { status: 503, headers: { 'retry-after': '1' }, body: errorBody(err.message, 'server_shutdown', null, 'server_shutdown') };
  }
  if (!isTracegateError(err) || err.errorClass === 'internal') {
    return { status: 500, headers: {}, body: errorBody('internal error in the proxy', 'internal_error', null, null) };
  }
  const status = statusFor(err);
  const headers: Record<string, string> = {};
  if ((status === 429 || status === 503) && err.retryAfterMs !== undefined && err.retryAfterMs >= 0) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
    headers['retry-after-ms'] = String(Math.ceil(err.retryAfterMs));
  }
  if (err.deployment !== undefined) headers['x-tracegate-deployment'] = err.deployment;
  const message = scrubString(messageFor(err, status), secrets);
  return { status, headers, body: errorBody(message, typeFor(err, status), err.param, err.code) };
}

/** The body of an error event inside an SSE stream (same shape as the HTTP error body). */
export function streamErrorEvent(err: unknown, secrets: readonly string[]): string {
  const r = toErrorResponse(err, secrets);
  return r.body;
}
