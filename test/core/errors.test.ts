import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  RateLimitError,
  StreamInterruptedError,
  TimeoutError,
  TracegateError,
  UpstreamUnavailableError,
  scrubSecrets,
} from '../../src/errors.js';

describe('typed errors', () => {
  it('carry status, class, OpenAI type and an error body', () => {
    const e = new RateLimitError('slow down', { provider: 'openai', deployment: 'fast#0', retryAfterMs: 1200, providerError: { error: { message: 'x' } } });
    expect(e).toBeInstanceOf(TracegateError);
    expect(e.status).toBe(429);
    expect(e.errorClass).toBe('rate_limit');
    expect(e.retryAfterMs).toBe(1200);
    expect(e.toErrorBody()).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: null } });
    expect(e.name).toBe('RateLimitError');
  });

  it('keep the upstream status on 5xx and 529', () => {
    expect(new UpstreamUnavailableError('overloaded', { status: 529 }).status).toBe(529);
  });

  it('timeouts say which phase expired', () => {
    const e = new TimeoutError('first_token', 500);
    expect(e.kind).toBe('first_token');
    expect(e.code).toBe('first_token_timeout');
    expect(e.message).toContain('first token');
  });

  it('a stream interruption says how much was delivered and keeps the cause', () => {
    const cause = new TimeoutError('idle', 100, { provider: 'openai' });
    const e = new StreamInterruptedError(cause, { chunks: 3, contentChars: 12, toolCalls: 0 });
    expect(e.delivered.chunks).toBe(3);
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('3 chunk');
  });

  it('scrubSecrets removes a key from message, stack and provider body', () => {
    const key = 'sk-live-abcdef123456';
    const e = new AuthenticationError(`bad key ${key}`, { providerError: { error: { message: `Incorrect API key provided: ${key}` }, list: [key] } });
    scrubSecrets(e, [key]);
    expect(JSON.stringify({ m: e.message, s: e.stack, b: e.providerError })).not.toContain(key);
    expect(e.message).toContain('[REDACTED]');
  });
});
