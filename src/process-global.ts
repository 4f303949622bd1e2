/**
 * One value per process, shared by the ESM and CommonJS builds of tracegate (and by two copies
 * of the package): kept on `globalThis` under `Symbol.for(key)`, created by `init` on first use.
 * Used for every registry a user fills (custom providers, catalogs, evaluators) and for the
 * instrumentation's process-wide state (open spans, the guard, the registration).
 */
export function processGlobal<T>(key: string, init: () => T): T {
  const symbol = Symbol.for(key);
  const g = globalThis as Record<symbol, unknown>;
  if (!(symbol in g)) Object.defineProperty(g, symbol, { value: init(), enumerable: false, configurable: true, writable: true });
  return g[symbol] as T;
}
