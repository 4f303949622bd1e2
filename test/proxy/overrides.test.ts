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

describe('LiteLLM config', () => {
  let mock: MockServer;
  let proxy: ProxyServer;
  beforeAll(async () => {
    mock = await startMockServer();
    const text = `
model_list:
  - model_name: cool
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${mock.baseURL('openai')}
      api_key: sk-provider-0001
      temperature: 0.05
      max_tokens: 123
      additional_drop_params: ["seed"]
general_settings:
  master_key: sk-master-000000001
`;
    const config = parseProxyConfig(text, 'config.yaml', { env: {} });
    expect(config.warnings.filter((w) => /temperature|max_tokens/.test(w))).toEqual([]);
    proxy = await startProxy({ config, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });

  it('litellm_params temperature / max_tokens are applied as defaults; additional_drop_params drops', async () => {
    const send = (extra: Record<string, unknown>) =>
      raw(`${proxy.url}/v1/chat/completions`, {
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-master-000000001' },
        body: JSON.stringify({ model: 'cool', messages: [{ role: 'user', content: 'hi' }], ...extra }),
      });
    expect((await send({ seed: 4 })).status).toBe(200);
    expect(bodyOf(mock, 0)).toMatchObject({ temperature: 0.05, max_tokens: 123 });
    expect(bodyOf(mock, 0).seed).toBeUndefined();
    expect((await send({ temperature: 1 })).status).toBe(200);
    expect(bodyOf(mock, 1).temperature).toBe(1);
  });
});
