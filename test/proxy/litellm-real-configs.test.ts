/**
 * LiteLLM's own proxy configs (test/fixtures/litellm/, see SOURCES.md) load as `tracegate proxy
 * --check` loads them (every environment variable they name set to a dummy) and map as LiteLLM
 * would: aliases, deployments and their providers, timeouts, limits, fallbacks and settings.
 * Every LiteLLM key they use is implemented, mapped, or documented in docs/proxy.md as
 * unsupported; the summary line is printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRouter, loadProxyConfig, type ProxyConfig } from '../../src/proxy/index.js';
import { convertLiteLLM, type KeyKind } from '../../src/proxy/config/litellm.js';
import { parseSource } from '../../src/proxy/config/source.js';
import type { Router } from '../../src/index.js';

const DIR = new URL('../fixtures/litellm/', import.meta.url);
const DOCS = readFileSync(new URL('../../docs/proxy.md', import.meta.url), 'utf8');

/** Every variable the configs name (os.environ/...), and the providers' standard ones, set to dummies. */
const env: NodeJS.ProcessEnv = {};
for (const n of [
  'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'AZURE_API_KEY', 'AZURE_API_VERSION', 'GROQ_API_KEY', 'COHERE_API_KEY', 'GEMINI_API_KEY',
  'MISTRAL_API_KEY', 'HF_TOKEN', 'OPENROUTER_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AZURE_API_KEY_EU', 'AZURE_API_KEY_CA',
  'REDIS_PASSWORD', 'APORIA_API_KEY_1', 'APORIA_API_KEY_2', 'LANGFUSE_PROJECT1_PUBLIC', 'LANGFUSE_PROJECT1_SECRET',
  'LANGFUSE_PROJECT2_PUBLIC', 'LANGFUSE_PROJECT2_SECRET',
]) env[n] = `dummy-${n.toLowerCase()}`;
Object.assign(env, {
  AZURE_API_BASE: 'https://dummy-resource.openai.azure.com/',
  FAKE_OPENAI_API_BASE: 'http://127.0.0.1:9/v1',
  APORIA_API_BASE_1: 'https://aporia.invalid',
  APORIA_API_BASE_2: 'https://aporia.invalid',
  REDIS_HOST: '127.0.0.1',
  REDIS_PORT: '6379',
  AWS_REGION: 'us-east-1',
});

interface Row {
  file: string;
  /** What `tracegate proxy` needs to start with it (`--skip-unsupported`, `--allow-ignored-security-settings`). */
  flags?: { skipUnsupported?: true; allowIgnoredSecurity?: true };
  /** `alias=provider/model` per deployment, in config order. */
  deployments: string[];
  check?(config: ProxyConfig, router: Router): void;
}

const dep = (c: ProxyConfig) => c.router.models.map((m) => `${m.name}=${m.provider}/${m.model}`);
const model = (c: ProxyConfig, name: string, n = 0) => c.router.models.filter((m) => m.name === name)[n]!;

const ROWS: Row[] = [
  {
    file: 'proxy_server_config.yaml',
    flags: { skipUnsupported: true },
    deployments: [
      'gpt-3.5-turbo-end-user-test=openai/gpt-3.5-turbo',
      'gpt-3.5-turbo-end-user-test=azure/chatgpt-v-2',
      'gpt-3.5-turbo=azure/chatgpt-v-2',
      'gpt-3.5-turbo-large=openai/gpt-3.5-turbo-1106',
      'gpt-4=azure/chatgpt-v-2',
      'text-embedding-ada-002=azure/text-embedding-ada-002',
      'openai-dall-e-3=openai/dall-e-3',
      'fake-openai-endpoint=openai/fake',
      'fake-openai-endpoint-2=openai/my-fake-model',
      'fake-openai-endpoint-3=openai/my-fake-model',
      'fake-openai-endpoint-3=openai/my-fake-model-2',
      'bad-model=openai/bad-model',
      '*=openai/*',
      'anthropic/*=anthropic/*',
      'groq/*=groq/*',
      'mistral-embed=mistral/mistral-embed',
      'gpt-instruct=openai-completions/gpt-3.5-turbo-instruct',
      'my-special-fake-model-alias-name=openai/my-fake-model',
      'my-special-fake-model-alias-name=openai/my-fake-model-2',
    ],
    check(c) {
      expect(model(c, 'gpt-3.5-turbo-end-user-test').id).toBe('1');
      // the unprefixed gpt-3.5-turbo takes OPENAI_API_KEY; azure entries take their os.environ key
      expect(model(c, 'gpt-3.5-turbo-end-user-test').apiKey).toBe(env.OPENAI_API_KEY);
      expect(model(c, 'gpt-4')).toMatchObject({ apiKey: env.AZURE_API_KEY, apiVersion: '2023-05-15', rpm: 480, timeouts: { firstTokenMs: 300_000, streamFirstTokenMs: 60_000 } });
      expect(model(c, 'text-embedding-ada-002')).toMatchObject({ deployment: 'azure-embedding-model', capabilities: { embeddings: true } });
      expect(model(c, 'fake-openai-endpoint-2')).toMatchObject({ rpm: 1, timeouts: { streamFirstTokenMs: 1 } });
      expect(model(c, 'mistral-embed').apiKey).toBe(env.MISTRAL_API_KEY);
      expect(c.router).toMatchObject({
        timeouts: { totalMs: 600_000 },
        retry: { maxAttempts: 6 },
        routing: { strategy: 'headroom' },
        contextWindowCheck: true,
        contextWindowFallbacks: { 'gpt-3.5-turbo': ['gpt-3.5-turbo-large'] },
      });
      expect(c.keys.map((k) => k.id)).toEqual(['master']);
      expect(c.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/sagemaker.*left out \(--skip-unsupported\)/), expect.stringMatching(/master key has only 7 characters/)]));
    },
  },
  {
    file: 'aliases_config.yaml',
    deployments: ['text-davinci-003=ollama/zephyr', 'gpt-4=ollama/llama2', 'gpt-3.5-turbo=ollama/llama2'],
    check(c) {
      expect(c.router.models.every((m) => m.baseURL === undefined)).toBe(true); // Ollama's default base
      // litellm_params.temperature is the deployment's default temperature
      expect(model(c, 'gpt-3.5-turbo')).toMatchObject({ defaults: { temperature: 0.1 } });
      expect(c.warnings.some((w) => /litellm_params\.temperature/.test(w))).toBe(false);
    },
  },
  {
    file: 'azure_config.yaml',
    deployments: ['gpt-4-team1=azure/chatgpt-v-2', 'gpt-4-team2=azure/gpt-4'],
    check(c) {
      // tpm: 20_000 is a YAML 1.1 number; timeout is the whole answer, stream_timeout only for streams
      expect(model(c, 'gpt-4-team1')).toMatchObject({ tpm: 20_000, timeouts: { firstTokenMs: 5000, streamFirstTokenMs: 500 }, apiKey: env.AZURE_API_KEY });
      expect(model(c, 'gpt-4-team2')).toMatchObject({ tpm: 100_000, apiVersion: env.AZURE_API_VERSION });
    },
  },
  {
    file: 'azure_config_with_tpm.yaml',
    deployments: ['gpt-3.5-turbo=azure/gpt-35-1', 'gpt-3.5-turbo=azure/gpt-35-2'],
    check(c) {
      expect(c.router.models.map((m) => [m.tpm, m.apiKey])).toEqual([[80_000, '73g'], [80_000, '9kj']]);
    },
  },
  {
    file: 'load_balancer.yaml',
    flags: { skipUnsupported: true },
    deployments: ['gpt-3.5-turbo=openai/gpt-3.5-turbo', 'gpt-3.5-turbo=openai/gpt-3.5-turbo', 'gpt-3.5-turbo=openrouter/gpt-3.5-turbo'],
    check(c) {
      expect(c.router.models.map((m) => [m.rpm, m.tpm])).toEqual([[3, 20_000], [3, 20_000], [undefined, undefined]]);
      expect(model(c, 'gpt-3.5-turbo', 2).apiKey).toBe(env.OPENROUTER_API_KEY);
      expect(c.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/"mistralai" is not a LiteLLM provider prefix \(did you mean "mistral"\?\)/)]));
    },
  },
  { file: 'simple_config.yaml', deployments: ['gpt-3.5-turbo=openai/gpt-5-mini'], check: (c) => expect(model(c, 'gpt-3.5-turbo').apiKey).toBe(env.OPENAI_API_KEY) },
  {
    file: 'multi_instance_simple_config.yaml',
    deployments: ['fake-openai-endpoint=openai/my-fake-model'],
    check: (c) => expect(c.router.cache).toEqual({ enabled: true }),
  },
  {
    file: 'otel_test_config.yaml',
    flags: { allowIgnoredSecurity: true },
    deployments: ['fake-openai-endpoint=openai/fake', 'fake-openai-endpoint=openai/fake', 'rerank-english-v3.0=cohere/rerank-english-v3.0', 'llava-hf=openai/llava-hf/llava-v1.6-vicuna-7b-hf'],
    check(c) {
      expect(c.router.models.map((m) => [m.id, m.tags])).toEqual([['team-a-model', ['teamA']], ['team-b-model', ['teamB']], [undefined, undefined], [undefined, undefined]]);
      expect(model(c, 'llava-hf').capabilities).toEqual({ vision: true });
      expect(c.warnings.filter((w) => /IGNORED security setting/.test(w))).toHaveLength(6);
    },
  },
  { file: 'spend_tracking_config.yaml', deployments: ['fake-openai-endpoint=openai/gpt-5-mini'] },
  { file: 'store_model_db_config.yaml', deployments: ['fake-openai-endpoint=openai/my-fake-model'] },
  {
    file: 'enterprise_config.yaml',
    deployments: ['gpt-4=openai/fake'],
    check(c) {
      expect(c.router.routing?.rules).toEqual([{ match: { tags: ['teamA'] }, deploymentTags: ['teamA'], strict: true }, { match: {}, deploymentTags: ['default'] }]);
    },
  },
  { file: 'disable_schema_update.yaml', deployments: ['fake-openai-endpoint=openai/fake', 'gpt-4=openai/gpt-4'] },
  {
    file: '_health_check_test_config.yaml',
    deployments: ['text-embedding-ada-002=azure/text-embedding-ada-002'],
    check: (c) => expect(model(c, 'text-embedding-ada-002')).toMatchObject({ baseURL: 'https://dummy-resource.openai.azure.com', apiVersion: '2023-07-01-preview' }),
  },
  { file: 'prometheus_test_config.yaml', deployments: ['fake-openai-endpoint=openai/fake'] },
  {
    file: 'docs_timeout_per_model.yaml',
    deployments: ['gpt-3.5-turbo=azure/gpt-turbo-small-eu', 'gpt-3.5-turbo=azure/gpt-turbo-small-ca'],
    check(c) {
      expect(c.router.models.map((m) => m.timeouts)).toEqual([
        { firstTokenMs: 100, streamFirstTokenMs: 10 },
        { firstTokenMs: 100, streamFirstTokenMs: 10 },
      ]);
      // `api_key:` left empty: AZURE_API_KEY, as LiteLLM
      expect(c.router.models.map((m) => m.apiKey)).toEqual(['<your-key>', env.AZURE_API_KEY]);
    },
  },
  {
    file: 'docs_wildcard_routing.yaml',
    deployments: ['anthropic/*=anthropic/*', 'groq/*=groq/*', 'fo::*:static::*=openai/fo::*:static::*'],
    check(_c, r) {
      expect(r.groups.get('anthropic/claude-3-sonnet-20240229')!.map((d) => [d.provider, d.model])).toEqual([['anthropic', 'claude-3-sonnet-20240229']]);
      expect(r.groups.get('fo::hi::static::hi')!.map((d) => [d.provider, d.model])).toEqual([['openai', 'fo::hi::static::hi']]);
      expect(r.groups.has('mistral/x')).toBe(false);
    },
  },
  {
    file: 'docs_tag_routing.yaml',
    deployments: ['gpt-4=openai/fake', 'gpt-4=openai/gpt-4o', 'gpt-4=openai/gpt-4o'],
    check(c) {
      expect(c.router.routing?.rules?.map((r) => r.deploymentTags)).toEqual([['free'], ['paid'], ['default']]);
    },
  },
  {
    file: 'docs_content_filter_pii.yaml',
    deployments: ['gpt-3.5-turbo=openai/gpt-3.5-turbo'],
    check(c) {
      expect(c.router.hooks?.preCall?.map((h) => h.name)).toEqual(['content-filter-pre:us_ssn', 'content-filter-pre:email', 'content-filter-pre:confidential']);
    },
  },
  {
    file: 'docs_reliability_fallbacks_retries.yaml',
    deployments: [
      'zephyr-beta=huggingface/HuggingFaceH4/zephyr-7b-beta',
      'zephyr-beta=huggingface/HuggingFaceH4/zephyr-7b-beta',
      'zephyr-beta=huggingface/HuggingFaceH4/zephyr-7b-beta',
      'gpt-3.5-turbo=openai/gpt-3.5-turbo',
      'gpt-3.5-turbo-16k=openai/gpt-3.5-turbo-16k',
    ],
    check(c) {
      expect(c.router).toMatchObject({
        timeouts: { totalMs: 10_000 },
        retry: { maxAttempts: 4 },
        fallbacks: { 'zephyr-beta': ['gpt-3.5-turbo'] },
        breaker: { consecutiveFailures: 4, cooldownMs: 30_000 },
      });
    },
  },
  {
    file: 'docs_reliability_model_id.yaml',
    deployments: ['gpt-4=openai/gpt-4', 'gpt-4=azure/chatgpt-v-2', 'anthropic-claude=anthropic/claude-3-opus-20240229'],
    check: (c) => expect(c.router.models.map((m) => m.id)).toEqual(['my-specific-model-id', undefined, undefined]),
  },
  {
    file: 'docs_configs_quick_start.yaml',
    deployments: [
      'gpt-4o=azure/gpt-4o-eu',
      'bedrock-claude-v1=bedrock/anthropic.claude-instant-v1',
      'gpt-4o=azure/gpt-4o-ca',
      'anthropic-claude=bedrock/anthropic.claude-instant-v1',
      'vllm-models=openai/facebook/opt-125m',
      'gpt-*=openai/gpt-*',
      'o1*=openai/o1*',
      'o3*=openai/o3*',
      'o4*=openai/o4*',
      'chatgpt-*=openai/chatgpt-*',
      'text-embedding-*=openai/text-embedding-*',
      'claude*=anthropic/claude*',
      'gemini*=gemini/gemini*',
      'command*=cohere/command*',
      'openai/*=openai/*',
      'text-completion-openai/*=openai-completions/*',
      'azure/*=azure/*',
      'anthropic/*=anthropic/*',
      'gemini/*=gemini/*',
      'bedrock/*=bedrock/*',
      'groq/*=groq/*',
      'mistral/*=mistral/*',
      'openrouter/*=openrouter/*',
      'ollama/*=ollama/*',
      'ollama_chat/*=ollama/*',
      'hosted_vllm/*=vllm/*',
      'lm_studio/*=lm_studio/*',
      'huggingface/*=huggingface/*',
      'cohere/*=cohere/*',
      'cohere_chat/*=cohere/*',
    ],
    check(c, r) {
      expect(model(c, 'gpt-4o', 1)).toMatchObject({ apiKey: env.AZURE_API_KEY_CA, rpm: 6 });
      expect(model(c, 'anthropic-claude')).toMatchObject({ region: 'us-east-1', accessKeyId: env.AWS_ACCESS_KEY_ID });
      // LiteLLM's model "*": a request for an unconfigured model goes to its provider
      expect(r.groups.get('claude-3-haiku-20240307')!.map((d) => [d.provider, d.model])).toEqual([['anthropic', 'claude-3-haiku-20240307']]);
      expect(r.groups.get('groq/llama3-8b-8192')!.map((d) => [d.provider, d.model])).toEqual([['groq', 'llama3-8b-8192']]);
      expect(r.groups.get('gpt-4o')!.map((d) => d.provider)).toEqual(['azure', 'azure']); // explicit aliases win
    },
  },
  {
    file: 'docs_configs_bedrock_cohere.yaml',
    deployments: ['bedrock-cohere=bedrock/cohere.command-text-v14', 'bedrock-cohere=bedrock/cohere.command-text-v14', 'bedrock-cohere=bedrock/cohere.command-text-v14'],
    check: (c) => expect(c.router.models.map((m) => m.region)).toEqual(['us-west-2', 'us-east-2', 'us-east-1']),
  },
  {
    file: 'docs_configs_load_balancing.yaml',
    deployments: [
      'zephyr-beta=huggingface/HuggingFaceH4/zephyr-7b-beta',
      'zephyr-beta=huggingface/HuggingFaceH4/zephyr-7b-beta',
      'zephyr-beta=huggingface/HuggingFaceH4/zephyr-7b-beta',
      'gpt-4o=openai/gpt-4o',
      'gpt-3.5-turbo-16k=openai/gpt-3.5-turbo-16k',
      'gpt-4=openai/gpt-4o',
    ],
    check(c) {
      expect(c.router.models.map((m) => m.rpm)).toEqual([60, 600, 60_000, 200, 100, 200]);
      expect(c.router).toMatchObject({
        routing: { strategy: 'weighted' },
        retry: { maxAttempts: 3 },
        timeouts: { totalMs: 30_000 },
        fallbacks: { 'zephyr-beta': ['gpt-4o'] },
        contextWindowFallbacks: { 'zephyr-beta': ['gpt-3.5-turbo-16k'], 'gpt-4o': ['gpt-3.5-turbo-16k'] },
      });
    },
  },
  {
    file: 'docs_configs_hf_embeddings.yaml',
    deployments: ['deployed-codebert-base=huggingface/microsoft/codebert-base', 'codebert-base=huggingface/microsoft/codebert-base'],
  },
  {
    file: 'docs_configs_openai_embeddings.yaml',
    deployments: ['text-embedding-ada-002=openai/text-embedding-ada-002', 'text-embedding-ada-002=openai/text-embedding-ada-002'],
  },
];

const allKeys = new Map<string, KeyKind>();
let loaded = 0;

describe('real LiteLLM configs', () => {
  it('the table covers every file in test/fixtures/litellm (at least 20)', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(ROWS.map((r) => r.file).sort()).toEqual(files.sort());
  });

  it.each(ROWS)('$file loads (--check) and maps as LiteLLM would', async (row) => {
    const path = new URL(row.file, DIR).pathname;
    const config = await loadProxyConfig(path, { env, ...row.flags });
    const router = buildRouter(config);
    expect(config.format).toBe('litellm');
    expect(dep(config)).toEqual(row.deployments);
    const patterns = [...new Set(row.deployments.map((d) => d.split('=')[0]!).filter((n) => n.includes('*')))];
    expect(router.wildcards().map((w) => w.pattern).sort()).toEqual(patterns.sort());
    row.check?.(config, router);
    if (row.flags) {
      // without the flag it refuses to start, naming what it would leave out
      await expect(loadProxyConfig(path, { env })).rejects.toThrow(/--skip-unsupported|--allow-ignored-security-settings/);
    }
    const conv = convertLiteLLM(parseSource(path, readFileSync(path, 'utf8')).data as Record<string, unknown>, env, row.flags);
    for (const [k, kind] of conv.keys) if (!allKeys.has(k) || kind !== 'unsupported') allKeys.set(k, kind);
    loaded++;
  });

  it('every LiteLLM key they use is implemented, mapped or documented in docs/proxy.md', () => {
    const undocumented = [...allKeys.keys()].filter((k) => !DOCS.includes(`\`${k.split('.').pop()!.replace('[]', '')}\``));
    expect(undocumented).toEqual([]);
  });
});

afterAll(() => {
  const count = (kind: KeyKind) => [...allKeys.values()].filter((k) => k === kind).length;
  const line = `${loaded} of ${ROWS.length} LiteLLM configs load; ${count('implemented')} keys implemented, ${count('mapped')} mapped, ${count('unsupported')} documented as unsupported`;
  console.log(line);
});
