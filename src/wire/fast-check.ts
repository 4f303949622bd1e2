/**
 * Compiled-by-hand fast paths for the two schema parses on every call: the chat request
 * (`ChatCompletionCreateParamsSchema`) and an OpenAI-style completion body
 * (`ChatCompletionSchema`). Each answers "certainly valid" only for the common shapes, checked
 * field by field with the same rules as the schema; anything else (an unusual field, a content
 * array, tools, a bad value) answers false and the caller runs the zod schema, which accepts it
 * or explains the error with its path. So the fast path can only skip work, never accept what
 * the schema would refuse. A profile of the proxy under load had the zod parses at about 6 % of
 * its CPU; these checks cost a small fraction of that.
 */

const MESSAGE_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const FINISH_REASONS = new Set<unknown>(['stop', 'length', 'tool_calls', 'content_filter', 'function_call', null]);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nullish = (v: unknown): boolean => v === undefined || v === null;
const inRange = (v: unknown, min: number, max: number): boolean => nullish(v) || (finite(v) && v >= min && v <= max);
const intIn = (v: unknown, min: number, max: number): boolean => nullish(v) || (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max);
const boolOrNull = (v: unknown): boolean => nullish(v) || typeof v === 'boolean';
const strOrNull = (v: unknown): boolean => nullish(v) || typeof v === 'string';

/** A message the fast path knows: a string content (null for an assistant), an optional string name, nothing else known to the schema. */
function simpleMessage(m: unknown): boolean {
  if (!isObj(m)) return false;
  const role = m.role;
  if (typeof role !== 'string' || !MESSAGE_ROLES.has(role)) return false;
  const content = m.content;
  if (typeof content !== 'string' && !(role === 'assistant' && nullish(content))) return false;
  if (m.name !== undefined && typeof m.name !== 'string') return false;
  if (role === 'tool') return typeof m.tool_call_id === 'string';
  if (role === 'assistant') {
    // tool_calls, function_call, refusal, reasoning_content: the schema's job.
    return m.tool_calls === undefined && m.function_call === undefined && m.refusal === undefined && m.reasoning_content === undefined;
  }
  return true;
}

/** Fields whose values the fast path does not check: present (not undefined) means the schema decides. */
const SCHEMA_ONLY_FIELDS = ['tools', 'tool_choice', 'response_format', 'logit_bias', 'metadata', 'functions', 'function_call'] as const;

/**
 * True when `v` certainly passes `ChatCompletionCreateParamsSchema` (see the module comment);
 * false means "run the schema", not "invalid".
 */
export function isSimpleChatRequest(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  if (typeof v.model !== 'string' || v.model.length === 0) return false;
  const messages = v.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (let i = 0; i < messages.length; i++) if (!simpleMessage(messages[i])) return false;
  for (const f of SCHEMA_ONLY_FIELDS) if (v[f] !== undefined) return false;
  if (v.parallel_tool_calls !== undefined && typeof v.parallel_tool_calls !== 'boolean') return false;
  if (!boolOrNull(v.stream) || !boolOrNull(v.logprobs) || !boolOrNull(v.store)) return false;
  const so = v.stream_options;
  if (!nullish(so) && !(isObj(so) && (so.include_usage === undefined || typeof so.include_usage === 'boolean'))) return false;
  if (!inRange(v.temperature, 0, 2) || !inRange(v.top_p, 0, 1)) return false;
  if (!inRange(v.presence_penalty, -2, 2) || !inRange(v.frequency_penalty, -2, 2)) return false;
  if (!intIn(v.n, 1, 128) || !intIn(v.max_tokens, 1, Number.MAX_SAFE_INTEGER) || !intIn(v.max_completion_tokens, 1, Number.MAX_SAFE_INTEGER)) return false;
  if (!intIn(v.top_logprobs, 0, 20) || !intIn(v.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) return false;
  const stop = v.stop;
  if (!nullish(stop) && typeof stop !== 'string' && !(Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string'))) return false;
  if (v.user !== undefined && typeof v.user !== 'string') return false;
  if (!strOrNull(v.reasoning_effort) || !strOrNull(v.service_tier)) return false;
  return true;
}

/** True when `u` (a usage object, or nullish) certainly passes `UsageSchema.nullish()`. */
export function isSimpleUsage(u: unknown): boolean {
  if (nullish(u)) return true;
  if (!isObj(u) || !finite(u.prompt_tokens) || !finite(u.completion_tokens) || !finite(u.total_tokens)) return false;
  return numbersOnly(u.prompt_tokens_details) && numbersOnly(u.completion_tokens_details);
}

/** Null, undefined, or an object whose every value is a finite number (the details objects). */
function numbersOnly(d: unknown): boolean {
  if (nullish(d)) return true;
  if (!isObj(d)) return false;
  for (const k in d) if (d[k] !== undefined && !finite(d[k])) return false;
  return true;
}

/**
 * True when `v` (a normalized OpenAI-style completion body) certainly passes
 * `ChatCompletionSchema`; false means "run the schema".
 */
export function isSimpleChatCompletion(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (typeof v.id !== 'string' || v.object !== 'chat.completion' || !finite(v.created) || typeof v.model !== 'string') return false;
  if (!strOrNull(v.system_fingerprint) || !strOrNull(v.service_tier)) return false;
  if (!isSimpleUsage(v.usage)) return false;
  const choices = v.choices;
  if (!Array.isArray(choices)) return false;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i];
    if (!isObj(c) || !finite(c.index) || !FINISH_REASONS.has(c.finish_reason)) return false;
    const m = c.message;
    if (!isObj(m) || m.role !== 'assistant') return false;
    if (m.content !== null && typeof m.content !== 'string') return false;
    if (!strOrNull(m.refusal) || !strOrNull(m.reasoning_content)) return false;
    if (m.tool_calls !== undefined) return false; // the schema checks tool calls
  }
  return true;
}
