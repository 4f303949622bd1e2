/**
 * The evaluation spec of `tracegate eval` (YAML or JSON; docs/evals.md):
 *
 *   router:                 # optional: Router options for judge and embedding aliases
 *     models: [{ name: judge, provider: openai, model: gpt-4o-mini, apiKey: "${OPENAI_API_KEY}" }]
 *   evaluators:
 *     - use: json_schema    # a built-in or registered evaluator name
 *       name: order_json    # result name (default: the evaluator's)
 *       where: { route: "support-*", provider: openai, model: "*", deployment: "*", shadow: false }
 *       schemaFile: ./order.schema.json        # json_schema: a schema file (relative to the spec)
 *       contextFrom: [system, tool]            # where context comes from in captured messages
 *       expected: [...]                        # evaluator input `expected` (tool_selection)
 *       ...                                    # every other key is an evaluator option
 *
 * `${VAR}` in any string is replaced by the environment variable (an unset one is an error).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import type { JudgeRouter } from '../judge.js';
import { createEvaluator } from '../registry.js';
import type { Evaluator } from '../types.js';

export type ContextSource = 'system' | 'tool' | 'user' | 'assistant';

export interface AnswerFilter {
  route?: string;
  provider?: string;
  model?: string;
  deployment?: string;
  shadow?: boolean;
}

export interface SpecEntry {
  evaluator: Evaluator;
  where: AnswerFilter;
  contextFrom: ContextSource[];
  expected?: unknown;
}

export interface EvalSpec {
  entries: SpecEntry[];
  /** Router options for judges (given to `new Router`), when the spec has them. */
  router?: Record<string, unknown>;
}

const CONTEXT_SOURCES = ['system', 'tool', 'user', 'assistant'] as const;

const entrySchema = z.looseObject({
  use: z.string().min(1),
  name: z.string().min(1).optional(),
  where: z
    .strictObject({
      route: z.string().optional(),
      provider: z.string().optional(),
      model: z.string().optional(),
      deployment: z.string().optional(),
      shadow: z.boolean().optional(),
    })
    .optional(),
  contextFrom: z.array(z.enum(CONTEXT_SOURCES)).optional(),
  schemaFile: z.string().optional(),
  expected: z.unknown().optional(),
});

const specSchema = z.strictObject({
  version: z.literal(1).optional(),
  router: z.looseObject({}).optional(),
  evaluators: z.array(entrySchema).min(1),
});

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}

/** Replaces `${VAR}` in every string of a parsed document. */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`eval spec: ${path || '(root)'}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

export interface LoadedSpecDocument {
  doc: z.output<typeof specSchema>;
  dir: string;
}

/** Reads and validates a spec file (no evaluators built yet: the router is made by the caller). */
export async function readSpecFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedSpecDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`eval spec ${file}: cannot read it (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    const { parse: parseYaml } = await import('yaml'); // loaded by the first spec file, not by tracegate/evals
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`eval spec ${file}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  const parsed = specSchema.safeParse(expandEnv(raw ?? {}, env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(`eval spec ${file}:${lines.length === 1 ? ` ${lines[0]}` : `\n  ${lines.join('\n  ')}`}`);
  }
  return { doc: parsed.data, dir: dirname(resolve(file)) };
}

const SPEC_KEYS = new Set(['use', 'where', 'contextFrom', 'schemaFile', 'expected']);

/** Builds the evaluators of a spec document; `router` serves judge and embedding aliases. */
export async function buildSpec(loaded: LoadedSpecDocument, router?: JudgeRouter): Promise<EvalSpec> {
  const entries: SpecEntry[] = [];
  const seen = new Set<string>();
  for (const [i, e] of loaded.doc.evaluators.entries()) {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (!SPEC_KEYS.has(k)) options[k] = v;
    if (e.schemaFile !== undefined) {
      const path = resolve(loaded.dir, e.schemaFile);
      try {
        options.schema = JSON.parse(await readFile(path, 'utf8'));
      } catch (err) {
        throw new ConfigError(`eval spec: evaluators[${i}].schemaFile: cannot read ${path} as JSON (${(err as Error).message})`);
      }
    }
    let evaluator: Evaluator;
    try {
      evaluator = createEvaluator(e.use, options, router ? { router } : {});
    } catch (err) {
      throw new ConfigError(`eval spec: evaluators[${i}] (${e.use}): ${(err as Error).message}`);
    }
    if (seen.has(evaluator.name)) throw new ConfigError(`eval spec: evaluators[${i}]: two evaluators named "${evaluator.name}" (give one a \`name\`)`);
    seen.add(evaluator.name);
    entries.push({
      evaluator,
      where: e.where ?? {},
      contextFrom: e.contextFrom ?? ['system', 'tool'],
      ...(e.expected !== undefined ? { expected: e.expected } : {}),
    });
  }
  return { entries, ...(loaded.doc.router ? { router: loaded.doc.router } : {}) };
}

function glob(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

/** Whether an answer with this route falls under an entry's `where`. */
export function matchesFilter(where: AnswerFilter, route: { alias?: string; provider?: string; model?: string; deployment?: string } | undefined, shadow: boolean): boolean {
  if (where.shadow !== undefined && where.shadow !== shadow) return false;
  return glob(where.route, route?.alias) && glob(where.provider, route?.provider) && glob(where.model, route?.model) && glob(where.deployment, route?.deployment);
}
