/**
 * JSON Schema (as OpenAI tools and `response_format` carry it) → the OpenAPI 3.0 subset Gemini
 * accepts in `parameters` and `responseSchema`. Gemini rejects unknown keywords (`$schema`,
 * `additionalProperties`, `const`, most `format`s...), so the schema is rebuilt from the keywords it
 * knows: `["string","null"]` → `nullable`, `oneOf` → `anyOf`, `const` → a one-value `enum`, local
 * `$ref`s inlined (a recursive reference becomes a plain object), non-string enums dropped.
 */
import { asRecord, type Json } from '../decode-util.js';

const STRING_FORMATS = new Set(['enum', 'date-time']);
const NUMBER_FORMATS = new Set(['float', 'double', 'int32', 'int64']);
const COPIED = ['title', 'description', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minProperties', 'maxProperties', 'default', 'example', 'propertyOrdering'];
const MAX_DEPTH = 32;

interface Walk {
  root: Json;
  refs: Set<string>;
  depth: number;
}

function resolveRef(ref: string, w: Walk): Json | undefined {
  if (ref === '#') return w.root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = w.root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = asRecord(node)?.[key];
  }
  return asRecord(node);
}

function convert(schema: unknown, w: Walk): Json {
  const s = asRecord(schema);
  if (!s || w.depth > MAX_DEPTH) return { type: 'object' };
  if (typeof s.$ref === 'string') {
    const target = resolveRef(s.$ref, w);
    if (!target || w.refs.has(s.$ref)) return { type: 'object', ...(typeof s.description === 'string' ? { description: s.description } : {}) };
    const next: Walk = { ...w, refs: new Set(w.refs).add(s.$ref), depth: w.depth + 1 };
    return convert({ ...target, ...(typeof s.description === 'string' ? { description: s.description } : {}) }, next);
  }
  const inner: Walk = { ...w, depth: w.depth + 1 };
  const out: Json = {};
  let type = s.type;
  if (Array.isArray(type)) {
    const types = type.filter((t) => t !== 'null');
    if (types.length !== type.length) out.nullable = true;
    if (types.length > 1) {
      out.anyOf = types.map((t) => convert({ ...s, type: t, nullable: undefined }, inner));
      return out;
    }
    type = types[0];
  }
  if (typeof type === 'string') out.type = type === 'null' ? 'string' : type;
  if (type === 'null') out.nullable = true;
  if (s.nullable === true) out.nullable = true;
  for (const k of COPIED) if (s[k] !== undefined) out[k] = s[k];
  if (typeof s.format === 'string') {
    const ok = type === 'string' ? STRING_FORMATS.has(s.format) : NUMBER_FORMATS.has(s.format);
    if (ok) out.format = s.format;
  }
  if (Array.isArray(s.enum) && s.enum.length && s.enum.every((v) => typeof v === 'string')) {
    out.enum = s.enum;
    out.type ??= 'string';
  } else if (typeof s.const === 'string') {
    out.enum = [s.const];
    out.type ??= 'string';
  }
  const props = asRecord(s.properties);
  if (props && Object.keys(props).length) {
    const converted: Json = {};
    for (const [k, v] of Object.entries(props)) converted[k] = convert(v, inner);
    out.properties = converted;
    out.type ??= 'object';
    if (Array.isArray(s.required)) {
      const required = s.required.filter((r): r is string => typeof r === 'string' && r in converted);
      if (required.length) out.required = required;
    }
  }
  if (s.items !== undefined && !Array.isArray(s.items)) {
    out.items = convert(s.items, inner);
    out.type ??= 'array';
  }
  const alternatives = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (alternatives) {
    const nonNull = alternatives.filter((a) => asRecord(a)?.type !== 'null');
    if (nonNull.length !== alternatives.length) out.nullable = true;
    if (nonNull.length === 1) Object.assign(out, convert(nonNull[0], inner), out.nullable ? { nullable: true } : {});
    else if (nonNull.length > 1) out.anyOf = nonNull.map((a) => convert(a, inner));
  }
  if (Array.isArray(s.allOf) && s.allOf.length === 1) Object.assign(out, convert(s.allOf[0], inner));
  return out;
}

/** Converts a JSON Schema; returns undefined for an object schema without properties (Gemini wants none then). */
export function toGeminiSchema(schema: unknown): Json | undefined {
  const root = asRecord(schema);
  if (!root) return undefined;
  const out = convert(root, { root, refs: new Set(), depth: 0 });
  if (out.type === 'object' && !out.properties && !out.anyOf) return undefined;
  return out;
}

/** Like `toGeminiSchema` but always returns a schema (for `responseSchema`). */
export function toGeminiResponseSchema(schema: unknown): Json {
  const root = asRecord(schema);
  return root ? convert(root, { root, refs: new Set(), depth: 0 }) : { type: 'object' };
}
