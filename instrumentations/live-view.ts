/**
 * An object whose properties are read through getters at each access: what an instrumentation
 * hands to its recorders, so they always see its current tracer, configuration and meters.
 */
export function liveView<T extends object>(getters: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const key of Object.keys(getters) as (keyof T & string)[]) Object.defineProperty(out, key, { get: getters[key], enumerable: true });
  return out;
}
