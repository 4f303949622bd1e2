/**
 * The alias a client's model name stands for: the name itself when it is an alias, else the
 * config's `modelAliases` entry for it, else its `"*"` entry, else the name unchanged (the
 * router then answers 404 listing the aliases).
 */
import type { ProxyState } from '../context.js';

export function aliasFor(state: ProxyState, requested: string): string {
  if (state.router.groups.has(requested)) return requested;
  const map = state.ingress.modelAliases;
  return map[requested] ?? map['*'] ?? requested;
}
