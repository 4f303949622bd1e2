/**
 * `JsonSchemaValidation`: the answer is valid JSON and valid against a JSON Schema (ajv, drafts
 * 07, 2019-09 and 2020-12 by `$schema`) or a zod schema (anything with `safeParse`). The JSON is
 * the answer's text (code fences handled by `fences`, see json-extract.ts) or, with
 * `source: 'tool_arguments'`, the arguments of the model's tool calls. Score 1 when valid, else 0
 * (tool arguments: the share of tool calls that are valid). The explanation lists the failing
 * paths as JSON Pointers (`/items/0/price: must be number`).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigError } from '../errors.js';
import { loadSync } from '../load-sync.js';
import { checkThreshold, defineEvaluator, type Scored } from './evaluator.js';
import { jsonText, parseJson, type FenceRule } from './json-extract.js';
import type { EvaluatorBaseOptions, Evaluator } from './types.js';

export const JSON_SCHEMA_EVALUATOR_VERSION = '1';

/** The part of a zod schema used (zod 3 and 4 both have it). */
export interface SafeParseSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface JsonSchemaValidationOptions extends EvaluatorBaseOptions {
  /** A JSON Schema object. */
  schema?: Record<string, unknown> | boolean;
  /** A zod schema (or any object with `safeParse`). */
  zodSchema?: SafeParseSchema;
  /** Where the JSON is: the answer text (default) or the tool calls' arguments. */
  source?: 'content' | 'tool_arguments';
  /** With `source: 'tool_arguments'`: only the calls of this tool. */
  toolName?: string;
  /** Code-fence rule for the answer text (default `strip`). */
  fences?: FenceRule;
  /** At most this many failing paths in the explanation (default 10). */
  maxErrors?: number;
}

type Validator = (value: unknown) => string[];

function pointer(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '/';
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function ajvMessage(e: ErrorObject): string {
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties' && e.params && 'additionalProperty' in e.params) {
    return `${where}: must not have additional property "${String(e.params.additionalProperty)}"`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
}

/** An ajv instance for the schema's draft; ajv loads with the first JSON Schema compiled (a zod schema never loads it). */
function newAjv(draft: string, options: { allErrors: boolean; strict: boolean }) {
  if (draft.includes('2020-12')) return new (loadSync<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js').Ajv2020)(options);
  if (draft.includes('2019-09')) return new (loadSync<typeof import('ajv/dist/2019.js')>('ajv/dist/2019.js').Ajv2019)(options);
  return new (loadSync<typeof import('ajv')>('ajv').Ajv)(options);
}

function jsonSchemaValidator(schema: Record<string, unknown> | boolean): Validator {
  const draft = typeof schema === 'object' && typeof schema.$schema === 'string' ? schema.$schema : '';
  const ajv = newAjv(draft, { allErrors: true, strict: false });
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new ConfigError(`JsonSchemaValidation: invalid JSON Schema: ${(err as Error).message}`);
  }
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(ajvMessage));
}

function zodValidator(schema: SafeParseSchema): Validator {
  return (value) => {
    const r = schema.safeParse(value);
    if (r.success) return [];
    return r.error.issues.map((i) => `${pointer(i.path)}: ${i.message}`);
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function JsonSchemaValidation(options: JsonSchemaValidationOptions = {}): Evaluator {
  const where = 'JsonSchemaValidation';
  if (options.schema !== undefined && options.zodSchema !== undefined) throw new ConfigError(`${where}: give schema or zodSchema, not both`);
  if (options.schema !== undefined && typeof options.schema !== 'object' && typeof options.schema !== 'boolean') {
    throw new ConfigError(`${where}: schema must be a JSON Schema object`);
  }
  if (options.zodSchema !== undefined && typeof options.zodSchema?.safeParse !== 'function') throw new ConfigError(`${where}: zodSchema must have safeParse()`);
  const source = options.source ?? 'content';
  if (source !== 'content' && source !== 'tool_arguments') throw new ConfigError(`${where}: source must be "content" or "tool_arguments", got "${String(source)}"`);
  const fences = options.fences ?? 'strip';
  if (!['strip', 'extract', 'reject'].includes(fences)) throw new ConfigError(`${where}: fences must be "strip", "extract" or "reject", got "${String(fences)}"`);
  const maxErrors = options.maxErrors ?? 10;
  const validator: Validator | undefined =
    options.schema !== undefined ? jsonSchemaValidator(options.schema) : options.zodSchema ? zodValidator(options.zodSchema) : undefined;
  const threshold = checkThreshold(options.threshold ?? 1, where);

  /** Problems of one JSON text; empty when valid. */
  function check(text: string, fenceRule: FenceRule): { errors: string[]; unfenced: boolean } {
    const t = jsonText(text, fenceRule);
    const parsed = parseJson(t.text);
    if (!parsed.ok) return { errors: [parsed.error], unfenced: t.unfenced };
    return { errors: validator ? validator(parsed.value) : [], unfenced: t.unfenced };
  }

  function explain(errors: string[], prefix = ''): string {
    const shown = errors.slice(0, maxErrors).join('; ');
    const more = errors.length > maxErrors ? ` (+${errors.length - maxErrors} more)` : '';
    return `${prefix}${shown}${more}`;
  }

  return defineEvaluator({
    name: options.name ?? 'json_schema',
    version: JSON_SCHEMA_EVALUATOR_VERSION,
    threshold,
    labels: { pass: 'valid', fail: 'invalid' },
    score({ response }): Scored {
      if (source === 'content') {
        if (!response.text.trim() && response.toolCalls.length) {
          return { score: 0, explanation: 'the answer has no text (only tool calls); use source: tool_arguments to validate them' };
        }
        const { errors, unfenced } = check(response.text, fences);
        if (errors.length === 0) return { score: 1, ...(unfenced ? { explanation: 'valid (taken out of a code fence)' } : {}) };
        const schemaErrors = !errors[0]!.startsWith('not valid JSON') && errors[0] !== 'empty answer';
        return { score: 0, explanation: schemaErrors ? explain(errors, `${plural(errors.length, 'schema error')}: `) : errors[0]!, details: { errors } };
      }
      const calls = response.toolCalls.filter((c) => options.toolName === undefined || c.name === options.toolName);
      if (calls.length === 0) return { score: 0, explanation: options.toolName ? `no call of tool "${options.toolName}"` : 'no tool call' };
      const failures: string[] = [];
      let valid = 0;
      calls.forEach((c, i) => {
        const { errors } = check(c.arguments, 'reject');
        if (errors.length === 0) valid++;
        else failures.push(explain(errors, `tool call ${i} (${c.name}): `));
      });
      return { score: valid / calls.length, ...(failures.length ? { explanation: failures.join(' | ') } : {}), details: { calls: calls.length, valid } };
    },
  });
}
