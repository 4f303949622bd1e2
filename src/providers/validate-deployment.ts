/** Checks shared by several adapters' `validateDeployment`. */
import { ConfigError } from '../errors.js';
import type { Deployment } from './types.js';

/** The entry has an `apiKey`, or sends its own `authorization` header (e.g. a Bearer token). */
export function requireKeyOrAuthorization(d: Deployment): void {
  const bearer = Object.keys(d.headers).some((h) => h.toLowerCase() === 'authorization');
  if (!d.apiKey && !bearer) throw new ConfigError(`model entry "${d.id}": provider "${d.provider}" needs an apiKey (or an authorization header)`);
}
