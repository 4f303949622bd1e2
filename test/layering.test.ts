/**
 * The layering of DESIGN.md, enforced: every static import, re-export and dynamic import() of
 * src/, instrumentations/ and semconv/ is read and checked against the rules below. The checker
 * is also run on a deliberately wrong import graph, so a checker that passes everything fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/build.js';

interface Edge {
  from: string;
  /** Repository-relative path for a relative import, else the package specifier. */
  to: string;
}

const IMPORT = /(?:^|[^.\w])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function importEdges(roots: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  for (const root of roots) {
    for (const file of files(join(ROOT, root))) {
      const from = relative(ROOT, file);
      for (const m of stripComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        const to = spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
        edges.push({ from, to });
      }
    }
  }
  return edges;
}

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);
const isRelativeTarget = (to: string): boolean => /^(src|instrumentations|semconv|test|bench|scripts)(\/|$)/.test(to);
const OTEL_SDK = /^@opentelemetry\/(sdk-|instrumentation|exporter-|resources|otlp-|core$|api-logs$)/;

interface Rule {
  name: string;
  broken(edge: Edge): boolean;
}

export const RULES: Rule[] = [
  { name: 'src/mock imports nothing of tracegate outside src/mock', broken: (e) => under(e.from, 'src/mock') && isRelativeTarget(e.to) && !under(e.to, 'src/mock') },
  { name: 'only src/cli imports instrumentations/', broken: (e) => under(e.to, 'instrumentations') && !under(e.from, 'instrumentations') && !under(e.from, 'src/cli') },
  { name: 'src/http does not import src/providers', broken: (e) => under(e.from, 'src/http') && under(e.to, 'src/providers') },
  { name: 'semconv/ does not import src/', broken: (e) => under(e.from, 'semconv') && under(e.to, 'src') },
  { name: 'the core (src/ but src/cli) imports no OpenTelemetry SDK package', broken: (e) => under(e.from, 'src') && !under(e.from, 'src/cli') && OTEL_SDK.test(e.to) },
  { name: 'production code imports no test code', broken: (e) => !under(e.from, 'test') && under(e.to, 'test') },
];

export function violations(edges: readonly Edge[], rules: readonly Rule[] = RULES): string[] {
  return edges.flatMap((e) => rules.filter((r) => r.broken(e)).map((r) => `${r.name}: ${e.from} imports ${e.to}`));
}

describe('layering', () => {
  const edges = importEdges(['src', 'instrumentations', 'semconv']);

  it('reads the import graph (static, re-export, dynamic)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'src/cli/main.ts', to: 'src/cli/commands/proxy.ts' }); // a dynamic import()
    expect(edges).toContainEqual({ from: 'src/index.ts', to: 'src/errors.ts' }); // export * from
  });

  it('holds on the tree', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('catches each kind of wrong import', () => {
    const wrong: Edge[] = [
      { from: 'src/mock/dialects/openai.ts', to: 'src/providers/openai.ts' },
      { from: 'src/router/call.ts', to: 'instrumentations/setup.ts' },
      { from: 'src/http/sse.ts', to: 'src/providers/types.ts' },
      { from: 'semconv/tracegate.ts', to: 'src/channels.ts' },
      { from: 'src/router/router.ts', to: '@opentelemetry/sdk-trace-node' },
      { from: 'src/router/router.ts', to: 'test/helpers/build.ts' },
    ];
    expect(violations(wrong)).toHaveLength(RULES.length);
    expect(violations([{ from: 'src/cli/telemetry.ts', to: 'instrumentations/index.ts' }, { from: 'src/mock/server.ts', to: 'yaml' }])).toEqual([]);
  });
});
