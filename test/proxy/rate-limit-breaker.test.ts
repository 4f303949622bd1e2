/**
 * A deployment that keeps answering 429 opens its breaker (rate_limit is a failure class), but
 * clients must then get 429 rate_limit_exceeded with the earliest retry time, not 503
 * circuit_open; a breaker opened by real failures still answers 503.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_ALL, PROVIDER_KEY, raw, startStack, type Stack } from './helpers.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const hi = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
const headers = { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' };

function twoDeployments(mock: Stack['mock']): Record<string, unknown> {
  const baseURL = mock.baseURL('openai');
  return {
    models: [
      { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: PROVIDER_KEY, baseURL },
      { name: 'chat', provider: 'openai', model: 'gpt-4o', apiKey: PROVIDER_KEY, baseURL },
    ],
    breaker: { consecutiveFailures: 1, cooldownMs: 60_000 },
    retry: { maxAttempts: 1 },
    keys: [{ id: 'all', key: KEY_ALL }],
  };
}

async function openBoth(stack: Stack, mini: object, big: object): Promise<void> {
  stack.mock.enqueue({ model: 'gpt-4o-mini' }, mini as never);
  stack.mock.enqueue({ model: 'gpt-4o' }, big as never);
  // One attempt per request: each request opens one deployment's breaker.
  for (let i = 0; i < 2; i++) expect((await raw(`${stack.proxy.url}/v1/chat/completions`, { headers, body: hi })).status).toBeGreaterThanOrEqual(429);
  expect(stack.mock.calls.length).toBe(2);
}

describe('every candidate rate-limited', () => {
  it('breakers opened by 429s answer 429 rate_limit_exceeded with the earliest retry, without calling upstream', async () => {
    s = await startStack(twoDeployments);
    // The providers say when to come back: 5 s and 8 s (the breakers' cooldown is 60 s).
    await openBoth(s, { kind: 'rate_limit', retryAfterSeconds: 5 }, { kind: 'rate_limit', retryAfterSeconds: 8 });
    const calls = s.mock.calls.length;
    const res = await raw(`${s.proxy.url}/v1/chat/completions`, { headers, body: hi });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    const ms = Number(res.headers.get('retry-after-ms'));
    // The earliest retry: the first provider's retry-after, which also bounds how long its breaker stays open.
    expect(ms).toBeGreaterThan(4000);
    expect(ms).toBeLessThanOrEqual(5000);
    expect(Number(res.headers.get('retry-after'))).toBe(Math.ceil(ms / 1000));
    expect(s.mock.calls.length).toBe(calls);
  });

  it('a real outage still answers 503 circuit_open, also when only one of the open breakers was a real failure', async () => {
    s = await startStack(twoDeployments);
    await openBoth(s, { kind: 'rate_limit', retryAfterSeconds: 5 }, { kind: 'server_error', status: 503 });
    const res = await raw(`${s.proxy.url}/v1/chat/completions`, { headers, body: hi });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('circuit_open');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
