/**
 * A typo in a model entry or in the router options is an error with a "did you mean", in the
 * router and in both config formats: a misspelled `baseURL` must not silently send traffic (and
 * the key) to the provider's default endpoint.
 */
import { describe, expect, it } from 'vitest';
import { Router } from '../../src/index.js';
import { parseProxyConfig } from '../../src/proxy/index.js';

const base = { provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0000' };

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return ((err as { issues?: { line?: number; path: string; message: string }[] }).issues ?? []).map((i) => `${i.line ?? '?'}: ${i.path}: ${i.message}`);
  }
  throw new Error('expected an error');
}

describe('strict per-provider settings', () => {
  it('the router refuses baseUrl, wieght and priorty, naming the setting meant', () => {
    expect(() => new Router({ models: [{ name: 'a', ...base, baseUrl: 'http://127.0.0.1:9/v1' } as never] })).toThrow(
      /models\[0\]\.baseUrl: unknown setting "baseUrl" for provider "openai" \(did you mean "baseURL"\?\)/,
    );
    let message = '';
    try {
      new Router({ models: [{ name: 'a', ...base, wieght: 2 } as never, { name: 'b', ...base, priorty: 1 } as never] });
    } catch (err) {
      message = (err as Error).message;
    }
    // every bad entry at once
    expect(message).toMatch(/models\[0\]\.wieght: unknown setting "wieght" for provider "openai" \(did you mean "weight"\?\)/);
    expect(message).toMatch(/models\[1\]\.priorty: unknown setting "priorty" for provider "openai" \(did you mean "priority"\?\)/);
  });

  it('provider settings are checked per provider: apiVersion is an Azure setting, not an Anthropic one', () => {
    expect(() => new Router({ models: [{ name: 'a', provider: 'azure', model: 'gpt-4o', apiKey: 'k', baseURL: 'https://r.openai.azure.com', apiVersion: '2024-10-21' }] })).not.toThrow();
    expect(() => new Router({ models: [{ name: 'a', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: 'k', apiVerison: 'x' } as never] })).toThrow(/unknown setting "apiVerison" for provider "anthropic"/);
    expect(() => new Router({ models: [{ name: 'a', provider: 'azure', model: 'gpt-4o', apiKey: 'k', baseURL: 'https://r.openai.azure.com', apiVerison: 'x' } as never] })).toThrow(/did you mean "apiVersion"/);
  });

  it('router options: an unknown key gets a suggestion', () => {
    expect(() => new Router({ models: [{ name: 'a', ...base }], routing: { stratgy: 'weighted' } } as never)).toThrow(/routing\.stratgy: unknown key "stratgy" \(did you mean "strategy"\?\)/);
  });

  it('native config file: the typo is an error at its line', () => {
    const text = ['models:', '  - name: a', '    provider: openai', '    model: gpt-4o-mini', '    apiKey: sk-test-0000', '    baseUrl: http://127.0.0.1:9/v1'].join('\n');
    expect(issuesOf(() => parseProxyConfig(text, 'native.yaml', { env: {} }))).toEqual(['6: models[0].baseUrl: unknown setting "baseUrl" for provider "openai" (did you mean "baseURL"?)']);
  });

  it('LiteLLM config file: a misspelled litellm_params key is an error at its line, with the LiteLLM name', () => {
    const text = ['model_list:', '  - model_name: a', '    litellm_params:', '      model: openai/gpt-4o-mini', '      api_key: sk-test-0000', '      api_bsae: http://127.0.0.1:9/v1', 'router_settings:', '  routing_stratgy: least-busy', 'litelm_settings: {}'].join('\n');
    expect(issuesOf(() => parseProxyConfig(text, 'config.yaml', { env: {} }))).toEqual([
      '6: model_list[0].litellm_params.api_bsae: unknown setting "api_bsae" (did you mean "api_base"?)',
      '8: router_settings.routing_stratgy: unknown setting "routing_stratgy" (did you mean "routing_strategy"?)',
      '9: litelm_settings: unknown section "litelm_settings" (did you mean "litellm_settings"?)',
    ]);
  });
});
