/**
 * `tracegate/semconv`: every span name, attribute, event and metric tracegate emits, grouped by
 * the standard it follows. `semconvEntries()` lists them with their type, placement and meaning
 * (the source of `docs/semconv.md`).
 */
export * from './gen-ai.js';
export * from './otel.js';
export * from './openinference.js';
export * from './tracegate.js';
export { semconvEntries } from './registry.js';
export type { SemconvEntry, Standard, NameKind, Placement, ValueType } from './registry.js';
