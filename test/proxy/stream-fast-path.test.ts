/**
 * The proxy writes a streamed chunk's upstream text when decoding changed nothing
 * (src/wire/chunk-text.ts) instead of serializing the parsed chunk again. What clients receive
 * must not change: each recorded and crafted OpenAI-wire stream below goes through the proxy
 * (HTTP, from the mock replaying it) and through the router in-process, whose chunks serialized
 * the way the proxy did before (`usage: null` appended under include_usage) are the reference.
 * Compact upstream JSON must come out byte for byte as the reference, with and without
 * include_usage; chunks that need patching (finish reason, missing `object`, `reasoning`, tool
 * calls without index, usage on a content chunk, `usage` not last) must be the patched ones.
 */
import dc from 'node:diagnostics_channel';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type CallEvent } from '../../src/channels.js';
import { Router } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { proxyConfigFromObject, silentLogger, startProxy, type ProxyServer } from '../../src/proxy/index.js';

const KEY = 'sk-client-fastpath-0001';
const FIXTURES = 'test/fixtures/providers';

/** Chunks needing each of the decoder's patches, between chunks that need none. */
const PATCHED = [
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}',
  '{"id":"c1","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"no object"},"finish_reason":null}],"usage":null}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning":"thinking"},"finish_reason":null}],"usage":null}',
  '{"id":"c1","object":"chat.completion.chunk","usage":null,"created":1,"model":"m","choices":[{"index":0,"delta":{"content":"usage not last"},"finish_reason":null}]}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"quote \\" and \\\\ and é ✓"},"finish_reason":null}]}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","function":{"name":"f","arguments":{"a":1}}}]},"finish_reason":null}],"usage":null}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"","choices":[{"index":0,"delta":{"content":"no model"},"finish_reason":null}],"usage":null}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"eos"}],"usage":{"prompt_tokens":3,"completion_tokens":4}}',
];

/** Not compact: whitespace and escapes JSON.stringify would not write; forwarded as the same JSON value. */
const SPACED = [
  '{"id": "c2", "object": "chat.completion.chunk", "created": 2, "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "caf\\u00e9 \\/ ok"}, "finish_reason": null}], "usage": null}',
  '{"id": "c2", "object": "chat.completion.chunk", "created": 2, "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": null}',
  '{"id": "c2", "object": "chat.completion.chunk", "created": 2, "model": "m", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 6, "total_tokens": 11}}',
];

/** alias → fixture (family openai-compatible speaks the OpenAI wire); `compact`: byte-identical expected. */
const CASES: { alias: string; fixture: string; compact: boolean; usage: { prompt_tokens: number; completion_tokens: number } }[] = [
  { alias: 'openai-text', fixture: 'openai-text', compact: true, usage: { prompt_tokens: 16, completion_tokens: 300 } },
  { alias: 'groq-tool', fixture: 'groq-tool-call', compact: true, usage: { prompt_tokens: 210, completion_tokens: 15 } },
  { alias: 'mistral-text', fixture: 'mistral-text', compact: true, usage: { prompt_tokens: 13, completion_tokens: 8 } },
  { alias: 'deepseek-tool', fixture: 'deepseek-tool-call', compact: true, usage: { prompt_tokens: 339, completion_tokens: 83 } },
  { alias: 'mock-usage-last', fixture: 'usage-last', compact: true, usage: { prompt_tokens: 7, completion_tokens: 20 } },
  { alias: 'patched', fixture: 'patched', compact: true, usage: { prompt_tokens: 3, completion_tokens: 4 } },
  { alias: 'spaced', fixture: 'spaced', compact: false, usage: { prompt_tokens: 5, completion_tokens: 6 } },
];

/** A stream as the bench mock sends it: `usage: null` last on every chunk, then the usage chunk. */
function usageLastStream(): string[] {
  const base = { id: 'chatcmpl-u', object: 'chat.completion.chunk', created: 3, model: 'gpt-4o-mini', system_fingerprint: 'fp_x' };
  const lines = [JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null })];
  for (const piece of ['Hello', ', world', ' — ünïcödé', ' "quoted"', '\n\tend']) {
    lines.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }], usage: null }));
  }
  lines.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null }));
  lines.push(JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 7, completion_tokens: 20, total_tokens: 27 } }));
  return lines;
}

let dir: string;
let mock: MockServer;
let proxy: ProxyServer;
let router: Router;
const settled: CallEvent[] = [];
const onSettled = (e: unknown) => settled.push(e as CallEvent);
const callChannel = dc.tracingChannel(CHANNEL_NAMES.call);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tg-fastpath-'));
  const family = join(dir, 'openai-compatible');
  mkdirSync(family);
  for (const [from, name] of [
    ['openai/openai-text', 'openai-text'],
    ['groq/groq-tool-call', 'groq-tool-call'],
    ['mistral/mistral-text', 'mistral-text'],
    ['deepseek/deepseek-tool-call', 'deepseek-tool-call'],
  ]) {
    cpSync(join(FIXTURES, `${from}.chunks.txt`), join(family, `${name}.chunks.txt`));
  }
  writeFileSync(join(family, 'usage-last.chunks.txt'), usageLastStream().join('\n'));
  writeFileSync(join(family, 'patched.chunks.txt'), PATCHED.join('\n'));
  writeFileSync(join(family, 'spaced.chunks.txt'), SPACED.join('\n'));
  mock = await startMockServer({ fixturesDir: dir });
  const models = CASES.map((c) => ({
    name: c.alias,
    provider: 'openai',
    model: 'gpt-4o-mini',
    apiKey: 'sk-provider-x',
    baseURL: mock.baseURL('openai'),
    headers: { 'x-mock-fixture': `openai-compatible/${c.fixture}` },
  }));
  const policy = { retry: { maxAttempts: 1 }, timeouts: { connectMs: 1000, firstTokenMs: 3000, idleMs: 2000, totalMs: 5000 } };
  proxy = await startProxy({ config: proxyConfigFromObject({ models, keys: [{ id: 'k', key: KEY }], ...policy }, { env: {} }), port: 0, logger: silentLogger });
  router = new Router({ models: models as never, ...policy } as never);
  callChannel.subscribe({ asyncEnd: onSettled } as never);
});

afterAll(async () => {
  callChannel.unsubscribe({ asyncEnd: onSettled } as never);
  await proxy?.close();
  await router?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (alias: string, includeUsage: boolean) => ({
  model: alias,
  messages: [{ role: 'user' as const, content: 'hi' }],
  stream: true as const,
  ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
});

/** The `data:` payloads of the proxy's answer, without `[DONE]` (which must end it). */
async function viaProxy(alias: string, includeUsage: boolean): Promise<string[]> {
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(request(alias, includeUsage)),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  const events = text.split('\n\n').filter((e) => e !== '');
  for (const e of events) expect(e.startsWith('data: ') && !e.includes('\n')).toBe(true);
  return events.map((e) => e.slice('data: '.length)).filter((d) => d !== '[DONE]');
}

/** The router's chunks serialized as the proxy did before the fast path. */
async function reference(alias: string, includeUsage: boolean): Promise<string[]> {
  const out: string[] = [];
  const stream = await router.chat.completions.create(request(alias, includeUsage));
  for await (const chunk of stream) out.push(JSON.stringify(includeUsage && chunk.usage === undefined ? { ...chunk, usage: null } : chunk));
  return out;
}

describe.each(CASES)('$alias through the proxy', ({ alias, compact, usage }) => {
  it.each([true, false])('equals the normalized stream chunk by chunk (include_usage %s)', async (includeUsage) => {
    const [got, want] = await Promise.all([viaProxy(alias, includeUsage), reference(alias, includeUsage)]);
    expect(got.length).toBe(want.length);
    expect(got.map((d) => JSON.parse(d))).toEqual(want.map((d) => JSON.parse(d)));
    if (compact) expect(got).toEqual(want);
    const last = JSON.parse(got[got.length - 1]!);
    if (includeUsage) expect(last.usage).toMatchObject(usage);
    else for (const d of got) expect(JSON.parse(d)).not.toHaveProperty('usage');
  });
});

describe('bookkeeping of a fast-path stream', () => {
  it('records the usage of the final chunk and the completion on the settled call', async () => {
    settled.length = 0;
    const got = await viaProxy('mock-usage-last', false);
    expect(got.length).toBe(7);
    await expect.poll(() => settled.find((e) => e.alias === 'mock-usage-last')).toBeTruthy();
    const ev = settled.find((e) => e.alias === 'mock-usage-last')!;
    expect(ev.streamOutcome).toBe('completed');
    const completion = ev.result as { model: string; choices: { message: { content: string } }[]; usage: Record<string, number> };
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]!.message.content).toBe('Hello, world — ünïcödé "quoted"\n\tend');
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 20, total_tokens: 27 });
  });
});
