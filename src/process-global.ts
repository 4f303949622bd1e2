/**
 * One value per process, shared by the ESM and CommonJS builds of tracegate (and by two copies
 * of the package): kept on `globalThis` under `Symbol.for(key)`, created by `init` on first use.
 * Used for every registry a user fills (custom providers, catalogs, evaluators) and for the
 * instrumentation's process-wide state (open spans, the guard, the registration).
 */
const seen = new Map<string, unknown>();

export function processGlobal<T>(key: string, init: () => T): T {
  const known = seen.get(key);
  if (known !== undefined) return known as T;
  const symbol = Symbol.for(key);
  const g = globalThis as Record<symbol, unknown>;
  if (!(symbol in g)) Object.defineProperty(g, symbol, { value: init(), enumerable: false, configurable: true, writable: true });
  const value = g[symbol] as T;
  // The value is never replaced once created, so this module copy may remember it (some are read on every call).
  if (value !== undefined) seen.set(key, value);
  return value;
}
