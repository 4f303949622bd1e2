/**
 * Per-deployment request overrides through the proxy over HTTP, against the mock provider: a
 * native config (system prepend + defaults, and a fallback to Anthropic with its own
 * adjustments) and a LiteLLM config whose `litellm_params.temperature` is now a default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { parseProxyConfig, silentLogger, startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { KEY_ALL, PROVIDER_KEY, raw, startStack, type Stack } from './helpers.js';

const bodyOf = (mock: MockServer, i: number) => mock.calls[i]!.body as Record<string, any>;

describe('native config', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack((mock) => ({
      models: [
        {
          name: 'chat',
          provider: 'openai',
          model: 'gpt-4o-mini',
          apiKey: PROVIDER_KEY,
          baseURL: mock.baseURL('openai'),
          defaults: { temperature: 0.25 },
          system: { prepend: 'Route {alias} via {model}.' },
          drop: ['seed'],
        },
        {
          name: 'claude',
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          apiKey: PROVIDER_KEY,
          baseURL: mock.baseURL('anthropic'),
          system: { append: 'Claude-only rule.' },
          override: { max_tokens: 77 },
        },
      ],
      keys: [{ id: 'all', key: KEY_ALL }],
      retry: { perClass: { upstream_unavailable: 0 }, initialBackoffMs: 1, maxBackoffMs: 2 },
      fallbacks: { chat: ['claude'] },
    }));
  });
  afterAll(() => s.close());

  it('the deployment\'s defaults, system prepend and drop reach the provider', async () => {
    s.mock.reset();
    const res = await s.client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], seed: 9 });
    expect(res.choices[0]!.message.content).toBeTruthy();
    const b = bodyOf(s.mock, 0);
    expect(b.temperature).toBe(0.25);
    expect(b.seed).toBeUndefined();
    expect(b.messages[0]).toEqual({ role: 'system', content: 'Route chat via gpt-4o-mini.' });
  });

  it('a fallback to Anthropic carries the Anthropic deployment\'s adjustments, not the OpenAI one\'s', async () => {
    s.mock.reset();
    s.mock.enqueue({ dialect: 'openai' }, { kind: 'server_error', status: 503 });
    const res = await raw(`${s.proxy.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_ALL}` },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'system', content: 'Base.' }, { role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(s.mock.calls.map((c) => c.dialect)).toEqual(['openai', 'anthropic']);
    expect(bodyOf(s.mock, 0).messages[0].content).toBe('Route chat via gpt-4o-mini.\n\nBase.');
    const a = bodyOf(s.mock, 1);
    const system = typeof a.system === 'string' ? a.system : a.system.map((x: { text: string }) => x.text).join('');
    expect(system).toBe('Base.\n\nClaude-only rule.');
    expect(a.max_tokens).toBe(77);
    expect(a.temperature).toBeUndefined();
  });
});

interface LiteLLMStack {
  mock: MockServer;
  proxy: ProxyServer;
  config: ReturnType<typeof parseProxyConfig>;
  send(model: string, extra: Record<string, unknown>): ReturnType<typeof raw>;
}

/** A proxy from a LiteLLM config.yaml whose `model_list` (written for the mock) is given; the master key is sk-master-000000001. */
async function liteLLM(modelList: (mock: MockServer) => string, settings = ''): Promise<LiteLLMStack> {
  const mock = await startMockServer();
  const text = `model_list:\n${modelList(mock)}\n${settings}\ngeneral_settings:\n  master_key: sk-master-000000001\n`;
  const config = parseProxyConfig(text, 'config.yaml', { env: {} });
  const proxy = await startProxy({ config, port: 0, logger: silentLogger });
  const send = (model: string, extra: Record<string, unknown>) =>
    raw(`${proxy.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-master-000000001' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
    });
  return { mock, proxy, config, send };
}

/** The `model_list` entry `cool` (OpenAI gpt-4o-mini on the mock) with more `litellm_params` lines. */
function cool(mock: MockServer, params: string): string {
  return `
  - model_name: cool
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${mock.baseURL('openai')}
      api_key: sk-provider-0001${params}`;
}

async function closeStack(s: LiteLLMStack | undefined): Promise<void> {
  await s?.proxy.close();
  await s?.mock.close();
}

describe('LiteLLM config', () => {
  let s: LiteLLMStack;
  beforeAll(async () => {
    s = await liteLLM(
      (mock) =>
        cool(
          mock,
          `
      temperature: 0.05
      max_tokens: 123
      additional_drop_params: ["seed"]`,
        ),
    );
    expect(s.config.warnings.filter((w) => /temperature|max_tokens/.test(w))).toEqual([]);
  });
  afterAll(() => closeStack(s));

  it('litellm_params temperature / max_tokens are applied as defaults; additional_drop_params drops', async () => {
    expect((await s.send('cool', { seed: 4 })).status).toBe(200);
    expect(bodyOf(s.mock, 0)).toMatchObject({ temperature: 0.05, max_tokens: 123 });
    expect(bodyOf(s.mock, 0).seed).toBeUndefined();
    expect((await s.send('cool', { temperature: 1 })).status).toBe(200);
    expect(bodyOf(s.mock, 1).temperature).toBe(1);
  });
});

describe('LiteLLM drop_params', () => {
  let s: LiteLLMStack;
  beforeAll(async () => {
    s = await liteLLM(
      (mock) => `
  - model_name: claude
    litellm_params:
      model: anthropic/claude-haiku-4-5
      api_base: ${mock.baseURL('anthropic')}
      api_key: sk-provider-0001
  - model_name: claude-strict
    litellm_params:
      model: anthropic/claude-haiku-4-5
      api_base: ${mock.baseURL('anthropic')}
      api_key: sk-provider-0001
      drop_params: false`,
      'litellm_settings:\n  drop_params: true',
    );
    expect(s.config.warnings.filter((w) => /drop_params/.test(w))).toEqual([]);
    expect(s.config.router.dropParams).toBe(true);
  });
  afterAll(() => closeStack(s));

  const shaped = { n: 2, logprobs: true, temperature: 0.4 };

  it('litellm_settings.drop_params: n and logprobs are dropped for Anthropic, the call answers', async () => {
    s.mock.reset();
    const res = await s.send('claude', shaped);
    expect(res.status).toBe(200);
    expect(res.body.choices).toHaveLength(1);
    expect(bodyOf(s.mock, 0).temperature).toBe(0.4);
  });

  it('litellm_params.drop_params: false on one deployment: an OpenAI-style 400 naming the parameter', async () => {
    s.mock.reset();
    const res = await s.send('claude-strict', shaped);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request_error', code: 'unsupported_parameter', param: 'n' } });
    expect(s.mock.calls).toHaveLength(0);
  });
});

describe('override variants through the proxy', () => {
  let s: LiteLLMStack;
  beforeAll(async () => {
    // LiteLLM has no variants: `tracegate_variants` is tracegate's extension in litellm_params.
    s = await liteLLM(
      (mock) =>
        cool(
          mock,
          `
      temperature: 0.3
      tracegate_variants:
        - name: control
          weight: 1
        - name: hinted
          weight: 1
          system: { append: "Reply in JSON." }
          defaults: { temperature: 0 }
          extraHeaders: { x-variant: hinted }`,
        ),
    );
    expect(s.config.warnings).toEqual([]);
    expect(s.config.router.models[0]).toMatchObject({ defaults: { temperature: 0.3 }, variants: [{ name: 'control', weight: 1 }, { name: 'hinted', weight: 1 }] });
  });
  afterAll(() => closeStack(s));

  it('each end user (`user`) keeps one variant; each variant sends its own adjustments over the entry\'s', async () => {
    s.mock.reset();
    const seen: Record<string, string> = {};
    for (let i = 0; i < 12; i++) {
      const user = `customer-${i % 6}`;
      expect((await s.send('cool', { user })).status).toBe(200);
      const call = s.mock.calls[i]!;
      const variant = call.headers['x-variant'] === 'hinted' ? 'hinted' : 'control';
      if (seen[user]) expect(variant).toBe(seen[user]);
      seen[user] = variant;
      const body = call.body as Record<string, any>;
      if (variant === 'hinted') {
        expect(body.temperature).toBe(0);
        expect(body.messages[0]).toEqual({ role: 'system', content: 'Reply in JSON.' });
      } else {
        expect(body.temperature).toBe(0.3);
        expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
      }
    }
    expect(new Set(Object.values(seen))).toEqual(new Set(['control', 'hinted']));
  });

  it('a bad variant is a config error naming the LiteLLM path', () => {
    const text = `model_list:
  - model_name: cool
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: sk-provider-0001
      tracegate_variants:
        - name: a
          weight: 0
`;
    expect(() => parseProxyConfig(text, 'config.yaml', { env: {} })).toThrow(/config\.yaml:7: model_list\[0\]\.litellm_params\.tracegate_variants: at least one variant needs a weight above 0/);
  });
});
