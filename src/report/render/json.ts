/** `--json`: the whole report as JSON (the same data the HTML page embeds). */
import type { Report } from '../types.js';

export function renderJson(report: Report, pretty = true): string {
  return JSON.stringify(report, null, pretty ? 2 : undefined) + '\n';
}
