/**
 * Aliases sharing an upstream host do not starve each other: with a small connection pool to the
 * mock's origin, slow requests on alias `slow` (capped by `maxInFlight`) leave connections for
 * alias `fast` on the same host; requests past the cap get a fast 429 `max_in_flight`.
 */
import dc from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type AttemptEvent } from '../../src/channels.js';
import { KEY_ALL, PROVIDER_KEY, raw, startStack, type Stack } from './helpers.js';

let s: Stack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const headers = { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' };
const ask = (model: string, signal?: AbortSignal) =>
  fetch(`${s!.proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    ...(signal ? { signal } : {}),
  });

describe('per-deployment in-flight cap and pool size', () => {
  it('slow requests on one alias at its cap do not delay another alias on the same host', async () => {
    s = await startStack((mock) => {
      const baseURL = mock.baseURL('openai');
      return {
        // Three connections to the mock's origin, shared by both aliases' deployments.
        connections: 3,
        models: [
          { name: 'slow', provider: 'openai', model: 'gpt-4o', apiKey: PROVIDER_KEY, baseURL, maxInFlight: 2 },
          { name: 'fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: PROVIDER_KEY, baseURL },
        ],
        keys: [{ id: 'all', key: KEY_ALL }],
        retry: { maxAttempts: 1 },
        timeouts: { connectMs: 1000, firstTokenMs: 20_000, idleMs: 20_000, totalMs: 30_000 },
      };
    });
    for (let i = 0; i < 6; i++) s.mock.enqueue({ model: 'gpt-4o' }, { kind: 'hang' });
    const stop = new AbortController();
    const slow = Array.from({ length: 6 }, () => ask('slow', stop.signal).then((r) => r.status, () => 'aborted' as const));
    // Two reach the mock and hang there; the four others are refused at once, without an upstream call.
    const refused = await Promise.all(slow.slice(2));
    expect(refused).toEqual([429, 429, 429, 429]);
    const r429 = await raw(`${s.proxy.url}/v1/chat/completions`, { headers, body: JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(r429.status).toBe(429);
    expect(r429.body.error).toMatchObject({ type: 'rate_limit_error', code: 'max_in_flight' });
    expect(Number(r429.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The fast alias is served while both slow requests still hold their connections.
    let slowDone = false;
    void Promise.all(slow.slice(0, 2)).then(() => (slowDone = true));
    const fast = await ask('fast', AbortSignal.timeout(10_000));
    expect(fast.status).toBe(200);
    expect(slowDone).toBe(false);
    expect(s.mock.calls.filter((c) => c.model === 'gpt-4o')).toHaveLength(2);
    stop.abort();
    expect(await Promise.all(slow.slice(0, 2))).toEqual(['aborted', 'aborted']);
  });

  it('the pool size per origin is configurable: without a cap, two hanging requests hold a two-connection pool', async () => {
    s = await startStack((mock) => {
      const baseURL = mock.baseURL('openai');
      return {
        models: [
          { name: 'slow', provider: 'openai', model: 'gpt-4o', apiKey: PROVIDER_KEY, baseURL, connections: 2 },
          { name: 'fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: PROVIDER_KEY, baseURL, connections: 2 },
        ],
        keys: [{ id: 'all', key: KEY_ALL }],
        retry: { maxAttempts: 1 },
        timeouts: { connectMs: 1000, firstTokenMs: 20_000, idleMs: 20_000, totalMs: 30_000 },
      };
    });
    s.mock.enqueue({ model: 'gpt-4o' }, { kind: 'hang' }, { kind: 'hang' });
    const stop = new AbortController();
    const slow = [ask('slow', stop.signal).catch(() => 'aborted'), ask('slow', stop.signal).catch(() => 'aborted')];
    while (s.mock.calls.length < 2) await new Promise((r) => setTimeout(r, 5));
    const started: AttemptEvent[] = [];
    const onStart = (e: unknown) => started.push(e as AttemptEvent);
    const attempts = dc.tracingChannel(CHANNEL_NAMES.attempt);
    attempts.subscribe({ start: onStart } as never);
    try {
      const fast = ask('fast', AbortSignal.timeout(10_000));
      while (started.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 200));
      expect(s.mock.calls).toHaveLength(2); // the fast attempt waits for a connection
      stop.abort(); // a slow request gives its connection back
      expect((await fast).status).toBe(200);
      expect(s.mock.calls.filter((c) => c.model === 'gpt-4o-mini')).toHaveLength(1);
      await Promise.all(slow);
    } finally {
      attempts.unsubscribe({ start: onStart } as never);
    }
  });
});
