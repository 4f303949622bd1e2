/**
 * Budgets hold when the real usage is far above a naive estimate: the prompt estimate is
 * script-aware (CJK ≈ 1 token per character), so concurrent CJK calls stay within the bound
 * docs/router.md promises (limit + one reservation + the under-estimate of the reservations in
 * flight, which is 0 here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, StreamInterruptedError, getCallInfo } from '../../src/index.js';
import { estimateChatPromptTokens, textTokens } from '../../src/router/token-estimate.js';
import { FAST, entries, makeRouter } from './helpers/router.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

const CJK = '我们需要检查订单状态并且回复客户的问题。'.repeat(200); // 4,000 characters

describe('script-aware prompt estimate', () => {
  it('counts CJK, Thai, Hangul and emoji about one token per character, Latin four characters per token', () => {
    expect(textTokens('a'.repeat(400))).toBe(100);
    expect(textTokens(CJK)).toBe(4000);
    expect(textTokens('สวัสดีครับ')).toBe(10);
    expect(textTokens('안녕하세요')).toBe(5);
    expect(textTokens('こんにちは、世界')).toBe(8);
    expect(textTokens('😀😀')).toBe(4);
    expect(textTokens('Привет, мир')).toBe(Math.ceil(9 / 2) + Math.ceil(2 / 4));
    expect(textTokens('hello 世界')).toBe(Math.ceil(6 / 4) + 2);
    expect(estimateChatPromptTokens({ messages: [{ role: 'user', content: CJK }] })).toBe(3 + 4 + 4000);
  });
});

describe('budgets under real usage above the old estimate', () => {
  it('100 concurrent 4,000-character CJK prompts spend at most limit + one reservation', async () => {
    const usage = { prompt_tokens: 4000, completion_tokens: 10 }; // what a real tokenizer counts for CJK
    up.script('cjk', ...Array.from({ length: 100 }, () => ({ kind: 'ok' as const, delayMs: 30, usage })));
    const limit = 0.02;
    const r = makeRouter({ models: entries(up, 'a', ['cjk']), ...FAST, budgets: [{ scope: 'key', limitUsd: limit, window: 'day' }] });
    const req = { model: 'a', max_tokens: 10, messages: [{ role: 'user' as const, content: CJK }] };
    const reservation = ((3 + 4 + 4000) * 1 + 10 * 2) / 1e6; // at 1 $/M in, 2 $/M out
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => r.chat.completions.create(req, { identity: { key: 'k' } })));
    const ok = results.filter((x) => x.status === 'fulfilled') as PromiseFulfilledResult<object>[];
    for (const x of results) if (x.status === 'rejected') expect(x.reason).toBeInstanceOf(BudgetExceededError);
    let spent = 0;
    for (const x of ok) spent += getCallInfo(x.value)!.totalCostUsd!;
    expect(spent).toBeGreaterThan(limit - reservation);
    expect(spent).toBeLessThanOrEqual(limit + reservation + 1e-9);
    expect(await r.budgets.usage(r.policies.budgets[0]!, 'k')).toBeCloseTo(spent, 9);
    await r.close();
  });
});

describe('a stream that times out is charged', () => {
  it('an idle timeout after content: the budget is charged the estimate of prompt + text received', async () => {
    // Two 400-character pieces, then silence: the idle timer (300 ms) ends the stream.
    up.script('stall', { kind: 'stream', parts: ['a'.repeat(400), 'b'.repeat(400), 'never'], stallAfter: 2 });
    const r = makeRouter({ models: entries(up, 'a', ['stall']), ...FAST, budgets: [{ scope: 'key', limitUsd: 1, window: 'day' }] });
    const stream = await r.chat.completions.create({ model: 'a', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { identity: { key: 't' } });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    })().catch((e) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as StreamInterruptedError).cause).toMatchObject({ errorClass: 'timeout' });
    expect(text).toBe('a'.repeat(400) + 'b'.repeat(400));
    const attempt = getCallInfo(stream)!.attempts[0]!;
    expect(attempt).toMatchObject({ errorClass: 'stream_interrupted', usageEstimated: true, usage: { prompt_tokens: 8, completion_tokens: 200, total_tokens: 208 } });
    const cost = (8 * 1 + 200 * 2) / 1e6; // at 1 $/M in, 2 $/M out
    expect(attempt.cost!.total).toBeCloseTo(cost, 12);
    expect(await r.budgets.usage(r.policies.budgets[0]!, 't')).toBeCloseTo(cost, 12);
    await r.close();
  });
});
