/**
 * Google API errors (`{"error":{"code","message","status","details":[...]}}`, sometimes wrapped in
 * an array) → typed errors. `RetryInfo.retryDelay` ("34.4s") → retryAfterMs; an invalid API key
 * (400 with reason API_KEY_INVALID) → AuthenticationError; RESOURCE_EXHAUSTED → RateLimitError;
 * "input token count exceeds" → ContextWindowExceededError. Also used for an `error` object
 * arriving inside a 200 stream.
 */
import type { TracegateError } from '../../errors.js';
import { parseDurationString } from '../../http/retry-after.js';
import { classifyByStatus, extractOpenAIError, type ExtractedError } from '../classify.js';
import { asArray, asRecord, asString } from '../decode-util.js';
import type { AdapterContext, UpstreamError } from '../types.js';

const STATUS_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

function errorObject(body: unknown): Record<string, unknown> | undefined {
  const b = Array.isArray(body) ? body[0] : body;
  return asRecord(asRecord(b)?.error);
}

interface GoogleError extends ExtractedError {
  reason?: string;
  statusCode?: number;
}

export function extractGeminiError(err: UpstreamError): GoogleError {
  const e = errorObject(err.body);
  if (!e) return extractOpenAIError(err);
  const status = asString(e.status);
  const out: GoogleError = { message: asString(e.message) ?? status ?? `HTTP ${err.status}` };
  if (status) {
    out.code = status.toLowerCase();
    out.type = status;
  }
  const code = e.code;
  out.statusCode = typeof code === 'number' ? code : status ? STATUS_CODES[status] : undefined;
  for (const raw of asArray(e.details)) {
    const detail = asRecord(raw);
    const type = asString(detail?.['@type']) ?? '';
    if (type.endsWith('google.rpc.RetryInfo')) {
      const ms = parseDurationString(detail?.retryDelay);
      if (ms !== undefined) out.retryAfterMs = ms;
    } else if (type.endsWith('google.rpc.ErrorInfo')) {
      const reason = asString(detail?.reason);
      if (reason) out.reason = reason;
    }
  }
  return out;
}

export function classifyGeminiError(err: UpstreamError, ctx: AdapterContext): TracegateError {
  const extracted = extractGeminiError(err);
  let status = err.status >= 400 ? err.status : (extracted.statusCode ?? 500);
  if (extracted.reason === 'API_KEY_INVALID') status = 401;
  return classifyByStatus({ ...err, status }, extracted, ctx);
}
