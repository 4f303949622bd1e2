/** Validating scenario objects and loading scenario files (YAML or JSON). */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { scenarioSchema, stepSchema, type ResolvedScenario, type Step } from './schema.js';

/** A scenario (or header) that does not validate; the message names each bad path. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** `['rules', 1, 'sequence', 0, 'kind']` → `rules[1].sequence[0].kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}

export function validate<T extends z.ZodType>(schema: T, input: unknown, source: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
  const text = lines.length === 1 ? ` ${lines[0]}` : `\n  ${lines.join('\n  ')}`;
  throw new ScenarioError(`${source}:${text}`, issues);
}

export function parseScenario(input: unknown, source = 'scenario'): ResolvedScenario {
  return validate(scenarioSchema, input, source);
}

export function parseStep(input: unknown, source: string): Step {
  return validate(stepSchema, input, source);
}

/** Reads a `.yaml`/`.yml`/`.json` scenario file (YAML is a superset of JSON, so one parser reads both). */
export async function loadScenarioFile(file: string): Promise<ResolvedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${file}: cannot read scenario file (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    const { parse: parseYaml } = await import('yaml'); // loaded by the first scenario file, not by tracegate/mock
    data = parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`${file}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  return parseScenario(data ?? {}, file);
}
