/** Child processes running apps under `tracegate/register` against `tracegate mock`, and their spans. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/build.js';
import { readOtlpJsonLines, type FlatSpan } from '../helpers/otlp-json.js';

export const APPS = 'test/sdk/apps';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` in the repository root; spans go to `tracesFile`. */
export function runApp(args: string[], tracesFile: string, env: Record<string, string>): Promise<RunResult> {
  const full: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_NO_WARNINGS: '1',
    OTEL_TRACES_EXPORTER: 'file',
    TRACEGATE_TRACES_FILE: tracesFile,
    OTEL_SERVICE_NAME: 'sdk-test',
    ...env,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: full, timeout: 60_000 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr });
    });
  });
}

export function spansOf(file: string): FlatSpan[] {
  return readOtlpJsonLines(file);
}

export function rawText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Attributes whose values differ from run to run (ports, timings). */
export const VOLATILE = new Set(['server.port', 'gen_ai.response.time_to_first_chunk']);

/** A span as a comparable record: name, kind, status, events and attributes (volatile values replaced). */
export function comparable(s: FlatSpan): Record<string, unknown> {
  const attributes = Object.fromEntries(
    Object.entries(s.attributes)
      .map(([k, v]) => [k, VOLATILE.has(k) ? '<volatile>' : v] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { name: s.name, kind: s.kind, status: s.statusCode, scope: s.scope, events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })), attributes };
}

/** Children of each span by parent span id. */
export function childrenOf(spans: FlatSpan[]): Map<string, FlatSpan[]> {
  const m = new Map<string, FlatSpan[]>();
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    const list = m.get(s.parentSpanId) ?? [];
    list.push(s);
    m.set(s.parentSpanId, list);
  }
  return m;
}

export function tracesFile(dir: string, name: string): string {
  return join(dir, `${name}.jsonl`);
}
