/**
 * One reader of LiteLLM's config.yaml: the proxy (`--config`) and the report (`tracegate report
 * --config`) read the same file through the same code, so they agree on every entry's provider
 * and model, including the five entries the two copies used to disagree on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRouter, loadProxyConfig } from '../../src/proxy/index.js';
import { configuredDeployments, loadRouteConfig } from '../../src/report/config-file.js';

const FILE = [
  'model_list:',
  '  - model_name: together',
  '    litellm_params: { model: together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo, api_key: os.environ/TOGETHERAI_API_KEY }',
  '  - model_name: claude',
  '    litellm_params: { model: claude-3-5-haiku-20241022, api_key: os.environ/ANTHROPIC_API_KEY }',
  '  - model_name: converse',
  '    litellm_params: { model: bedrock/converse/anthropic.claude-3-haiku-20240307-v1:0, aws_region_name: us-east-1 }',
  '  - model_name: azure-custom',
  '    litellm_params: { model: my-gpt4o-deployment, custom_llm_provider: azure, api_base: "https://r.openai.azure.com/", api_key: os.environ/AZURE_API_KEY }',
  '  - model_name: local',
  '    litellm_params: { model: ollama_chat/llama3.1, api_base: "http://localhost:11434" }',
  '',
].join('\n');

const EXPECTED = [
  ['together', 'together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
  ['claude', 'anthropic', 'claude-3-5-haiku-20241022'],
  ['converse', 'bedrock', 'anthropic.claude-3-haiku-20240307-v1:0'],
  ['azure-custom', 'azure', 'my-gpt4o-deployment'],
  ['local', 'ollama', 'llama3.1'],
];

describe('LiteLLM config: one reader for the proxy and the report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-litellm-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, FILE);

  it('the proxy maps the five entries to the right providers and models', async () => {
    const env = { TOGETHERAI_API_KEY: 't', ANTHROPIC_API_KEY: 'a', AZURE_API_KEY: 'z', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 's' };
    const config = await loadProxyConfig(file, { env });
    expect(config.router.models.map((m) => [m.name, m.provider, m.model])).toEqual(EXPECTED);
    const router = buildRouter(config);
    expect(router.deployments().map((d) => [d.name, d.provider, d.model])).toEqual(EXPECTED);
  });

  it('the report labels the same aliases with the same providers and models, without any credential', async () => {
    const routes = await loadRouteConfig(file);
    expect([...routes.aliases.values()].flat().map((d) => [d.alias, d.provider, d.model])).toEqual(EXPECTED);
    expect([...routes.aliases.values()].flat().map((d) => d.id)).toEqual(['together#0', 'claude#0', 'converse#0', 'azure-custom#0', 'local#0']);
  });
});

describe('the report and wildcard routes', () => {
  it('a model served by a wildcard is its own route, with the deployment id and model the router gives it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-litellm-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, ['model_list:', '  - model_name: "anthropic/*"', '    litellm_params: { model: "anthropic/*" }', '  - model_name: "*"', '    litellm_params: { model: "openai/*" }', ''].join('\n'));
    const routes = await loadRouteConfig(file);
    expect(configuredDeployments(routes, 'anthropic/claude-3-5-haiku')?.map((d) => [d.id, d.provider, d.model])).toEqual([['anthropic/claude-3-5-haiku#0', 'anthropic', 'claude-3-5-haiku']]);
    expect(configuredDeployments(routes, 'gpt-4.1-nano')?.map((d) => [d.id, d.provider, d.model])).toEqual([['gpt-4.1-nano#0', 'openai', 'gpt-4.1-nano']]);
    // the router names the same deployments
    const router = buildRouter(await loadProxyConfig(file, { env: { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' } }));
    expect(router.groups.get('anthropic/claude-3-5-haiku')!.map((d) => [d.id, d.provider, d.model])).toEqual([['anthropic/claude-3-5-haiku#0', 'anthropic', 'claude-3-5-haiku']]);
    expect(router.groups.get('gpt-4.1-nano')!.map((d) => [d.id, d.provider, d.model])).toEqual([['gpt-4.1-nano#0', 'openai', 'gpt-4.1-nano']]);
  });
});
