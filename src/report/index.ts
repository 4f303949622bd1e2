/**
 * `tracegate report` as a library: `buildReport()` reads exported traces (and evaluations) into a
 * `Report`; `renderTerminal`, `renderJson` and `renderHtml` print it.
 */
export { buildReport, type ReportOptions } from './build.js';
export { parseDimensions, DIMENSIONS, type Dimension } from './cohort.js';
export { DEFAULT_THRESHOLDS, compareReports } from './compare.js';
export { renderTerminal } from './render/terminal.js';
export { renderJson } from './render/json.js';
export { renderHtml } from './render/html/page.js';
export type * from './types.js';
