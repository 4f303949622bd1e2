/**
 * Aborting a stream does not make it free: a client that aborts every stream just before its
 * end (before the provider's usage chunk) is charged the estimate of what it received, so its
 * budget stops admitting after about as many streams as a client that reads them to the end.
 */
import dc from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type CallEvent } from '../../src/channels.js';
import { KEY_ALL, KEY_FAST, startStack, type Stack } from './helpers.js';

let s: Stack;
const settled: CallEvent[] = [];
const onSettled = (e: unknown) => settled.push(e as CallEvent);
const callChannel = dc.tracingChannel(CHANNEL_NAMES.call);

const CHUNKS = 8;
beforeAll(async () => {
  s = await startStack({
    // 0.002 USD per key; a stream of 2,000 characters costs about 0.0003 USD at gpt-4o-mini's price.
    budgets: [{ scope: 'key', limitUsd: 0.002, window: 'day' }],
    timeouts: { connectMs: 1000, firstTokenMs: 3000, idleMs: 3000, totalMs: 10_000 },
  });
  callChannel.subscribe({ asyncEnd: onSettled } as never);
});
afterEach(() => {
  settled.length = 0;
});
afterAll(async () => {
  callChannel.unsubscribe({ asyncEnd: onSettled } as never);
  await s.close();
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Streams until the key's budget refuses one; returns how many were admitted (at most 30). */
async function admittedUntilRefused(key: string, abortBeforeEnd: boolean): Promise<number> {
  const client = s.client(key);
  for (let n = 0; n < 30; n++) {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: 'word '.repeat(400) }, stream: { chunks: CHUNKS, delayMs: 5 } });
    const before = settled.length;
    let stream;
    try {
      stream = await client.chat.completions.create({ model: 'chat', max_tokens: 600, stream: true, messages: [{ role: 'user', content: 'Tell me a story' }] });
    } catch (err) {
      expect((err as { status?: number }).status).toBe(429);
      expect((err as { code?: string }).code).toBe('budget_exceeded');
      s.mock.reset();
      return n;
    }
    let pieces = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) pieces++;
        if (abortBeforeEnd && pieces === CHUNKS - 1) stream.controller.abort();
      }
    } catch {
      /* aborted */
    }
    // The proxy settles the call (and its budget) once it sees the stream end.
    await until(() => settled.length > before);
  }
  return 30;
}

describe('aborted streams are charged', () => {
  it('a key aborting each stream before the end is refused after about as many streams as one reading to the end', async () => {
    const full = await admittedUntilRefused(KEY_ALL, false);
    settled.length = 0;
    const aborted = await admittedUntilRefused(KEY_FAST, true);
    expect(full).toBeGreaterThanOrEqual(5);
    expect(full).toBeLessThanOrEqual(8);
    expect(aborted).toBeGreaterThanOrEqual(full);
    expect(aborted).toBeLessThanOrEqual(full + 2);
    const usage = (id: string) => s.proxy.router.budgets.usage(s.proxy.router.policies.budgets[0]!, id);
    // Both spent about the limit; the aborting key was charged estimates, never nothing.
    expect(await usage('all')).toBeGreaterThan(0.0018);
    expect(await usage('fast')).toBeGreaterThan(0.0015);
    // Each aborted call's attempt carries the estimated usage and cost it was charged.
    const streamed = settled.filter((c) => c.info.outcome !== 'budget_rejected');
    expect(streamed.length).toBe(aborted);
    for (const call of streamed) {
      expect(call.streamOutcome).toBe('aborted');
      expect(call.info.attempts[0]).toMatchObject({ usageEstimated: true, usage: { completion_tokens: expect.any(Number) } });
      expect(call.info.attempts[0]!.usage!.completion_tokens).toBeGreaterThan(300); // 7 of 8 pieces of ~500 tokens
      expect(call.info.attempts[0]!.cost!.total).toBeGreaterThan(0);
    }
  });
});
