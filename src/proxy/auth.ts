/** Who is calling: the virtual key of a request (401 without a valid one) and whether it may use an alias (403). */
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, NotFoundError, PermissionDeniedError } from '../errors.js';
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

/** The aliases a key may use, in config order. */
export function allowedAliases(state: ProxyState, key: VirtualKey | undefined): string[] {
  return state.router.aliases().filter((a) => allows(key, a));
}
