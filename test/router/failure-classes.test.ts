/**
 * Classify by what failed (issue 11, item 1): a failure of tracegate's own code (a TypeError in
 * an adapter, a stack overflow) or of the caller's request (nesting too deep) is never a
 * connection error, never retried, never counted against the deployment's breaker. Over real
 * HTTP against `tracegate mock`; the transport classifier also directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConnectionError, InternalError, Router, TimeoutError, getCallInfo } from '../../src/index.js';
import { AttemptSignal } from '../../src/http/attempt-signal.js';
import { isTransportFailure, mapTransportError } from '../../src/http/transport.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { getProvider, registerProvider } from '../../src/providers/registry.js';
import { scrubString } from '../../src/errors.js';
import { FAKE_KEY } from '../helpers/fixtures.js';

let mock: MockServer;
const messages = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  mock = await startMockServer();
  const openai = getProvider('openai');
  registerProvider({
    ...openai,
    id: 'openai-buggy-decoder',
    chatResponse: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'choices')");
    },
  });
});
afterAll(() => mock.close());

function router(provider = 'openai', extra: Record<string, unknown> = {}): Router {
  return new Router({
    models: [{ name: 'chat', provider, model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: mock.baseURL('openai') }],
    retry: { maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 1 },
    breaker: { consecutiveFailures: 1, cooldownMs: 60_000 },
    ...extra,
  });
}

async function breakerState(r: Router): Promise<string> {
  return (await r.breakerStates())[0]!.state;
}

describe('errors that are not transport errors', () => {
  it('a TypeError in an adapter is an InternalError: one attempt, breaker closed', async () => {
    const r = router('openai-buggy-decoder');
    mock.reset();
    const err = await r.chat.completions.create({ model: 'chat', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect((err as InternalError).status).toBe(500);
    expect(getCallInfo(err)?.attempts).toHaveLength(1);
    expect(mock.calls.length).toBe(1);
    expect(await breakerState(r)).toBe('closed');
  });

  it('a 10,000-deep request is a 400 before any upstream call; the router still serves', async () => {
    const r = router();
    mock.reset();
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    for (let i = 0; i < 3; i++) {
      const err = await r.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi', extra: deep }] } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).code).toBe('nesting_too_deep');
      expect((err as BadRequestError).param).toBe('messages');
    }
    const embed = await r.embeddings.create({ model: 'chat', input: deep as never }).catch((e: unknown) => e);
    expect((embed as BadRequestError).code).toBe('nesting_too_deep');
    expect(mock.calls.length).toBe(0);
    expect(await breakerState(r)).toBe('closed');
    const ok = await r.chat.completions.create({ model: 'chat', messages });
    expect(ok.object).toBe('chat.completion');
  });

  it('maxRequestDepth is configurable', async () => {
    const r = router('openai', { maxRequestDepth: 8 });
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 4; i++) schema = { type: 'object', properties: { x: schema } };
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: schema } }];
    const err = await r.chat.completions.create({ model: 'chat', messages, tools }).catch((e: unknown) => e);
    expect((err as BadRequestError).message).toContain('limit of 8 levels');
    expect((err as BadRequestError).param).toBe('tools');
    expect(() => router('openai', { maxRequestDepth: 2 })).toThrow(/maxRequestDepth/);
  });
});

describe('the transport classifier', () => {
  const signal = () => new AttemptSignal(undefined, Date.now() + 10_000, 10_000);

  it('network and undici errors are transport failures; our own errors are not', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    const undici = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    for (const e of [reset, undici, tls]) {
      expect(isTransportFailure(e)).toBe(true);
      expect(mapTransportError(e, signal(), 1000)).toBeInstanceOf(ConnectionError);
    }
    const connectTimeout = Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(mapTransportError(connectTimeout, signal(), 1000)).toBeInstanceOf(TimeoutError);
    const invalidArg = Object.assign(new TypeError('invalid header value'), { code: 'UND_ERR_INVALID_ARG' });
    for (const e of [new RangeError('Maximum call stack size exceeded'), new TypeError('x is not a function'), new SyntaxError('Unexpected token'), invalidArg, 'a string']) {
      expect(isTransportFailure(e)).toBe(false);
      const mapped = mapTransportError(e, signal(), 1000);
      expect(mapped).toBeInstanceOf(InternalError);
      expect(mapped.errorClass).toBe('internal');
    }
  });
});

describe('scrubString', () => {
  it('redacts configured secrets case-insensitively and across whitespace, and key-shaped strings', () => {
    const secret = 'AbCdEf-secret-123456';
    const text = `k=${secret.toLowerCase()} k2=${secret.slice(0, 5)}\r\n\t${secret.slice(5)} sk-proj-ABCDEFGHIJKLMNOPQRST AKIAABCDEFGHIJKLMNOP keep-this`;
    const out = scrubString(text, [secret]);
    expect(out).toBe('k=[REDACTED] k2=[REDACTED] [REDACTED] [REDACTED] keep-this');
    expect(scrubString('short sk-abc and sk-prefix words', [])).toBe('short sk-abc and sk-prefix words');
  });
});
