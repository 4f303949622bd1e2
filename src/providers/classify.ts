/**
 * Shared error classification by HTTP status plus the provider's error code and message.
 * Adapters call `classifyByStatus` with what they extracted from their own error format.
 */
import {
  AuthenticationError,
  BadRequestError,
  ContentPolicyError,
  ContextWindowExceededError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UpstreamUnavailableError,
  type ErrorOptions,
  type TracegateError,
} from '../errors.js';
import { parseRetryAfter } from '../http/retry-after.js';
import type { AdapterContext, UpstreamError } from './types.js';

export interface ExtractedError {
  message: string;
  /** Provider error code or type, lower-cased for matching. */
  code?: string;
  type?: string;
  param?: string;
  retryAfterMs?: number;
}

const CONTEXT_PATTERNS = [
  /context[_ ]length/i,
  /maximum context/i,
  /context window/i,
  /prompt is too long/i,
  /input is too long/i,
  /too many (input )?tokens/i,
  /exceeds the maximum (number of )?tokens/i,
  /input token count.*exceeds/i,
  /reduce the length of the messages/i,
];

const CONTENT_POLICY_PATTERNS = [
  /content[_ ]?filter/i,
  /content[_ ]policy/i,
  /content management policy/i,
  /safety system/i,
  /responsible ai/i,
];

export function looksLikeContextWindow(e: ExtractedError): boolean {
  if (e.code === 'context_length_exceeded' || e.code === 'string_above_max_length') return true;
  return CONTEXT_PATTERNS.some((p) => p.test(e.message));
}

export function looksLikeContentPolicy(e: ExtractedError): boolean {
  if (e.code === 'content_filter' || e.code === 'content_policy_violation') return true;
  return CONTENT_POLICY_PATTERNS.some((p) => p.test(e.message));
}

/** Maps a status plus extracted details to the typed error class. */
export function classifyByStatus(err: UpstreamError, extracted: ExtractedError, ctx: AdapterContext): TracegateError {
  const d = ctx.deployment;
  const options: ErrorOptions = {
    status: err.status,
    provider: d.provider,
    deployment: d.id,
    model: d.model,
    providerError: err.body,
    code: extracted.code ?? null,
    param: extracted.param ?? null,
  };
  const retryAfterMs = extracted.retryAfterMs ?? parseRetryAfter(err.headers);
  if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
  const message = `${d.provider} ${err.status}: ${extracted.message}`;
  const s = err.status;
  if (s === 400 || s === 413 || s === 422) {
    if (looksLikeContextWindow(extracted)) return new ContextWindowExceededError(message, { ...options, code: options.code ?? 'context_length_exceeded' });
    if (looksLikeContentPolicy(extracted)) return new ContentPolicyError(message, { ...options, code: options.code ?? 'content_policy_violation' });
    return new BadRequestError(message, options);
  }
  if (s === 401) return new AuthenticationError(message, options);
  if (s === 403) {
    if (looksLikeContentPolicy(extracted)) return new ContentPolicyError(message, options);
    return new PermissionDeniedError(message, options);
  }
  if (s === 404) return new NotFoundError(message, options);
  if (s === 408) return new TimeoutError('headers', 0, options);
  if (s === 429) return new RateLimitError(message, options);
  if (s >= 500 || s === 409) return new UpstreamUnavailableError(message, options);
  return new BadRequestError(message, options);
}

/** Extracts message/code/type/param from an OpenAI-style error body (also used by many others). */
export function extractOpenAIError(err: UpstreamError): ExtractedError {
  const body = err.body as { error?: unknown; message?: unknown; detail?: unknown } | undefined;
  const e = body && typeof body === 'object' ? body.error : undefined;
  if (e && typeof e === 'object') {
    const o = e as { message?: unknown; code?: unknown; type?: unknown; param?: unknown };
    const out: ExtractedError = { message: typeof o.message === 'string' ? o.message : JSON.stringify(e) };
    if (o.code !== undefined && o.code !== null) out.code = String(o.code).toLowerCase();
    if (typeof o.type === 'string') out.type = o.type;
    if (typeof o.param === 'string') out.param = o.param;
    return out;
  }
  if (typeof e === 'string') return { message: e };
  if (body && typeof body === 'object' && typeof body.message === 'string') return { message: body.message };
  if (body && typeof body === 'object' && typeof body.detail === 'string') return { message: body.detail };
  return { message: err.text.slice(0, 500) || `HTTP ${err.status}` };
}
