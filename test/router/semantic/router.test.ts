/**
 * The semantic cache through the Router, against the `tracegate mock` server (chat answers echo
 * the last user message, embeddings are the mock's hashed word n-grams): paraphrases hit,
 * unrelated requests miss, thresholds both ways, namespaces (scope, request fields), the cases
 * never cached, TTL and size bounds, and stream replay.
 */
import dc from 'node:diagnostics_channel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, ConfigError, Router, getCallInfo, type ChatCompletionStream, type DecisionEvent } from '../../../src/index.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import type { RouterOptions } from '../../../src/router/config.js';

const KEY = 'sk-test-provider-0001';
let mock: MockServer;
const routers: Router[] = [];

beforeAll(async () => {
  mock = await startMockServer({ scenario: { defaults: { reply: { echo: true } } } });
});
afterAll(async () => {
  for (const r of routers) await r.close();
  await mock.close();
});
beforeEach(() => mock.reset());

function models(): RouterOptions['models'] {
  const baseURL = mock.baseURL('openai');
  return [
    { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL },
    { name: 'other', provider: 'openai', model: 'gpt-4o', apiKey: KEY, baseURL },
    { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: KEY, baseURL },
  ];
}

function router(semantic: Record<string, unknown>, extra: Partial<RouterOptions> = {}): Router {
  const r = new Router({ models: models(), retry: { maxAttempts: 1 }, cache: { semantic: { embeddingModel: 'embed', scope: 'global', threshold: 0.75, ...semantic } }, ...extra } as RouterOptions);
  routers.push(r);
  return r;
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'chat', messages: [{ role: 'user' as const, content }], ...extra });
const chats = () => mock.count({ operation: 'chat' });
const embeds = () => mock.count({ operation: 'embeddings' });
/** Lets a store finish (it runs after the answer is returned). */
const settle = () => new Promise((r) => setTimeout(r, 20));

const Q = 'How do I reset my password?';
const PARAPHRASE = 'how can I reset my password';
const UNRELATED = 'What is the weather in Paris today?';

function decisions(): { list: DecisionEvent[]; stop(): void } {
  const list: DecisionEvent[] = [];
  const fn = (m: unknown) => list.push(m as DecisionEvent);
  dc.subscribe(CHANNEL_NAMES.decision, fn);
  return { list, stop: () => dc.unsubscribe(CHANNEL_NAMES.decision, fn) };
}

describe('semantic cache: hits and misses', () => {
  it('a paraphrase is answered from the cache; an unrelated question is not', async () => {
    const r = router({});
    const first = await r.chat.completions.create(ask(Q));
    expect(first.choices[0]!.message.content).toBe(Q);
    expect(getCallInfo(first)!.cacheHit).toBe(false);
    await settle();
    const d = decisions();
    const second = await r.chat.completions.create(ask(PARAPHRASE));
    d.stop();
    const info = getCallInfo(second)!;
    expect(second.choices[0]!.message.content).toBe(Q); // the cached answer, not an echo of the paraphrase
    expect(info).toMatchObject({ cacheHit: true, cacheKind: 'semantic', outcome: 'cache_hit', attempts: [] });
    expect(info.semanticHit!.similarity).toBeGreaterThanOrEqual(0.75);
    expect(info.semanticHit!.similarity).toBeLessThan(1);
    expect(info.semanticHit!.savedUsd).toBeGreaterThan(0);
    const hit = d.list.find((e) => e.kind === 'cache' && e.action === 'hit');
    expect(hit?.detail).toMatchObject({ 'cache.kind': 'semantic', 'cache.threshold': 0.75 });
    expect(chats()).toBe(1);
    expect(embeds()).toBe(2); // each lookup embeds through the router's own alias
    const third = await r.chat.completions.create(ask(UNRELATED));
    expect(third.choices[0]!.message.content).toBe(UNRELATED);
    expect(getCallInfo(third)!.cacheHit).toBe(false);
    expect(chats()).toBe(2);
  });

  it('the threshold decides both ways: a strict one turns the paraphrase into a miss', async () => {
    const strict = router({ threshold: 0.97 });
    await strict.chat.completions.create(ask(Q));
    await settle();
    const d = decisions();
    const p = await strict.chat.completions.create(ask(PARAPHRASE));
    d.stop();
    expect(p.choices[0]!.message.content).toBe(PARAPHRASE);
    const miss = d.list.find((e) => e.kind === 'cache' && e.action === 'miss' && e.detail['cache.kind'] === 'semantic');
    expect(miss!.detail['cache.similarity'] as number).toBeGreaterThan(0.75);
    expect(miss!.detail['cache.similarity'] as number).toBeLessThan(0.97);
    // The exact same question still hits a strict cache.
    const again = await strict.chat.completions.create(ask(Q));
    expect(getCallInfo(again)!.cacheKind).toBe('semantic');
    expect(chats()).toBe(2);
  });

  it('a stream is stored and replayed as a stream (usage included when asked)', async () => {
    const r = router({});
    const s1 = (await r.chat.completions.create(ask(Q, { stream: true }) as never)) as unknown as ChatCompletionStream;
    let t1 = '';
    for await (const c of s1) t1 += c.choices[0]?.delta.content ?? '';
    expect(t1).toBe(Q);
    await settle();
    const s2 = (await r.chat.completions.create(ask(PARAPHRASE, { stream: true, stream_options: { include_usage: true } }) as never)) as unknown as ChatCompletionStream;
    let t2 = '';
    let chunks = 0;
    let usage = false;
    for await (const c of s2) {
      chunks++;
      t2 += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = true;
    }
    expect(t2).toBe(Q);
    expect(chunks).toBeGreaterThan(2);
    expect(usage).toBe(true);
    expect(getCallInfo(s2)).toMatchObject({ cacheHit: true, cacheKind: 'semantic', outcome: 'cache_hit' });
    // A plain call is answered from the streamed entry too.
    const plain = await r.chat.completions.create(ask(PARAPHRASE));
    expect(plain.choices[0]!.message.content).toBe(Q);
    expect(chats()).toBe(1);
  });
});

describe('semantic cache: namespaces', () => {
  it('scope key: one key never sees another key\'s answers; a call without a key is not cached', async () => {
    const r = router({ scope: 'key' });
    await r.chat.completions.create(ask(Q), { identity: { key: 'alice' } });
    await settle();
    const bob = await r.chat.completions.create(ask(Q), { identity: { key: 'bob' } });
    expect(getCallInfo(bob)!.cacheHit).toBe(false);
    const alice = await r.chat.completions.create(ask(PARAPHRASE), { identity: { key: 'alice' } });
    expect(getCallInfo(alice)!.cacheKind).toBe('semantic');
    const d = decisions();
    await r.chat.completions.create(ask(Q));
    d.stop();
    expect(d.list.find((e) => e.kind === 'cache')?.detail).toMatchObject({ 'cache.kind': 'semantic', 'cache.reason': 'no_scope_value' });
    expect(chats()).toBe(3);
  });

  it('scope team and user: shared within the team (or user), not across', async () => {
    const team = router({ scope: 'team' });
    await team.chat.completions.create(ask(Q), { identity: { key: 'k1', team: 'red' } });
    await settle();
    expect(getCallInfo(await team.chat.completions.create(ask(PARAPHRASE), { identity: { key: 'k2', team: 'red' } }))!.cacheHit).toBe(true);
    expect(getCallInfo(await team.chat.completions.create(ask(PARAPHRASE), { identity: { key: 'k3', team: 'blue' } }))!.cacheHit).toBe(false);
    const user = router({ scope: 'user' });
    await user.chat.completions.create(ask(Q, { user: 'u1' }));
    await settle();
    expect(getCallInfo(await user.chat.completions.create(ask(PARAPHRASE, { user: 'u1' })))!.cacheHit).toBe(true);
    expect(getCallInfo(await user.chat.completions.create(ask(PARAPHRASE, { user: 'u2' })))!.cacheHit).toBe(false);
  });

  it('every request field other than the messages splits namespaces (alias, temperature, tools, response_format)', async () => {
    const r = router({}, { cache: { semantic: { embeddingModel: 'embed', scope: 'global', threshold: 0.75 } } });
    await r.chat.completions.create(ask(Q, { temperature: 0.2 }));
    await settle();
    const miss = async (p: Record<string, unknown>) => expect(getCallInfo(await r.chat.completions.create(p as never))!.cacheHit).toBe(false);
    await miss(ask(PARAPHRASE, { temperature: 0.3 }));
    await miss(ask(PARAPHRASE, { temperature: 0.2, response_format: { type: 'json_object' } }));
    await miss(ask(PARAPHRASE, { temperature: 0.2, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] }));
    await miss({ ...ask(PARAPHRASE, { temperature: 0.2 }), model: 'other' });
    expect(getCallInfo(await r.chat.completions.create(ask(PARAPHRASE, { temperature: 0.2, stream: false })))!.cacheHit).toBe(true);
  });
});

describe('semantic cache: never cached', () => {
  it('n > 1, tool results, temperature above the bound, non-text content, and a caller opting out', async () => {
    const r = router({ maxTemperature: 0.5 });
    const d = decisions();
    const reasons = async (p: Record<string, unknown>, options = {}) => {
      d.list.length = 0;
      await r.chat.completions.create(p as never, options);
      return d.list.filter((e) => e.kind === 'cache' && e.detail['cache.kind'] === 'semantic').map((e) => `${e.action}:${e.detail['cache.reason'] ?? ''}`);
    };
    await r.chat.completions.create(ask(Q, { temperature: 0 }));
    await settle();
    expect(await reasons(ask(Q, { temperature: 0, n: 2 }))).toEqual(['skip:n']);
    expect(await reasons(ask(Q, { temperature: 0.9 }))).toEqual(['skip:temperature']);
    expect(await reasons(ask(Q))).toEqual(['skip:temperature']); // no temperature counts as 1
    const toolTurn = {
      model: 'chat',
      temperature: 0,
      messages: [
        { role: 'user', content: Q },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
      ],
    };
    expect(await reasons(toolTurn)).toEqual(['skip:tool_results']);
    const image = { model: 'chat', temperature: 0, messages: [{ role: 'user', content: [{ type: 'text', text: Q }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] };
    expect(await reasons(image)).toEqual(['skip:non_text_content']);
    expect(await reasons(ask(Q, { temperature: 0 }), { cache: false })).toEqual([]);
    d.stop();
    expect(embeds()).toBe(1);
    expect(chats()).toBe(7);
  });

  it('an embeddings failure is a miss (the call still answers), and nothing is stored', async () => {
    const r = router({});
    mock.enqueue({ operation: 'embeddings' }, { kind: 'server_error', status: 500 });
    const a = await r.chat.completions.create(ask(Q));
    expect(a.choices[0]!.message.content).toBe(Q);
    await settle();
    expect(getCallInfo(await r.chat.completions.create(ask(Q)))!.cacheHit).toBe(false);
  });
});

describe('semantic cache: bounds', () => {
  it('an entry expires after ttlMs', async () => {
    let now = 1_000_000;
    const r = router({ ttlMs: 60_000 }, { clock: { now: () => now } });
    await r.chat.completions.create(ask(Q));
    await settle();
    now += 59_000;
    expect(getCallInfo(await r.chat.completions.create(ask(PARAPHRASE)))!.cacheHit).toBe(true);
    now += 2_000;
    expect(getCallInfo(await r.chat.completions.create(ask(PARAPHRASE)))!.cacheHit).toBe(false);
  });

  it('a namespace keeps at most maxEntries (the oldest goes first)', async () => {
    const r = router({ maxEntries: 2, threshold: 0.95 });
    for (const q of ['alpha bravo charlie', 'delta echo foxtrot', 'golf hotel india']) {
      await r.chat.completions.create(ask(q));
      await settle();
    }
    expect(chats()).toBe(3);
    expect(getCallInfo(await r.chat.completions.create(ask('golf hotel india')))!.cacheHit).toBe(true);
    expect(getCallInfo(await r.chat.completions.create(ask('delta echo foxtrot')))!.cacheHit).toBe(true);
    expect(getCallInfo(await r.chat.completions.create(ask('alpha bravo charlie')))!.cacheHit).toBe(false);
  });
});

describe('semantic cache: configuration', () => {
  it('per alias: on for one alias, off for another; bad references are typed errors', () => {
    const r = router({}, { cache: { semantic: { embeddingModel: 'embed' }, perAlias: { other: { semantic: false }, chat: { semantic: { threshold: 0.8, scope: 'team' } } } } });
    expect(Object.keys(r.policies.semanticCache).sort()).toEqual(['chat']);
    expect(r.policies.semanticCache.chat).toMatchObject({ embeddingModel: 'embed', threshold: 0.8, scope: 'team', text: 'last-user', maxTemperature: 1 });
    const bad = (cache: unknown) => () => new Router({ models: models(), cache } as RouterOptions);
    expect(bad({ semantic: { embeddingModel: 'nope' } })).toThrow(ConfigError);
    expect(bad({ semantic: { embeddingModel: 'nope' } })).toThrow(/cache\.semantic\.embeddingModel: unknown alias "nope"/);
    expect(bad({ semantic: {} })).toThrow(/embeddingModel/);
    expect(bad({ perAlias: { ghost: { semantic: { embeddingModel: 'embed' } } } })).toThrow(/cache\.perAlias\.ghost/);
    expect(bad({ semantic: { embeddingModel: 'embed', threshold: 2 } })).toThrow(ConfigError);
    expect(bad({ semantic: { embeddingModel: 'embed', scope: 'everyone' } })).toThrow(ConfigError);
  });

  it('text: all-messages embeds the whole conversation (another system prompt is another question)', async () => {
    const r = router({ text: 'all-messages' });
    const conv = (system: string, user: string) => ({ model: 'chat', messages: [{ role: 'system' as const, content: system }, { role: 'user' as const, content: user }] });
    await r.chat.completions.create(conv('You are a helpful support agent.', Q));
    await settle();
    expect(getCallInfo(await r.chat.completions.create(conv('You are a helpful support agent.', PARAPHRASE)))!.cacheHit).toBe(true);
    expect(getCallInfo(await r.chat.completions.create(conv('Answer only in French, tersely, with citations to the manual.', PARAPHRASE)))!.cacheHit).toBe(false);
  });
});
