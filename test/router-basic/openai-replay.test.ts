/**
 * The recorded OpenAI-compatible responses (openai, groq, mistral, deepseek) replayed by
 * `tracegate mock` over real HTTP, through the Router; the normalized output is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, getCallInfo, type ChatCompletion, type ChatCompletionChunk } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { FAKE_KEY, FIXTURES_DIR, fixtureChunks, fixtureJson } from '../helpers/fixtures.js';

let mock: MockServer;
let router: Router;

const CASES = [
  { fixture: 'openai/openai-text', provider: 'openai', model: 'gpt-4.1-nano', kind: 'text' },
  { fixture: 'groq/groq-tool-call', provider: 'groq', model: 'llama-3.3-70b-versatile', kind: 'tool' },
  { fixture: 'mistral/mistral-text', provider: 'mistral', model: 'mistral-small-latest', kind: 'text' },
  { fixture: 'mistral/mistral-tool-call', provider: 'mistral', model: 'mistral-small-latest', kind: 'tool' },
  { fixture: 'deepseek/deepseek-tool-call', provider: 'deepseek', model: 'deepseek-reasoner', kind: 'tool' },
] as const;

beforeAll(async () => {
  mock = await startMockServer({ fixturesDir: FIXTURES_DIR });
  router = new Router({
    models: CASES.map((c) => ({
      name: c.fixture,
      provider: c.provider,
      model: c.model,
      apiKey: FAKE_KEY,
      baseURL: mock.baseURL('openai'),
      headers: { 'x-mock-fixture': c.fixture },
    })),
  });
});

afterAll(async () => {
  await router?.close();
  await mock?.close();
});

interface RecordedCompletion {
  choices: { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

function expectedToolCalls(recorded: RecordedCompletion) {
  return (recorded.choices[0]!.message.tool_calls ?? []).map((t) => ({ name: t.function.name, args: JSON.parse(t.function.arguments) }));
}

function recordedStreamToolCalls(path: string) {
  const calls = new Map<number, { name: string; args: string }>();
  for (const chunk of fixtureChunks<ChatCompletionChunk>(path)) {
    for (const c of chunk.choices ?? []) {
      for (const tc of c.delta.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { name: '', args: '' };
        cur.name += tc.function?.name ?? '';
        cur.args += tc.function?.arguments ?? '';
        calls.set(tc.index, cur);
      }
    }
  }
  return [...calls.values()].map((c) => ({ name: c.name, args: JSON.parse(c.args) }));
}

describe.each(CASES)('$fixture replayed through the Router', (c) => {
  it('plain: text, tool calls, finish_reason and usage are normalized', async () => {
    const recorded = fixtureJson<RecordedCompletion>(`${c.fixture}.json`);
    const before = mock.count();
    const completion: ChatCompletion = await router.chat.completions.create({ model: c.fixture, messages: [{ role: 'user', content: 'hi' }] });
    expect(mock.count()).toBe(before + 1);
    expect(completion.object).toBe('chat.completion');
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe(recorded.choices[0]!.finish_reason);
    expect(choice.message.content).toBe(recorded.choices[0]!.message.content ?? null);
    if (c.kind === 'tool') {
      const got = (choice.message.tool_calls ?? []).map((t) => ({ name: t.function.name, args: JSON.parse(t.function.arguments) }));
      expect(got).toEqual(expectedToolCalls(recorded));
      expect(got.length).toBeGreaterThan(0);
    }
    expect(completion.usage?.prompt_tokens).toBe(recorded.usage.prompt_tokens);
    expect(completion.usage?.completion_tokens).toBe(recorded.usage.completion_tokens);
    expect(completion.usage?.total_tokens).toBe(recorded.usage.total_tokens);
    const info = getCallInfo(completion)!;
    expect(info.deployment?.provider).toBe(c.provider);
    expect(info.outcome).toBe('success');
    expect(JSON.stringify(completion)).not.toContain('tracegate');
  });

  it('stream: chunks reassemble to the recorded text and tool calls; usage from the final chunk', async () => {
    const stream = await router.chat.completions.create({
      model: c.fixture,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const got: ChatCompletionChunk[] = [];
    for await (const chunk of stream) got.push(chunk);
    const final = await stream.finalCompletion();
    const recordedChunks = fixtureChunks<ChatCompletionChunk>(`${c.fixture}.chunks.txt`);
    const recordedText = recordedChunks.map((ch) => ch.choices?.[0]?.delta?.content ?? '').join('');
    expect(final.choices[0]!.message.content ?? '').toBe(recordedText);
    if (c.kind === 'tool') {
      const calls = (final.choices[0]!.message.tool_calls ?? []).map((t) => ({ name: t.function.name, args: JSON.parse(t.function.arguments) }));
      expect(calls).toEqual(recordedStreamToolCalls(`${c.fixture}.chunks.txt`));
    }
    const lastUsage = [...recordedChunks].reverse().find((ch) => ch.usage)?.usage as { prompt_tokens: number; completion_tokens: number } | undefined;
    expect(final.usage?.prompt_tokens).toBe(lastUsage?.prompt_tokens);
    expect(final.usage?.completion_tokens).toBe(lastUsage?.completion_tokens);
    expect(got.some((ch) => ch.usage)).toBe(true);
    expect(final.choices[0]!.finish_reason).toBe(c.kind === 'tool' ? 'tool_calls' : 'stop');
    expect(getCallInfo(stream)?.usage?.total_tokens).toBeGreaterThan(0);
  });
});

describe('normalization details', () => {
  it('deepseek: reasoning_content and cached tokens survive', async () => {
    const completion = await router.chat.completions.create({ model: 'deepseek/deepseek-tool-call', messages: [{ role: 'user', content: 'hi' }] });
    const recorded = fixtureJson<{ usage: { prompt_tokens_details?: { cached_tokens?: number } }; choices: { message: { reasoning_content?: string } }[] }>(
      'deepseek/deepseek-tool-call.json',
    );
    expect(completion.choices[0]!.message.reasoning_content).toBe(recorded.choices[0]!.message.reasoning_content);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(recorded.usage.prompt_tokens_details?.cached_tokens);
  });

  it('the usage-only chunk is withheld when the caller did not ask for it, but usage and cost are still known', async () => {
    const stream = await router.chat.completions.create({ model: 'openai/openai-text', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const got: ChatCompletionChunk[] = [];
    for await (const chunk of stream) got.push(chunk);
    expect(got.every((ch) => ch.choices.length > 0 && ch.usage == null)).toBe(true);
    const info = getCallInfo(stream)!;
    expect(info.usage?.completion_tokens).toBeGreaterThan(0);
    expect(info.cost?.total).toBeGreaterThan(0);
  });

  it('the API key never appears in what the mock logged back or in results', async () => {
    const completion = await router.chat.completions.create({ model: 'openai/openai-text', messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.stringify(getCallInfo(completion))).not.toContain(FAKE_KEY);
    expect(JSON.stringify(mock.calls)).not.toContain(FAKE_KEY);
  });
});
