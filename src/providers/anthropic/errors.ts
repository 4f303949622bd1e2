/**
 * Anthropic error bodies (`{"type":"error","error":{"type","message"},"request_id"}`), from an HTTP
 * error response or an `error` event inside a 200 stream, → typed errors. The error type decides
 * when the status does not (a stream error has no status of its own): `overloaded_error` (529) →
 * UpstreamUnavailableError, `rate_limit_error` → RateLimitError, "prompt is too long" →
 * ContextWindowExceededError.
 */
import type { TracegateError } from '../../errors.js';
import { classifyByStatus, extractOpenAIError, type ExtractedError } from '../classify.js';
import { asRecord, asString } from '../decode-util.js';
import type { AdapterContext, UpstreamError } from '../types.js';

const TYPE_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function extractAnthropicError(err: UpstreamError): ExtractedError {
  const e = asRecord(asRecord(err.body)?.error);
  const type = asString(e?.type);
  const message = asString(e?.message);
  if (!type && !message) return extractOpenAIError(err);
  const out: ExtractedError = { message: message ?? type ?? `HTTP ${err.status}` };
  if (type) {
    out.type = type;
    out.code = type;
  }
  return out;
}

export function classifyAnthropicError(err: UpstreamError, ctx: AdapterContext): TracegateError {
  const extracted = extractAnthropicError(err);
  const byType = extracted.type ? TYPE_STATUS[extracted.type] : undefined;
  // A 200-stream error event, or a proxy that answered with a generic status: trust the type.
  const status = err.status < 400 || (byType !== undefined && byType >= 500 && err.status < 500) ? (byType ?? 500) : err.status;
  return classifyByStatus({ ...err, status }, extracted, ctx);
}

/** The typed error for an `error` event received inside a stream. */
export function anthropicStreamError(payload: Record<string, unknown>, data: string, ctx: AdapterContext): TracegateError {
  return classifyAnthropicError({ status: 200, headers: {}, body: payload, text: data }, ctx);
}
