/** Who is calling: the virtual key of a request (401 without a valid one) and whether it may use an alias (403). */
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { catalogModelIds } from '../providers/catalog/index.js';
import { wildcardRegex } from '../router/wildcard.js';
import { LITELLM_PROVIDERS } from './config/litellm-providers.js';
import type { ProxyState } from './context.js';
import { allows, presentedKey, type VirtualKey } from './keys.js';

/** The request's key; undefined when the proxy has no keys configured (open). */
export function authenticate(state: ProxyState, req: IncomingMessage): VirtualKey | undefined {
  if (!state.keys.enabled) return undefined;
  const presented = presentedKey(req.headers);
  if (presented === undefined) {
    throw new AuthenticationError('missing API key: send "Authorization: Bearer <key>" (or an "api-key" or "x-api-key" header)', { code: 'missing_api_key' });
  }
  const key = state.keys.authenticate(presented);
  if (!key) throw new AuthenticationError('invalid API key', { code: 'invalid_api_key' });
  return key;
}

/**
 * Throws 403 when the key may not use a configured alias. Unknown aliases are a 404: the
 * router's (which lists every alias) for unrestricted keys, this one (listing only the key's
 * own aliases) for restricted keys.
 */
export function checkAlias(state: ProxyState, key: VirtualKey | undefined, alias: string): void {
  if (allows(key, alias)) return;
  if (!state.router.groups.has(alias)) {
    throw new NotFoundError(`model "${alias}" is not configured (models for this key: ${allowedAliases(state, key).join(', ')})`, {
      code: 'model_not_found',
      param: 'model',
    });
  }
  throw new PermissionDeniedError(`key "${key!.id}" may not use model "${alias}"`, { code: 'model_not_allowed', param: 'model' });
}

/**
 * The models a key may use, in config order: the aliases, then what its wildcard routes reach
 * (the catalog's models of their providers that match, e.g. `anthropic/claude-sonnet-4-5`).
 */
export function allowedAliases(state: ProxyState, key: VirtualKey | undefined): string[] {
  const names = new Set(state.router.aliases());
  for (const w of state.router.wildcards()) {
    for (const provider of w.providers) {
      for (const model of catalogModelIds(provider)) {
        for (const name of [model, `${provider}/${model}`, ...litellmNames(provider, model)]) if (wildcardRegex(w.pattern).test(name) && !state.router.aliases().includes(name)) names.add(name);
      }
    }
  }
  return [...names].filter((a) => !a.includes('*') && allows(key, a));
}

/** `anthropic/claude-x` for the LiteLLM prefixes of a provider (`together_ai/...` for together). */
function litellmNames(provider: string, model: string): string[] {
  return Object.entries(LITELLM_PROVIDERS)
    .filter(([prefix, p]) => p === provider && prefix !== provider)
    .map(([prefix]) => `${prefix}/${model}`);
}
