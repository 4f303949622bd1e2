/**
 * Every recorded response of anthropic, google, bedrock, openai (through the Azure adapter),
 * mistral, groq and deepseek, replayed by `tracegate mock` over real HTTP (plain and streaming,
 * Bedrock in the AWS event-stream framing) through `new Router(...)`, with the normalized result
 * asserted: text, reasoning, tool calls whose arguments parse as JSON, finish_reason, usage with
 * cached and reasoning tokens, and cost. Then each dialect's faults → typed errors, and the
 * embeddings endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, StreamInterruptedError, getCallInfo, isTracegateError, type ChatCompletion, type ChatCompletionChunk } from '../../src/index.js';
import { startMockServer, type MockDialect, type MockServer } from '../../src/mock/index.js';
import { computeCost } from '../../src/providers/catalog/cost.js';
import { FAKE_KEY, FIXTURES_DIR } from '../helpers/fixtures.js';
import { EXPECTED } from './expectations.js';
import { expectCompletion } from './helpers.js';

const AWS = { region: 'us-east-1', accessKeyId: 'AKIAREPLAYTEST000001', secretAccessKey: 'replay-secret-key-000001' };

interface Family {
  provider: string;
  model: string;
  dialect: MockDialect;
  extra?: Record<string, unknown>;
}

const FAMILIES: Record<string, Family> = {
  anthropic: { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', dialect: 'anthropic' },
  google: { provider: 'gemini', model: 'gemini-2.5-flash', dialect: 'gemini' },
  bedrock: { provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', dialect: 'bedrock', extra: AWS },
  openai: { provider: 'azure', model: 'gpt-4.1-nano', dialect: 'azure', extra: { deployment: 'nano-prod' } },
  mistral: { provider: 'mistral', model: 'mistral-small-latest', dialect: 'openai' },
  groq: { provider: 'groq', model: 'llama-3.3-70b-versatile', dialect: 'openai' },
  deepseek: { provider: 'deepseek', model: 'deepseek-reasoner', dialect: 'openai' },
};

const CASES = Object.entries(EXPECTED)
  .map(([key, expected]) => {
    const family = key.split('/')[0]!;
    const stream = key.endsWith('.chunks.txt');
    return { key, fixture: key.replace(/\.(json|chunks\.txt)$/, ''), family, stream, expected, f: FAMILIES[family] };
  })
  .filter((c) => c.f !== undefined);

let mock: MockServer;
let router: Router;

function entry(name: string, f: Family, headers: Record<string, string>) {
  const keyFields = f.provider === 'bedrock' ? {} : { apiKey: FAKE_KEY };
  return { name, provider: f.provider, model: f.model, baseURL: mock.baseURL(f.dialect), headers, ...keyFields, ...f.extra };
}

/** Aliases for faults: `<family>:<fault header>`. */
const FAULTS: [string, string][] = [];
function faultAlias(family: string, fault: string): string {
  const alias = `${family}:${fault}`;
  if (!FAULTS.some(([a]) => a === alias)) FAULTS.push([alias, fault]);
  return alias;
}

const FAULT_CASES = [
  { family: 'anthropic', fault: 'rate_limit:retryAfterSeconds=2', errorClass: 'rate_limit', retryAfterMs: 2000 },
  { family: 'google', fault: 'rate_limit:retryAfterSeconds=7', errorClass: 'rate_limit', retryAfterMs: 7000 },
  { family: 'bedrock', fault: 'rate_limit:retryAfterSeconds=3', errorClass: 'rate_limit', retryAfterMs: 3000 },
  { family: 'openai', fault: 'rate_limit:retryAfterMs=1500', errorClass: 'rate_limit', retryAfterMs: 1500 },
  { family: 'anthropic', fault: 'overloaded', errorClass: 'upstream_unavailable', status: 529 },
  { family: 'google', fault: 'overloaded', errorClass: 'upstream_unavailable', status: 503 },
  { family: 'bedrock', fault: 'overloaded', errorClass: 'upstream_unavailable', status: 503 },
  { family: 'openai', fault: 'overloaded', errorClass: 'upstream_unavailable', status: 503 },
  { family: 'bedrock', fault: 'server_error', errorClass: 'upstream_unavailable', status: 500 },
  { family: 'anthropic', fault: 'context_window', errorClass: 'context_window' },
  { family: 'google', fault: 'context_window', errorClass: 'context_window' },
  { family: 'bedrock', fault: 'context_window', errorClass: 'context_window' },
  { family: 'openai', fault: 'context_window', errorClass: 'context_window' },
  { family: 'openai', fault: 'content_policy:mode=error', errorClass: 'content_policy' },
  { family: 'google', fault: 'content_policy:mode=prompt', errorClass: 'content_policy' },
  { family: 'anthropic', fault: 'content_policy:mode=error', errorClass: 'content_policy' },
  { family: 'bedrock', fault: 'content_policy:mode=error', errorClass: 'content_policy' },
  { family: 'bedrock', fault: 'auth', errorClass: 'authentication' },
  { family: 'google', fault: 'auth', errorClass: 'authentication' },
  { family: 'anthropic', fault: 'bad_request', errorClass: 'bad_request' },
] as const;

const STREAM_FAULTS = [
  { family: 'anthropic', fault: 'stream_error', errorClass: 'upstream_unavailable' },
  { family: 'anthropic', fault: 'stream_error:errorType=rate_limit_error', errorClass: 'rate_limit' },
  { family: 'google', fault: 'stream_error', errorClass: 'upstream_unavailable' },
  { family: 'bedrock', fault: 'stream_error', errorClass: 'upstream_unavailable' },
  { family: 'bedrock', fault: 'stream_error:errorType=throttlingException', errorClass: 'rate_limit' },
  { family: 'openai', fault: 'stream_error', errorClass: 'upstream_unavailable' },
  { family: 'bedrock', fault: 'malformed:afterChunks=2', errorClass: 'invalid_response' },
  { family: 'google', fault: 'cut:afterChunks=1', errorClass: 'connection' },
] as const;

const FINISH_FAULTS = [
  { family: 'anthropic', fault: 'content_policy:mode=finish', native: 'refusal' },
  { family: 'google', fault: 'content_policy:mode=finish', native: 'SAFETY' },
  { family: 'bedrock', fault: 'content_policy:mode=prompt', native: 'guardrail_intervened' },
  { family: 'openai', fault: 'content_policy:mode=finish', native: undefined },
] as const;

for (const c of [...FAULT_CASES, ...STREAM_FAULTS, ...FINISH_FAULTS]) faultAlias(c.family, c.fault);

beforeAll(async () => {
  mock = await startMockServer({ fixturesDir: FIXTURES_DIR });
  router = new Router({
    timeouts: { totalMs: 10_000, firstTokenMs: 10_000, idleMs: 5_000 },
    // One attempt per call: the faults must reach the caller as they are (the router's retries are tested elsewhere).
    retry: { maxAttempts: 1 },
    models: [
      ...CASES.map((c) => entry(c.key, c.f!, { 'x-mock-fixture': c.fixture })),
      ...FAULTS.map(([alias, fault]) => entry(alias, FAMILIES[alias.split(':')[0]!]!, { 'x-mock-fault': fault })),
      entry('google-429', FAMILIES.google!, { 'x-mock-fixture': 'google/google-429-retry-info;status=429' }),
      entry('openai-400', { ...FAMILIES.openai!, model: 'o3' }, { 'x-mock-fixture': 'openai/reasoning-model-legacy-parameter-error;status=400' }),
      entry('openai-compatible-sse', { provider: 'openai-compatible', model: 'claude-haiku-4-5', dialect: 'openai' }, { 'x-mock-fixture': 'openai-compatible/anthropic-fallback-tool-call' }),
      entry('embed-azure', { ...FAMILIES.openai!, model: 'text-embedding-3-small', extra: {} }, {}),
      entry('embed-gemini', { ...FAMILIES.google!, model: 'gemini-embedding-001' }, {}),
      entry('embed-titan', { ...FAMILIES.bedrock!, model: 'amazon.titan-embed-text-v2:0' }, {}),
      entry('embed-cohere', { ...FAMILIES.bedrock!, model: 'cohere.embed-english-v3' }, {}),
    ],
  });
});

afterAll(async () => {
  await router?.close();
  await mock?.close();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

async function collect(alias: string, includeUsage = true): Promise<{ chunks: ChatCompletionChunk[]; stream: unknown }> {
  const stream = await router.chat.completions.create({ model: alias, messages, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { chunks, stream };
}

function expectCost(result: object, usage: ChatCompletion['usage'], alias: string): void {
  const info = getCallInfo(result)!;
  expect(info.outcome).toBe('success');
  const d = router.groups.get(alias)![0]!;
  expect(d.price).toBeDefined();
  expect(info.cost).toEqual(computeCost(usage, d.price));
  expect(info.cost!.total).toBeGreaterThan(0);
}

describe.each(CASES)('$key replayed over HTTP through the Router', (c) => {
  it(c.stream ? 'stream' : 'plain', async () => {
    const before = mock.count({ dialect: c.f!.dialect });
    if (!c.stream) {
      const completion = await router.chat.completions.create({ model: c.key, messages });
      expect(completion.object).toBe('chat.completion');
      expectCompletion(completion, c.expected);
      expectCost(completion, completion.usage, c.key);
    } else {
      const { chunks, stream } = await collect(c.key);
      const last = chunks[chunks.length - 1]!;
      expect(last.choices).toEqual([]);
      expect(last.usage).toBeTruthy();
      expect(chunks.slice(0, -1).every((ch) => ch.choices.length > 0 && ch.usage == null)).toBe(true);
      const final = await (stream as { finalCompletion(): Promise<ChatCompletion> }).finalCompletion();
      expectCompletion(final, c.expected);
      expectCost(stream as object, last.usage, c.key);
    }
    expect(mock.count({ dialect: c.f!.dialect })).toBe(before + 1);
  });
});

describe('requests as the mock saw them', () => {
  it('bedrock calls are SigV4-signed for the region with the model id encoded; no key anywhere', () => {
    const bedrock = mock.calls.filter((call) => call.dialect === 'bedrock' && call.operation === 'chat');
    expect(bedrock.length).toBeGreaterThan(0);
    for (const call of bedrock) {
      expect(call.aws).toEqual({ scheme: 'sigv4', region: 'us-east-1', service: 'bedrock', accessKeyId: AWS.accessKeyId });
      expect(call.model).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    }
    const json = JSON.stringify(mock.calls);
    for (const secret of [FAKE_KEY, AWS.secretAccessKey]) expect(json).not.toContain(secret);
    for (const call of mock.calls.filter((x) => x.dialect === 'gemini')) expect(call.headersPresent.queryKey).toBe(false);
    const azure = mock.calls.find((x) => x.dialect === 'azure' && x.operation === 'chat')!;
    expect(azure.path).toBe('/openai/deployments/nano-prod/chat/completions');
    expect(azure.query['api-version']).toBe('2024-10-21');
  });

  it('the usage-only chunk is withheld when the caller did not ask for it (anthropic, bedrock)', async () => {
    for (const alias of ['anthropic/anthropic-text.chunks.txt', 'bedrock/amazon-bedrock-text.chunks.txt']) {
      const { chunks, stream } = await collect(alias, false);
      expect(chunks.every((ch) => ch.choices.length > 0 && ch.usage == null)).toBe(true);
      expect(getCallInfo(stream as object)!.usage!.total_tokens).toBeGreaterThan(0);
    }
  });

  it('an OpenAI-compatible raw SSE transcript (tool call at index 1)', async () => {
    const { chunks, stream } = await collect('openai-compatible-sse');
    expect(chunks.some((ch) => ch.usage)).toBe(false);
    const final = await (stream as { finalCompletion(): Promise<ChatCompletion> }).finalCompletion();
    expect(final.choices[0]!.message.tool_calls!.map((t) => JSON.parse(t.function.arguments))).toEqual([{ path: 'a.txt' }]);
  });
});

async function failure(p: () => Promise<unknown>): Promise<unknown> {
  try {
    const r = await p();
    if (r && typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') for await (const _ of r as AsyncIterable<unknown>) void _;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('faults per dialect → typed errors', () => {
  it.each(FAULT_CASES)('$family $fault → $errorClass', async (c) => {
    for (const stream of [false, true]) {
      const err = await failure(() => router.chat.completions.create({ model: `${c.family}:${c.fault}`, messages, ...(stream ? { stream: true as const } : {}) }));
      expect(isTracegateError(err)).toBe(true);
      expect(err).toMatchObject({ errorClass: c.errorClass, provider: FAMILIES[c.family]!.provider });
      if ('retryAfterMs' in c) expect((err as { retryAfterMs?: number }).retryAfterMs).toBe(c.retryAfterMs);
      if ('status' in c) expect((err as { status: number }).status).toBe(c.status);
      expect(JSON.stringify((err as { toJSON(): unknown }).toJSON())).not.toContain(FAKE_KEY);
    }
  });

  it.each(STREAM_FAULTS)('inside a 200 stream: $family $fault → $errorClass', async (c) => {
    const err = await failure(() => router.chat.completions.create({ model: `${c.family}:${c.fault}`, messages, stream: true }));
    const cause = err instanceof StreamInterruptedError ? (err.cause as unknown) : err;
    expect(cause).toMatchObject({ errorClass: c.errorClass });
  });

  it.each(FINISH_FAULTS)('content filtered in a 200 answer: $family $fault → finish_reason content_filter', async (c) => {
    const completion = await router.chat.completions.create({ model: `${c.family}:${c.fault}`, messages });
    expect(completion.choices[0]!.finish_reason).toBe('content_filter');
    if (c.native) expect((completion.choices[0] as { native_finish_reason?: string }).native_finish_reason).toBe(c.native);
    const { chunks } = await collect(`${c.family}:${c.fault}`);
    expect(chunks.flatMap((ch) => ch.choices.map((x) => x.finish_reason)).filter(Boolean)).toEqual(['content_filter']);
  });

  it('recorded error bodies: Gemini RetryInfo (429) and an OpenAI parameter error (400)', async () => {
    expect(await failure(() => router.chat.completions.create({ model: 'google-429', messages }))).toMatchObject({ errorClass: 'rate_limit', status: 429, retryAfterMs: 34_400 });
    expect(await failure(() => router.chat.completions.create({ model: 'openai-400', messages }))).toMatchObject({ errorClass: 'bad_request', param: 'max_tokens' });
  });
});

describe('embeddings over HTTP', () => {
  it('Azure, Gemini, Titan and Cohere answer in the OpenAI shape', async () => {
    const azure = await router.embeddings.create({ model: 'embed-azure', input: ['a', 'b'], dimensions: 8 });
    expect(azure.data.map((e) => (e.embedding as number[]).length)).toEqual([8, 8]);
    expect(getCallInfo(azure)!.cost!.total).toBeGreaterThan(0);
    const gemini = await router.embeddings.create({ model: 'embed-gemini', input: ['a', 'b', 'c'], dimensions: 4 });
    expect(gemini.data.map((e) => e.index)).toEqual([0, 1, 2]);
    expect((gemini.data[0]!.embedding as number[]).length).toBe(4);
    const titan = await router.embeddings.create({ model: 'embed-titan', input: 'hello world', dimensions: 256 });
    expect((titan.data[0]!.embedding as number[]).length).toBe(256);
    expect(titan.usage.prompt_tokens).toBeGreaterThan(0);
    expect(getCallInfo(titan)!.cost!.total).toBeGreaterThan(0);
    const cohere = await router.embeddings.create({ model: 'embed-cohere', input: ['x', 'y'], encoding_format: 'base64' });
    expect(cohere.data).toHaveLength(2);
    expect(typeof cohere.data[0]!.embedding).toBe('string');
    expect(getCallInfo(cohere)!.cost).toBeNull();
  });
});
