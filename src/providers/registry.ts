/** Provider adapters by id. Built-ins are registered by `./builtin.ts`; users may add their own. */
import { ConfigError } from '../errors.js';
import type { ProviderAdapter } from './types.js';

const adapters = new Map<string, ProviderAdapter>();

export function registerProvider(adapter: ProviderAdapter): void {
  adapters.set(adapter.id, adapter);
}

export function getProvider(id: string): ProviderAdapter {
  const adapter = adapters.get(id);
  if (!adapter) {
    throw new ConfigError(`unknown provider "${id}" (known: ${[...adapters.keys()].sort().join(', ')})`);
  }
  return adapter;
}

export function hasProvider(id: string): boolean {
  return adapters.has(id);
}

export function listProviders(): string[] {
  return [...adapters.keys()].sort();
}
