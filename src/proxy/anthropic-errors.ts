/**
 * Error responses in the Anthropic Messages API's shape, for the `/v1/messages` routes:
 * `{ "type": "error", "error": { "type", "message" } }` with the same status and headers as
 * the OpenAI-shaped answer, the error type chosen by status as Anthropic documents it.
 */
import type { ErrorResponse } from './errors.js';

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

function messageOf(body: string): string {
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof m === 'string' ? m : 'error';
  } catch {
    return 'error';
  }
}

/** The Anthropic error body for an OpenAI-shaped error response. */
export function anthropicErrorBody(r: ErrorResponse): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(r.status), message: messageOf(r.body) } };
}

export function toAnthropicError(r: ErrorResponse): ErrorResponse {
  return { status: r.status, headers: r.headers, body: JSON.stringify(anthropicErrorBody(r)) };
}
