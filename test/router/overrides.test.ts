/**
 * Per-deployment request overrides through the Router against the mock provider server over
 * HTTP: what each deployment's request body and headers show, per attempt (a fallback from an
 * OpenAI deployment to an Anthropic one gets the Anthropic deployment's adjustments).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, getCallInfo, Router } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { getProvider } from '../../src/providers/registry.js';

let mock: MockServer;
const routers: Router[] = [];
beforeAll(async () => {
  mock = await startMockServer();
});
beforeEach(() => mock.reset());
afterAll(async () => {
  for (const r of routers) await r.close();
  await mock.close();
});

const FAST = { retry: { initialBackoffMs: 1, maxBackoffMs: 2, perClass: { upstream_unavailable: 0 } }, timeouts: { connectMs: 1000, firstTokenMs: 3000, idleMs: 2000, totalMs: 5000 } };

function router(models: Record<string, unknown>[], extra: Record<string, unknown> = {}): Router {
  const r = new Router({ models, ...FAST, ...extra } as never);
  routers.push(r);
  return r;
}

function openai(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL: mock.baseURL('openai'), ...extra };
}

const body = (i = 0) => mock.calls[i]!.body as Record<string, any>;
const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('overrides on one deployment', () => {
  it('defaults fill only what the caller left out', async () => {
    const r = router([openai({ defaults: { temperature: 0.1, max_tokens: 64, seed: 7 } })]);
    const res = await r.chat.completions.create({ ...ask, temperature: 0.9 });
    expect(body()).toMatchObject({ temperature: 0.9, max_tokens: 64, seed: 7 });
    expect(getCallInfo(res)!.attempts[0]!).toBeDefined();
  });

  it('override forces a value over the caller\'s', async () => {
    const r = router([openai({ override: { temperature: 0, top_p: 0.5 } })]);
    await r.chat.completions.create({ ...ask, temperature: 0.9 });
    expect(body()).toMatchObject({ temperature: 0, top_p: 0.5 });
  });

  it('drop removes the parameter, even one the caller sent', async () => {
    const r = router([openai({ drop: ['seed', 'logit_bias'] })]);
    await r.chat.completions.create({ ...ask, seed: 3, temperature: 0.5 });
    expect(body().seed).toBeUndefined();
    expect(body().temperature).toBe(0.5);
  });

  it('system prepend / append with {alias} and {model}, adding a system message when there is none', async () => {
    const r = router([openai({ system: { prepend: 'You are {alias} on {model}.', append: 'Answer briefly.' } })]);
    await r.chat.completions.create({ ...ask, messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'hi' }] });
    expect(body().messages[0]).toEqual({ role: 'system', content: 'You are chat on gpt-4o-mini.\n\nBe kind.\n\nAnswer briefly.' });
    expect(body().messages).toHaveLength(2);
    await r.chat.completions.create(ask);
    expect(body(1).messages).toEqual([
      { role: 'system', content: 'You are chat on gpt-4o-mini.\n\nAnswer briefly.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('system replace swaps every system message for one', async () => {
    const r = router([openai({ system: { replace: 'Only JSON.' } })]);
    await r.chat.completions.create({ ...ask, messages: [{ role: 'system', content: 'old' }, { role: 'user', content: 'hi' }] });
    expect(body().messages).toEqual([
      { role: 'system', content: 'Only JSON.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('extraBody lands in the provider body, extraHeaders on the request', async () => {
    const r = router([openai({ extraBody: { top_k: 40, provider_flag: { a: 1 } }, extraHeaders: { 'x-route-tag': 'blue' } })]);
    await r.chat.completions.create(ask);
    expect(body()).toMatchObject({ top_k: 40, provider_flag: { a: 1 } });
    expect(mock.calls[0]!.headers['x-route-tag']).toBe('blue');
  });

  it('applies to streams too', async () => {
    const r = router([openai({ override: { temperature: 0.2 }, system: { prepend: 'S' } })]);
    const stream = await r.chat.completions.create({ ...ask, stream: true });
    for await (const _ of stream) void _;
    expect(body()).toMatchObject({ temperature: 0.2, stream: true });
    expect(body().messages[0]).toEqual({ role: 'system', content: 'S' });
  });

  it('a deployment without overrides sends exactly what the caller sent', async () => {
    const r = router([openai()]);
    await r.chat.completions.create(ask);
    expect(body().temperature).toBeUndefined();
    expect(body().messages).toEqual([{ role: 'user', content: 'hi' }]);
  });
});

describe('per attempt', () => {
  it('a fallback from OpenAI to Anthropic gets the Anthropic deployment\'s adjustments', async () => {
    mock.enqueue({ dialect: 'openai' }, { kind: 'server_error', status: 503 });
    const r = router(
      [
        openai({ system: { prepend: 'OPENAI-RULE for {model}' }, defaults: { temperature: 0.7 } }),
        {
          name: 'claude',
          provider: 'anthropic',
          model: 'claude-3-5-haiku-20241022',
          apiKey: 'sk-ant-test',
          baseURL: mock.baseURL('anthropic'),
          system: { prepend: 'ANTHROPIC-RULE for {alias}' },
          defaults: { temperature: 0.1, max_tokens: 99 },
          drop: ['seed'],
        },
      ],
      { fallbacks: { chat: ['claude'] } },
    );
    const res = await r.chat.completions.create({ ...ask, messages: [{ role: 'system', content: 'Base.' }, { role: 'user', content: 'hi' }], seed: 5 });
    expect(mock.calls.map((c) => c.dialect)).toEqual(['openai', 'anthropic']);
    const first = body(0);
    expect(first.messages[0]).toEqual({ role: 'system', content: 'OPENAI-RULE for gpt-4o-mini\n\nBase.' });
    expect(first).toMatchObject({ temperature: 0.7, seed: 5 });
    const second = body(1);
    const system = typeof second.system === 'string' ? second.system : second.system.map((b: { text: string }) => b.text).join('');
    expect(system).toBe('ANTHROPIC-RULE for claude\n\nBase.');
    expect(system).not.toContain('OPENAI-RULE');
    expect(second).toMatchObject({ temperature: 0.1, max_tokens: 99 });
    expect(second.seed).toBeUndefined();
    const info = getCallInfo(res)!;
    expect(info.attempts.map((a) => a.deployment.provider)).toEqual(['openai', 'anthropic']);
  });
});

function anthropic(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'claude', provider: 'anthropic', model: 'claude-3-5-haiku-20241022', apiKey: 'sk-ant-test', baseURL: mock.baseURL('anthropic'), ...extra };
}

describe('dropParams: parameters a provider rejects', () => {
  const shaped = { model: 'claude', messages: [{ role: 'user' as const, content: 'hi' }], n: 2, logprobs: true, temperature: 0.3 };

  it('off (the default): Anthropic rejects n > 1 and logprobs before any request', async () => {
    const r = router([anthropic()]);
    await expect(r.chat.completions.create(shaped)).rejects.toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'n' });
    expect(mock.calls).toHaveLength(0);
  });

  it('the router-wide switch drops them, named on the attempt; the rest is sent', async () => {
    const r = router([anthropic()], { dropParams: true });
    const res = await r.chat.completions.create(shaped);
    expect(mock.calls).toHaveLength(1);
    expect(body()).toMatchObject({ temperature: 0.3 });
    expect(body()).not.toHaveProperty('n');
    expect(getCallInfo(res)!.attempts[0]!.overrides).toEqual(['dropParams.n', 'dropParams.logprobs']);
  });

  it('an entry\'s dropParams wins over the router\'s, both ways', async () => {
    const off = router([anthropic({ dropParams: false })], { dropParams: true });
    await expect(off.chat.completions.create(shaped)).rejects.toMatchObject({ param: 'n' });
    const on = router([anthropic({ dropParams: true })]);
    const res = await on.chat.completions.create(shaped);
    expect(getCallInfo(res)!.attempts[0]!.overrides).toEqual(['dropParams.n', 'dropParams.logprobs']);
  });

  it('OpenAI takes n and logprobs: nothing dropped, nothing named', async () => {
    const r = router([openai()], { dropParams: true });
    const res = await r.chat.completions.create({ ...ask, n: 2, logprobs: true });
    expect(body()).toMatchObject({ n: 2, logprobs: true });
    expect(getCallInfo(res)!.attempts[0]!.overrides).toBeUndefined();
  });

  it('a fallback OpenAI → Anthropic drops only on the Anthropic attempt', async () => {
    mock.enqueue({ dialect: 'openai' }, { kind: 'server_error', status: 503 });
    const r = router([openai(), anthropic()], { dropParams: true, fallbacks: { chat: ['claude'] } });
    const res = await r.chat.completions.create({ ...ask, n: 2, logprobs: true });
    expect(mock.calls.map((c) => c.dialect)).toEqual(['openai', 'anthropic']);
    expect(body(0)).toMatchObject({ n: 2, logprobs: true });
    const attempts = getCallInfo(res)!.attempts;
    expect(attempts.map((a) => a.overrides)).toEqual([undefined, ['dropParams.n', 'dropParams.logprobs']]);
  });

  it('Gemini keeps n (candidateCount) and drops logprobs', async () => {
    const g = router([{ name: 'gem', provider: 'gemini', model: 'gemini-2.0-flash', apiKey: 'g-test', baseURL: mock.baseURL('gemini') }], { dropParams: true });
    const res = await g.chat.completions.create({ model: 'gem', messages: [{ role: 'user', content: 'hi' }], n: 2, logprobs: true });
    expect(getCallInfo(res)!.attempts[0]!.overrides).toEqual(['dropParams.logprobs']);
    expect(body().generationConfig).toMatchObject({ candidateCount: 2 });
  });

  it('each provider family names what it refuses', () => {
    const all = { n: 2, logprobs: true, functions: [{ name: 'f' }], tools: [{}], tool_choice: 'auto', seed: 1, user: 'u', presence_penalty: 0.1, reasoning_effort: 'low' };
    const names = (p: string, model = 'm') => getProvider(p).unsupportedParams?.(all, model) ?? [];
    expect(names('openai')).toEqual([]);
    expect(names('anthropic')).toEqual(['n', 'logprobs', 'functions']);
    expect(names('bedrock')).toEqual(['n', 'logprobs', 'functions']);
    expect(names('gemini')).toEqual(['logprobs', 'functions']);
    expect(names('openai-completions')).toEqual(['tools', 'tool_choice', 'functions']);
    expect(names('mistral')).toEqual(['user', 'logprobs', 'reasoning_effort']);
    expect(names('xai', 'grok-4')).toEqual(['presence_penalty', 'reasoning_effort']);
    expect(names('xai', 'grok-3')).toEqual([]);
  });
});

describe('config', () => {
  it('rejects an override of the messages, and extraBody on bedrock', () => {
    expect(() => router([openai({ override: { messages: [] } })])).toThrow(ConfigError);
    expect(() => router([openai({ system: { replace: 'a', prepend: 'b' } })])).toThrow(/replace/);
    expect(() =>
      router([{ name: 'b', provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 's', extraBody: { a: 1 } }]),
    ).toThrow(/extraBody/);
  });
});
