/**
 * What a scripted step means for one dialect: the neutral error it produces (with retry
 * headers), or the body fault applied while sending an answer.
 */
import type { Dialect, ErrorSpec, RequestView } from './dialects/types.js';
import { kindForStatus } from './dialects/types.js';
import type { DialectName, Step } from './scenario/schema.js';
import type { BodyFault } from './transport/deliver.js';

export interface StepError {
  spec: ErrorSpec;
  headers: Record<string, string>;
}

type RetryFields = { retryAfterSeconds?: number; retryAfterMs?: number; retryAfterDate?: string | number };

/** `retry-after` (seconds or HTTP-date) and `retry-after-ms`, as the step asks. */
export function retryHeaders(step: RetryFields): Record<string, string> {
  const headers: Record<string, string> = {};
  if (step.retryAfterSeconds !== undefined) headers['retry-after'] = String(step.retryAfterSeconds);
  if (step.retryAfterDate !== undefined) headers['retry-after'] = httpDate(step.retryAfterDate);
  if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
  return headers;
}

function httpDate(value: string | number): string {
  const date = typeof value === 'number' ? new Date(Date.now() + value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toUTCString();
}

/** The delay a step asks for, in seconds (Gemini's RetryInfo). */
function retrySeconds(step: RetryFields): number | undefined {
  if (step.retryAfterSeconds !== undefined) return step.retryAfterSeconds;
  if (step.retryAfterMs !== undefined) return step.retryAfterMs / 1000;
  if (step.retryAfterDate !== undefined) {
    const at = typeof step.retryAfterDate === 'number' ? Date.now() + step.retryAfterDate * 1000 : Date.parse(step.retryAfterDate);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  return undefined;
}

/** Content policy by default: an error where the provider errors (OpenAI, Azure), a filtered answer elsewhere. */
export function contentPolicyMode(step: Extract<Step, { kind: 'content_policy' }>, dialect: DialectName): 'error' | 'finish' | 'prompt' {
  const mode = step.mode ?? (dialect === 'openai' || dialect === 'azure' ? 'error' : 'finish');
  // OpenAI-style APIs have no blocked-prompt answer: a blocked prompt is an error there.
  return mode === 'prompt' && (dialect === 'openai' || dialect === 'azure') ? 'error' : mode;
}

/** The error a step produces, or undefined when the step ends in an answer. */
export function stepError(step: Step, dialect: DialectName, view: RequestView): StepError | undefined {
  const base = { model: view.model };
  switch (step.kind) {
    case 'status':
      if (step.body !== undefined) return undefined;
      return { spec: { ...base, kind: kindForStatus(step.status), status: step.status, message: step.message, errorType: step.errorType }, headers: { ...step.headers } };
    case 'rate_limit':
      return {
        spec: { ...base, kind: 'rate_limit', message: step.message, errorType: step.errorType, retryAfterSeconds: retrySeconds(step) },
        headers: { ...retryHeaders(step), ...step.headers },
      };
    case 'server_error': {
      const status = step.status ?? 500;
      return { spec: { ...base, kind: kindForStatus(status), status, message: step.message, errorType: step.errorType }, headers: { ...step.headers } };
    }
    case 'overloaded':
      return { spec: { ...base, kind: 'overloaded', message: step.message, errorType: step.errorType }, headers: { ...retryHeaders(step), ...step.headers } };
    case 'bad_request':
      return { spec: { ...base, kind: 'bad_request', message: step.message, errorType: step.errorType, param: step.param }, headers: { ...step.headers } };
    case 'context_window':
      return {
        spec: { ...base, kind: 'context_window', message: step.message, errorType: step.errorType, tokens: step.tokens, maxTokens: step.maxTokens },
        headers: { ...step.headers },
      };
    case 'auth':
      return { spec: { ...base, kind: 'auth', status: step.status, message: step.message, errorType: step.errorType }, headers: { ...step.headers } };
    case 'content_policy':
      if (contentPolicyMode(step, dialect) !== 'error') return undefined;
      return { spec: { ...base, kind: 'content_policy', message: step.message, errorType: step.errorType }, headers: { ...step.headers } };
    case 'stream_error':
      // Before a stream has started there is nothing to break: a plain server error.
      if (view.stream) return undefined;
      return { spec: { ...base, kind: 'server', message: step.message, errorType: step.errorType }, headers: { ...step.headers } };
    default:
      return undefined;
  }
}

/** The fault applied while the body is sent, if the step is one. */
export function bodyFault(step: Step, dialect: Dialect): BodyFault | undefined {
  switch (step.kind) {
    case 'stall':
    case 'cut':
    case 'malformed':
      return { kind: step.kind, afterChunks: step.afterChunks ?? 1 };
    case 'stream_error':
      return { kind: 'stream_error', afterChunks: step.afterChunks ?? 1, events: dialect.streamError({ kind: 'server', message: step.message, errorType: step.errorType }) };
    default:
      return undefined;
  }
}
