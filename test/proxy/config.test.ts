/** Config files: native (YAML/JSON) and LiteLLM's config.yaml; interpolation; errors with file, line and path. */
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { buildRouter, loadProxyConfig, parseProxyConfig, ProxyConfigError, silentLogger, startProxy } from '../../src/proxy/index.js';
import { interpolate } from '../../src/proxy/config/interpolate.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const NATIVE = fixture('native.yaml');
const LITELLM = fixture('litellm-config.yaml');
const PROVIDER_KEY = 'sk-provider-from-env-123';

let mock: MockServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  mock = await startMockServer();
  env = {
    OPENAI_API_KEY: PROVIDER_KEY,
    MOCK_URL: mock.url,
    MOCK_OPENAI_BASE: mock.baseURL('openai'),
    SUPPORT_APP_KEY: 'sk-support-app-0001',
    LITELLM_MASTER_KEY: 'sk-litellm-master-01',
    APP_KEY: 'sk-app-key-000001',
    ANTHROPIC_API_KEY: 'sk-ant-from-env-456',
  };
});
afterAll(() => mock.close());

/** The issues of a config error, as `line: path: message`. */
async function issuesOf(p: Promise<unknown> | (() => unknown)): Promise<string[]> {
  const err = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(ProxyConfigError);
  return (err as ProxyConfigError).issues.map((i) => `${i.line ?? '?'}: ${i.path}: ${i.message}`);
}

describe('interpolation', () => {
  it('${VAR}, ${VAR:-default}, $${literal}, os.environ/NAME; missing ones are listed with their path', () => {
    const r = interpolate(
      { a: '${A}', b: 'x-${B:-dflt}-y', c: '$${A}', d: 'os.environ/A', e: ['${NOPE}'], f: 'os.environ/MISSING', g: 3 },
      { A: 'alpha', B: '' },
    );
    expect(r.value).toEqual({ a: 'alpha', b: 'x-dflt-y', c: '${A}', d: 'alpha', e: [''], f: '', g: 3 });
    expect(r.missing).toEqual([
      { name: 'NOPE', path: ['e', 0] },
      { name: 'MISSING', path: ['f'] },
    ]);
  });
});

describe('native config', () => {
  it('the YAML fixture resolves: env interpolated, keys hashed, key budgets and guardrails in the router options', async () => {
    const config = await loadProxyConfig(NATIVE, { env });
    expect(config.format).toBe('native');
    expect(config.router.models.map((m) => [m.name, m.model, m.baseURL, m.apiKey])).toEqual([
      ['support-fast', 'gpt-4o-mini', `${mock.url}/v1`, PROVIDER_KEY],
      ['support-accurate', 'gpt-4o', `${mock.url}/v1`, PROVIDER_KEY],
      ['embed', 'text-embedding-3-small', `${mock.url}/v1`, PROVIDER_KEY],
    ]);
    expect(config.keys.map((k) => k.id)).toEqual(['master', 'support-app']);
    expect(JSON.stringify(config)).not.toContain('sk-support-app-0001');
    expect(JSON.stringify(config)).not.toContain('sk-master-default-0001');
    expect(config.router.budgets).toEqual([
      { scope: 'team', limitUsd: 25, window: 'day' },
      { name: 'key:support-app/day', scope: 'key', match: 'support-app', limitUsd: 5, window: 'day' },
    ]);
    expect(config.router.hooks?.preCall?.map((h) => h.name)).toEqual(['no-card-numbers']);
    expect(config.server).toMatchObject({ port: 0, host: '127.0.0.1', drainTimeoutMs: 5000, bodyLimit: 10 * 1024 * 1024 });
    expect(config.telemetry).toEqual({ traces: 'none' });
  });

  it('a JSON file works too', async () => {
    const config = await loadProxyConfig(fixture('native.json'), { env });
    expect(config.router.models).toHaveLength(1);
    expect(config.keys[0]!.id).toBe('json-key');
  });

  it('a missing environment variable names the variable, the path and the line', async () => {
    const { OPENAI_API_KEY: _gone, ...rest } = env;
    const issues = await issuesOf(loadProxyConfig(NATIVE, { env: rest }));
    expect(issues).toEqual([
      '12: models[0].apiKey: environment variable OPENAI_API_KEY is not set',
      '17: models[1].apiKey: environment variable OPENAI_API_KEY is not set',
      '22: models[2].apiKey: environment variable OPENAI_API_KEY is not set',
    ]);
    const err = await loadProxyConfig(NATIVE, { env: rest }).catch((e) => e);
    expect(err.message).toContain(`${NATIVE}:12: models[0].apiKey: environment variable OPENAI_API_KEY is not set`);
  });

  it('schema errors name the line of the bad key or value', async () => {
    const text = [
      'models:', // 1
      '  - name: a', // 2
      '    provider: openai', // 3
      '    model: gpt-4o', // 4
      '    weight: heavy', // 5
      '  - name: b', // 6
      '    model: gpt-4o', // 7
      'retry:', // 8
      '  maxAttempts: -1', // 9
      'keys:', // 10
      '  - id: k', // 11
      '    key: short', // 12
      'retries: 3', // 13
      'server: { prot: 80 }', // 14
    ].join('\n');
    const issues = await issuesOf(() => parseProxyConfig(text, 'bad.yaml', { env: {} }));
    expect(issues.some((i) => i.startsWith('5: models[0].weight:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('6: models[1].provider:'))).toBe(true);
    expect(issues).toContain('13: retries: unknown key "retries"');
    expect(issues).toContain('14: server.prot: unknown key "prot" (did you mean "port"?)');
    expect(issues.some((i) => i.startsWith('9: retry.maxAttempts:'))).toBe(true);
    expect(issues).toContain('12: keys[0].key: a key must have at least 8 characters');
  });

  it('YAML syntax errors have their line', async () => {
    const issues = await issuesOf(() => parseProxyConfig('models:\n  - name: [a\nretry: 1\n', 'broken.yaml'));
    expect(issues[0]).toMatch(/^\d+: : not valid YAML\/JSON/);
  });

  it('router cross-checks (unknown fallback alias) are mapped to the file line', async () => {
    const text = ['models:', '  - { name: a, provider: openai, model: gpt-4o, apiKey: sk-000000 }', 'fallbacks:', '  a: [b]'].join('\n');
    // found while reading the file, with the other issues (not only when the router is built)
    expect(await issuesOf(() => parseProxyConfig(text, 'fb.yaml', { env: {} }))).toEqual(['4: fallbacks.a[0]: unknown alias "b"']);
  });

  it('key checks: unknown alias, duplicate ids and keys, a fallback that leaves the key\'s aliases', async () => {
    const text = [
      'models:',
      '  - { name: a, provider: openai, model: gpt-4o, apiKey: sk-a }',
      '  - { name: b, provider: openai, model: gpt-4o, apiKey: sk-b }',
      'fallbacks: { a: [b] }',
      'keys:',
      '  - { id: k1, key: sk-key-one-1, models: [a] }',
      '  - { id: k1, key: sk-key-one-1, models: [zzz] }',
    ].join('\n');
    const issues = await issuesOf(() => parseProxyConfig(text, 'keys.yaml', { env: {} }));
    expect(issues).toEqual([
      '6: keys[0].models[0]: "a" can fall back to "b", which key "k1" may not use; add "b" to its models or change the fallbacks',
      '7: keys[1].id: duplicate key id "k1" (also keys[0])',
      '7: keys[1].key: the same key as keys[0]',
      '7: keys[1].models[0]: unknown alias "zzz" (known: a, b)',
    ]);
  });

  it('guardrails: unknown evaluator, repair before the call, a judge alias that does not exist, a bad regex', async () => {
    const text = [
      'models: [{ name: a, provider: openai, model: gpt-4o, apiKey: sk-a }]',
      'guardrails:',
      '  - { name: e1, type: evaluator, evaluator: telepathy }',
      '  - { name: e2, type: evaluator, evaluator: prompt_injection, stage: pre, action: repair }',
      '  - { name: e3, type: evaluator, evaluator: groundedness, options: { method: judge, alias: judge } }',
      "  - { name: re, type: regex, pattern: '(' }",
    ].join('\n');
    const issues = await issuesOf(() => parseProxyConfig(text, 'g.yaml', { env: {} }));
    expect(issues[0]).toMatch(/^3: guardrails\[0\]\.evaluator: unknown evaluator "telepathy" \(known: .*json_schema/);
    expect(issues[1]).toBe('4: guardrails[1].action: repair is a post-call action (a pre-call guardrail has no answer to repair)');
    expect(issues[2]).toBe('5: guardrails[2].options: judge alias "judge" is not one of the models');
    expect(issues[3]).toMatch(/^6: guardrails\[3\]\.pattern: not a valid regular expression/);
  });

  it('a missing file is a clear error', async () => {
    expect(await issuesOf(loadProxyConfig('/nonexistent/tracegate.yaml'))).toEqual(['?: : file not found']);
  });
});

describe('LiteLLM config.yaml', () => {
  it('maps model_list, router_settings, litellm_settings, general_settings and the tracegate section', async () => {
    const config = await loadProxyConfig(LITELLM, { env });
    expect(config.format).toBe('litellm');
    expect(config.router.models).toEqual([
      { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', baseURL: mock.baseURL('openai'), apiKey: PROVIDER_KEY, rpm: 600 },
      { name: 'gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini', baseURL: mock.baseURL('openai'), apiKey: PROVIDER_KEY, id: 'mini-1', timeouts: { firstTokenMs: 30_000 }, defaults: { temperature: 0.2 } },
      { name: 'claude', provider: 'anthropic', model: 'claude-haiku-4-5', baseURL: mock.url, apiKey: 'sk-ant-from-env-456' },
      { name: 'embeddings', provider: 'openai', model: 'text-embedding-3-small', baseURL: mock.baseURL('openai'), apiKey: PROVIDER_KEY },
    ]);
    expect(config.router).toMatchObject({
      routing: { strategy: 'least-busy' },
      retry: { maxAttempts: 3 },
      breaker: { consecutiveFailures: 4, cooldownMs: 30_000 },
      timeouts: { totalMs: 60_000 },
      fallbacks: { 'gpt-4o': ['gpt-4o-mini'] },
      contextWindowFallbacks: { 'gpt-4o-mini': ['gpt-4o'] },
      dropParams: true,
    });
    expect(config.keys.map((k) => k.id)).toEqual(['master', 'app']);
    expect(config.server.drainTimeoutMs).toBe(5000);
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^litellm_settings\.success_callback: ignored \(tracegate traces every call with OpenTelemetry/),
        expect.stringMatching(/^general_settings\.database_url: ignored/),
      ]),
    );
    expect(config.warnings.join('\n')).not.toMatch(/drop_params/);
    // DATABASE_URL is unset, but it is only read by an ignored setting: no error.
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('errors point into the LiteLLM file, all in one pass and in file order: unsupported provider, missing os.environ variable, unknown strategy', async () => {
    const text = [
      'model_list:', // 1
      '  - model_name: a', // 2
      '    litellm_params:', // 3
      '      model: vertex_ai/gemini-pro', // 4
      '  - model_name: b', // 5
      '    litellm_params:', // 6
      '      model: anthropic/claude-haiku-4-5', // 7
      '      api_key: os.environ/ANTHROPIC_API_KEY', // 8
      '  - model_name: c', // 9
      '    litellm_params:', // 10
      '      model: some-model', // 11
      'router_settings:', // 12
      '  routing_strategy: fastest', // 13
    ].join('\n');
    const issues = await issuesOf(() => parseProxyConfig(text, 'config.yaml', { env: {} }));
    expect(issues).toEqual([
      expect.stringMatching(/^4: model_list\[0\]\.litellm_params\.model: provider "vertex_ai" is not supported by tracegate/),
      '8: model_list[1].litellm_params.api_key: environment variable ANTHROPIC_API_KEY is not set',
      '11: model_list[2].litellm_params.model: cannot tell the provider of "some-model"; write it as "<provider>/<model>", e.g. "openai/some-model"',
      expect.stringMatching(/^13: router_settings\.routing_strategy: unknown routing strategy "fastest"/),
    ]);
  });

  it('azure with base_model, bedrock with AWS keys, costs, order, model-level rpm', async () => {
    const text = [
      'model_list:',
      '  - model_name: az',
      '    litellm_params: { model: azure/my-deploy, api_base: "https://r.openai.azure.com/", api_key: k-azure-1, api_version: "2024-10-21", order: 2 }',
      '    model_info: { base_model: azure/gpt-4o, max_input_tokens: 1000 }',
      '  - model_name: br',
      '    litellm_params: { model: bedrock/converse/anthropic.claude-3-haiku, aws_access_key_id: AKID, aws_secret_access_key: SECRET, aws_region_name: us-east-1, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }',
      '    rpm: 50',
    ].join('\n');
    const config = parseProxyConfig(text, 'config.yaml', { env: {} });
    expect(() => buildRouter(config)).not.toThrow();
    expect(config.router.models).toEqual([
      { name: 'az', provider: 'azure', model: 'gpt-4o', deployment: 'my-deploy', baseURL: 'https://r.openai.azure.com', apiKey: 'k-azure-1', apiVersion: '2024-10-21', priority: 1, capabilities: { contextWindow: 1000 } },
      { name: 'br', provider: 'bedrock', model: 'anthropic.claude-3-haiku', accessKeyId: 'AKID', secretAccessKey: 'SECRET', region: 'us-east-1', price: { input: 1, output: 2 }, rpm: 50 },
    ]);
  });
});

describe('examples/proxy', () => {
  it('both example configs load and build their routers with nothing set in the environment', async () => {
    for (const file of ['proxy.yaml', 'litellm-config.yaml']) {
      const config = await loadProxyConfig(fileURLToPath(new URL(`../../examples/proxy/${file}`, import.meta.url)), { env: {} });
      expect(config.warnings).toEqual([]);
      expect(buildRouter(config).aliases().length).toBeGreaterThan(2);
    }
  });
});

describe('both formats start the proxy and route', () => {
  const hi = [{ role: 'user' as const, content: 'hello' }];

  it('native: the alias reaches its model; the key works; the guardrail blocks before any upstream call', async () => {
    const proxy = await startProxy({ config: await loadProxyConfig(NATIVE, { env }), logger: silentLogger });
    try {
      mock.reset();
      const client = new OpenAI({ apiKey: env.SUPPORT_APP_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'support-fast', messages: hi });
      expect(answer.choices[0]?.message.content).toBe('Mock reply from gpt-4o-mini.');
      expect(mock.calls.at(-1)?.model).toBe('gpt-4o-mini');
      const blocked = await client.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'my card is 4111 1111 1111 1111' }] }).catch((e) => e);
      expect(blocked).toBeInstanceOf(OpenAI.BadRequestError);
      expect(blocked.code).toBe('guardrail_blocked');
      expect(mock.calls).toHaveLength(1);
      const master = new OpenAI({ apiKey: 'sk-master-default-0001', baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      expect((await master.embeddings.create({ model: 'embed', input: 'x' })).data).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('LiteLLM: aliases route, and a failing gpt-4o falls back to gpt-4o-mini as its fallbacks say', async () => {
    const proxy = await startProxy({ config: await loadProxyConfig(LITELLM, { env }), logger: silentLogger });
    try {
      mock.reset();
      const client = new OpenAI({ apiKey: env.APP_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      expect((await client.chat.completions.create({ model: 'gpt-4o', messages: hi })).model).toBe('gpt-4o');
      mock.enqueue({ model: 'gpt-4o' }, { kind: 'auth' });
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse();
      expect(data.model).toBe('gpt-4o-mini');
      expect(response.headers.get('x-tracegate-fallback')).toBe('gpt-4o-mini');
      expect(response.headers.get('x-tracegate-attempts')).toBe('2');
      expect(response.headers.get('x-tracegate-deployment')).toBe('mini-1');
      const master = new OpenAI({ apiKey: env.LITELLM_MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      expect((await master.models.list()).data.map((m) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'claude', 'embeddings']);
      // Another provider behind the same OpenAI endpoint: the mock's Anthropic dialect answers.
      const claude = await master.chat.completions.create({ model: 'claude', messages: hi });
      expect(claude.choices[0]?.message.content).toBe('Mock reply from claude-haiku-4-5.');
      expect(mock.calls.at(-1)).toMatchObject({ dialect: 'anthropic', model: 'claude-haiku-4-5' });
      await expect(client.embeddings.create({ model: 'embeddings', input: 'x' })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    } finally {
      await proxy.close();
    }
  });
});
