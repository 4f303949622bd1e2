/**
 * Bedrock errors → typed errors. The error name comes from the `x-amzn-errortype` header
 * (`ThrottlingException:http://internal.amazon.com/...`), the body's `__type`, or, inside a
 * ConverseStream, the `:exception-type` header (`throttlingException`). The name decides the class:
 * throttling → RateLimitError; validation → BadRequestError, or ContextWindowExceededError /
 * ContentPolicyError by message; access denied → PermissionDeniedError; bad or expired signatures
 * → AuthenticationError; model not ready, service unavailable, internal, model-stream and model
 * errors → UpstreamUnavailableError.
 */
import { UpstreamUnavailableError, type TracegateError } from '../../errors.js';
import { headerOf } from '../../http/transport.js';
import { classifyByStatus, type ExtractedError } from '../classify.js';
import { asRecord, asString } from '../decode-util.js';
import type { AdapterContext, UpstreamError } from '../types.js';

/** Error names (lower-cased) → the status that classifies them. */
const NAME_STATUS: Record<string, number> = {
  throttlingexception: 429,
  toomanyrequestsexception: 429,
  servicequotaexceededexception: 429,
  validationexception: 400,
  serializationexception: 400,
  accessdeniedexception: 403,
  unrecognizedclientexception: 401,
  invalidsignatureexception: 401,
  incompletesignatureexception: 401,
  missingauthenticationtokenexception: 401,
  expiredtokenexception: 401,
  invalidclienttokenid: 401,
  resourcenotfoundexception: 404,
  conflictexception: 409,
  modelnotreadyexception: 503,
  serviceunavailableexception: 503,
  internalserverexception: 500,
  modelerrorexception: 502,
  modelstreamerrorexception: 502,
  modeltimeoutexception: 504,
};

/** `ThrottlingException:http://internal…` or `com.amazon.coral#ThrottlingException` → `ThrottlingException`. */
export function errorName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const name = raw.split(':')[0]!.split('#').pop()!.trim();
  return name || undefined;
}

export function extractBedrockError(err: UpstreamError, name: string | undefined): ExtractedError {
  const body = asRecord(err.body);
  const message = asString(body?.message) ?? asString(body?.Message) ?? (err.text.slice(0, 500) || `HTTP ${err.status}`);
  const out: ExtractedError = { message };
  if (name) {
    out.type = name;
    out.code = name.toLowerCase();
  }
  return out;
}

function classify(err: UpstreamError, name: string | undefined, ctx: AdapterContext): TracegateError {
  const extracted = extractBedrockError(err, name);
  const byName = name ? NAME_STATUS[name.toLowerCase()] : undefined;
  const status = byName ?? (err.status >= 400 ? err.status : 500);
  if (byName !== undefined && byName >= 500) {
    const d = ctx.deployment;
    return new UpstreamUnavailableError(`${d.provider} ${name}: ${extracted.message}`, {
      status: err.status >= 400 ? err.status : byName,
      provider: d.provider,
      deployment: d.id,
      model: d.model,
      providerError: err.body,
      code: extracted.code ?? null,
    });
  }
  return classifyByStatus({ ...err, status }, extracted, ctx);
}

export function classifyBedrockError(err: UpstreamError, ctx: AdapterContext): TracegateError {
  const name = errorName(headerOf(err.headers, 'x-amzn-errortype')) ?? errorName(asString(asRecord(err.body)?.__type));
  return classify(err, name, ctx);
}

/** An exception message inside a ConverseStream (`:message-type: exception` or `error`). */
export function bedrockStreamError(name: string | undefined, payload: unknown, data: string, ctx: AdapterContext): TracegateError {
  return classify({ status: 200, headers: {}, body: payload, text: data }, name, ctx);
}
