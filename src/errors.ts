/**
 * Typed errors. Every failure a caller can see is one of these classes, carrying the HTTP
 * status, the OpenAI error `type`/`code`, the provider and deployment it came from, and the
 * provider's own error body. API keys are scrubbed from messages and bodies (see `scrubSecrets`).
 */

/** The classification the router's retry and fallback policies work with. */
export type ErrorClass =
  | 'bad_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'rate_limit'
  | 'context_window'
  | 'content_policy'
  | 'timeout'
  | 'upstream_unavailable'
  | 'connection'
  | 'invalid_response'
  | 'budget_exceeded'
  | 'circuit_open'
  | 'guardrail'
  | 'aborted'
  | 'stream_interrupted'
  | 'config'
  | 'store_unavailable'
  | 'internal';

export type TimeoutKind = 'connect' | 'headers' | 'first_token' | 'idle' | 'total' | 'unconsumed';

export interface ErrorOptions {
  status?: number;
  code?: string | null;
  param?: string | null;
  provider?: string;
  deployment?: string;
  model?: string;
  /** The provider's own error body (parsed JSON when it was JSON, else text). */
  providerError?: unknown;
  retryAfterMs?: number;
  cause?: unknown;
}

export abstract class TracegateError extends Error {
  abstract readonly errorClass: ErrorClass;
  /** OpenAI error `type` used in error bodies. */
  abstract readonly type: string;
  status: number;
  code: string | null;
  param: string | null;
  provider?: string;
  deployment?: string;
  model?: string;
  providerError?: unknown;
  retryAfterMs?: number;

  constructor(message: string, defaultStatus: number, options: ErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.status = options.status ?? defaultStatus;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.deployment !== undefined) this.deployment = options.deployment;
    if (options.model !== undefined) this.model = options.model;
    if (options.providerError !== undefined) this.providerError = options.providerError;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** The OpenAI-style error body for this error. */
  toErrorBody(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      errorClass: this.errorClass,
      status: this.status,
      type: this.type,
      code: this.code,
      param: this.param,
      provider: this.provider,
      deployment: this.deployment,
      model: this.model,
      retryAfterMs: this.retryAfterMs,
      providerError: this.providerError,
    };
  }
}

export class BadRequestError extends TracegateError {
  readonly errorClass = 'bad_request' as const;
  readonly type = 'invalid_request_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 400, options);
  }
}

export class AuthenticationError extends TracegateError {
  readonly errorClass = 'authentication' as const;
  readonly type = 'authentication_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 401, options);
  }
}

export class PermissionDeniedError extends TracegateError {
  readonly errorClass = 'permission' as const;
  readonly type = 'permission_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 403, options);
  }
}

export class NotFoundError extends TracegateError {
  readonly errorClass = 'not_found' as const;
  readonly type = 'not_found_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 404, options);
  }
}

export class RateLimitError extends TracegateError {
  readonly errorClass = 'rate_limit' as const;
  readonly type = 'rate_limit_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 429, options);
  }
}

export class ContextWindowExceededError extends TracegateError {
  readonly errorClass = 'context_window' as const;
  readonly type = 'invalid_request_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 400, { code: 'context_length_exceeded', ...options });
  }
}

export class ContentPolicyError extends TracegateError {
  readonly errorClass = 'content_policy' as const;
  readonly type = 'invalid_request_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 400, { code: 'content_policy_violation', ...options });
  }
}

export class TimeoutError extends TracegateError {
  readonly errorClass = 'timeout' as const;
  readonly type = 'timeout_error';
  readonly kind: TimeoutKind;
  readonly timeoutMs: number;
  constructor(kind: TimeoutKind, timeoutMs: number, options?: ErrorOptions) {
    super(`${kindLabel(kind)} timeout after ${timeoutMs} ms`, 408, { code: `${kind}_timeout`, ...options });
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

function kindLabel(kind: TimeoutKind): string {
  switch (kind) {
    case 'connect':
      return 'connect';
    case 'headers':
      return 'response headers';
    case 'first_token':
      return 'first token';
    case 'idle':
      return 'stream idle';
    case 'total':
      return 'total';
    case 'unconsumed':
      return 'stream not consumed';
  }
}

/** 5xx from the provider, including 529 "overloaded". `status` is the upstream status. */
export class UpstreamUnavailableError extends TracegateError {
  readonly errorClass = 'upstream_unavailable' as const;
  readonly type = 'api_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 503, options);
  }
}

/** The connection failed or broke (refused, reset, DNS, socket closed mid-body). */
export class ConnectionError extends TracegateError {
  readonly errorClass = 'connection' as const;
  readonly type = 'api_connection_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 502, options);
  }
}

/** The provider answered 2xx with something that is not the documented format. */
export class InvalidResponseError extends TracegateError {
  readonly errorClass = 'invalid_response' as const;
  readonly type = 'invalid_response_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 502, options);
  }
}

export class BudgetExceededError extends TracegateError {
  readonly errorClass = 'budget_exceeded' as const;
  readonly type = 'budget_exceeded_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 429, { code: 'budget_exceeded', ...options });
  }
}

/** Every deployment that could serve the call has an open circuit breaker. */
export class CircuitOpenError extends TracegateError {
  readonly errorClass = 'circuit_open' as const;
  readonly type = 'api_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 503, { code: 'circuit_open', ...options });
  }
}

/** A guardrail hook or evaluator blocked the request or the answer. */
export class GuardrailError extends TracegateError {
  readonly errorClass = 'guardrail' as const;
  readonly type = 'invalid_request_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 400, { code: 'guardrail_blocked', ...options });
  }
}

/** The caller aborted the call (its AbortSignal fired, or the proxy's client went away). */
export class AbortedError extends TracegateError {
  readonly errorClass = 'aborted' as const;
  readonly type = 'request_aborted';
  constructor(message = 'the call was aborted by the caller', options?: ErrorOptions) {
    super(message, 499, options);
  }
}

/** What a stream had delivered to the caller before it failed. */
export interface DeliveredSummary {
  chunks: number;
  contentChars: number;
  toolCalls: number;
}

/**
 * A stream failed after content had reached the caller. The router never retries or
 * splices at that point; `delivered` says how much the caller already has and `cause`
 * is the underlying typed error.
 */
export class StreamInterruptedError extends TracegateError {
  readonly errorClass = 'stream_interrupted' as const;
  readonly type = 'api_error';
  readonly delivered: DeliveredSummary;
  constructor(cause: TracegateError, delivered: DeliveredSummary) {
    super(
      `stream interrupted after ${delivered.chunks} chunk(s) (${delivered.contentChars} content chars, ` +
        `${delivered.toolCalls} tool call(s)) were delivered: ${cause.message}`,
      cause.status,
      {
        code: 'stream_interrupted',
        cause,
        ...(cause.provider !== undefined ? { provider: cause.provider } : {}),
        ...(cause.deployment !== undefined ? { deployment: cause.deployment } : {}),
        ...(cause.model !== undefined ? { model: cause.model } : {}),
      },
    );
    this.delivered = delivered;
  }
}

/**
 * The shared state store (Redis) did not answer in time and the feature's failure policy is to
 * fail closed (budgets by default): the call is refused before any upstream call.
 */
export class StoreUnavailableError extends TracegateError {
  readonly errorClass = 'store_unavailable' as const;
  readonly type = 'api_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 503, { code: 'store_unavailable', ...options });
  }
}

/** Invalid router or proxy configuration. */
export class ConfigError extends TracegateError {
  readonly errorClass = 'config' as const;
  readonly type = 'config_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 500, options);
  }
}

/**
 * A failure inside tracegate's own code during a call (a bug, or a limit of the runtime such as
 * a stack overflow), as opposed to a failure of the upstream or its connection. Never retried,
 * never a fallback, never counted against a deployment's circuit breaker; `cause` holds the
 * original error.
 */
export class InternalError extends TracegateError {
  readonly errorClass = 'internal' as const;
  readonly type = 'internal_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 500, options);
  }
}

/** Wraps anything thrown by tracegate's own code during a call (not the transport's). */
export function internalError(err: unknown): InternalError {
  const e = err as { name?: unknown; message?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new InternalError(`internal error (${name}): ${message}`, { cause: err });
}

export function isTracegateError(value: unknown): value is TracegateError {
  return value instanceof TracegateError || (typeof value === 'object' && value !== null && typeof (value as TracegateError).errorClass === 'string' && typeof (value as TracegateError).status === 'number' && value instanceof Error);
}

const REDACTED = '[REDACTED]';

/**
 * Strings shaped like well-known credentials, redacted from upstream error text even when they
 * are not in the config (a provider echoing another key, a key pasted into a prompt):
 * OpenAI/Anthropic-style `sk-…` (`sk-proj-…`, `sk-ant-…`), AWS access key ids (`AKIA…`,
 * `ASIA…`), Google API keys (`AIza…`), Groq `gsk_…`, xAI `xai-…`.
 */
const KEY_SHAPES = /\b(?:sk-[A-Za-z0-9_-]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}\b|AIza[0-9A-Za-z_-]{35}|gsk_[A-Za-z0-9]{20,}|xai-[A-Za-z0-9]{20,})/g;

const secretPatterns = new Map<string, RegExp>();

/** A secret matched case-insensitively, with any whitespace (spaces, line breaks) between its characters. */
function secretPattern(secret: string): RegExp {
  let re = secretPatterns.get(secret);
  if (!re) {
    const chars = [...secret].map((c) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
    re = new RegExp(chars.join('\\s*'), 'gi');
    if (secretPatterns.size > 1000) secretPatterns.clear();
    secretPatterns.set(secret, re);
  }
  return re;
}

/**
 * Replaces every occurrence of each secret in a string: case-insensitively and across
 * whitespace or line breaks inside it (secrets shorter than 6 chars are ignored), then anything
 * shaped like a known credential (see KEY_SHAPES).
 */
export function scrubString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.replace(secretPattern(secret), REDACTED);
  }
  return out.replace(KEY_SHAPES, REDACTED);
}

/** Deep-copies a JSON-like value with every secret replaced (objects nested past 20 levels are dropped). */
export function scrubValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value, secrets);
  if (depth > 20 && value && typeof value === 'object') return '[nested too deep to scrub]';
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, secrets, depth + 1);
    return out;
  }
  return value;
}

/** Removes secrets from an error's message and provider body, in place. */
export function scrubSecrets<E extends Error>(err: E, secrets: readonly string[]): E {
  const live = secrets.filter((s) => s && s.length >= 6);
  err.message = scrubString(err.message, live);
  if (err.stack) err.stack = scrubString(err.stack, live);
  if (err instanceof TracegateError && err.providerError !== undefined) {
    err.providerError = scrubValue(err.providerError, live);
  }
  return err;
}
