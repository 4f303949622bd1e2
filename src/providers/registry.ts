/**
 * Provider adapters by id. Built-ins are registered by `./builtin.ts` into this build's own table
 * (each build's router uses its own adapters and error classes); a user's `registerProvider` goes
 * to a table shared by the ESM and CommonJS builds (see process-global.ts), so a provider
 * registered through one build is known to a Router of the other. A user's adapter with a
 * built-in's id replaces it.
 */
import { ConfigError } from '../errors.js';
import { processGlobal } from '../process-global.js';
import type { ProviderAdapter } from './types.js';

const builtins = new Map<string, ProviderAdapter>();
const custom = (): Map<string, ProviderAdapter> => processGlobal('tracegate.providers.registry', () => new Map<string, ProviderAdapter>());

/** For `./builtin.ts` only. */
export function registerBuiltinProvider(adapter: ProviderAdapter): void {
  builtins.set(adapter.id, adapter);
}

export function registerProvider(adapter: ProviderAdapter): void {
  custom().set(adapter.id, adapter);
}

function find(id: string): ProviderAdapter | undefined {
  return custom().get(id) ?? builtins.get(id);
}

export function getProvider(id: string): ProviderAdapter {
  const adapter = find(id);
  if (!adapter) {
    throw new ConfigError(`unknown provider "${id}" (known: ${listProviders().join(', ')})`);
  }
  return adapter;
}

export function hasProvider(id: string): boolean {
  return find(id) !== undefined;
}

export function listProviders(): string[] {
  return [...new Set([...builtins.keys(), ...custom().keys()])].sort();
}
