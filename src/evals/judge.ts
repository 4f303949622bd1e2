/**
 * The LLM judge: a chat call to a judge alias through a tracegate Router (so the judge's own call
 * is routed, retried and traced like any other), and robust parsing of the JSON verdict it
 * answers. Judges wrap JSON in code fences, add prose around it, use single quotes, trailing
 * commas or Python literals; `parseJudgeJson` takes the first JSON object or array it can read
 * from the reply (see docs/evals.md), and a reply with none is an InvalidResponseError.
 */
import { ConfigError, InvalidResponseError } from '../errors.js';
import type { ChatCompletion } from '../wire/chat-response.js';
import { contentText } from './response.js';

/** Tag on the judge's own router calls (guardrails skip them; reports can tell them apart). */
export const JUDGE_TAG = 'tracegate.judge';

/** What the judge needs from a Router (a structural type: any Router instance fits). */
export interface JudgeRouter {
  chat: { completions: { create(params: never, options?: never): Promise<unknown> } };
}

/** What embedding similarity needs from a Router. */
export interface EmbeddingsRouter {
  embeddings: { create(params: never, options?: never): Promise<unknown> };
}

export interface JudgeOptions {
  router: JudgeRouter;
  /** The judge alias configured on the router. */
  alias: string;
  /** Default 0. */
  temperature?: number;
  /** Default 1024. */
  maxTokens?: number;
  /** Ask for `response_format: { type: 'json_object' }` (default false: not every provider accepts it). */
  jsonMode?: boolean;
  /** Total time for one judge call, ms (the router's default otherwise). */
  timeoutMs?: number;
}

export interface JudgeReply {
  /** The judge's reply text. */
  text: string;
  /** The JSON found in it. */
  json: unknown;
  /** The judge's completion (with its call info when tracing is on). */
  completion: ChatCompletion;
}

export function checkJudgeOptions(options: unknown, where: string): JudgeOptions {
  const o = options as Partial<JudgeOptions> | undefined;
  if (!o || typeof o !== 'object') throw new ConfigError(`${where}: judge needs { router, alias }`);
  if (!o.router || typeof (o.router as JudgeRouter).chat?.completions?.create !== 'function') throw new ConfigError(`${where}: judge.router must be a tracegate Router`);
  if (typeof o.alias !== 'string' || !o.alias) throw new ConfigError(`${where}: judge.alias must name the judge alias`);
  return o as JudgeOptions;
}

/** Sends one judge prompt and parses the JSON of its reply. */
export async function askJudge(options: JudgeOptions, system: string, user: string, signal?: AbortSignal): Promise<JudgeReply> {
  const params: Record<string, unknown> = {
    model: options.alias,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    temperature: options.temperature ?? 0,
    max_tokens: options.maxTokens ?? 1024,
  };
  if (options.jsonMode) params.response_format = { type: 'json_object' };
  const requestOptions: Record<string, unknown> = { tags: [JUDGE_TAG] };
  if (signal) requestOptions.signal = signal;
  if (options.timeoutMs !== undefined) requestOptions.timeout = options.timeoutMs;
  const completion = (await options.router.chat.completions.create(params as never, requestOptions as never)) as ChatCompletion;
  const message = completion?.choices?.[0]?.message;
  const text = contentText(message?.content);
  return { text, json: parseJudgeJson(text), completion };
}

// ---- parsing -------------------------------------------------------------------------------------

/** The balanced `{...}` or `[...]` starting at `start` (string-aware), or undefined. */
function balancedAt(text: string, start: number): string | undefined {
  const open = text[start];
  const close = open === '{' ? '}' : ']';
  const stack: string[] = [close];
  let quote: string | undefined;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

/** Lenient repairs outside strings (trailing commas, Python literals, unquoted keys) and single-quoted strings. */
function repairJson(text: string): string {
  const pieces: { text: string; string: boolean }[] = [];
  let code = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '"' && c !== "'") {
      code += c;
      i++;
      continue;
    }
    pieces.push({ text: code, string: false });
    code = '';
    let str = '"';
    i++;
    while (i < text.length && text[i] !== c) {
      const ch = text[i]!;
      if (ch === '\\') {
        str += ch + (text[i + 1] ?? '');
        i += 2;
        continue;
      }
      str += ch === '"' ? '\\"' : ch;
      i++;
    }
    pieces.push({ text: str + '"', string: true });
    i++;
  }
  pieces.push({ text: code, string: false });
  return pieces
    .map((p) =>
      p.string
        ? p.text
        : p.text
            .replace(/,(\s*[}\]])/g, '$1')
            .replace(/\bTrue\b/g, 'true')
            .replace(/\bFalse\b/g, 'false')
            .replace(/\bNone\b/g, 'null')
            .replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)/g, '$1"$2"$3'),
    )
    .join('');
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    try {
      return { ok: true, value: JSON.parse(repairJson(text)) };
    } catch {
      return { ok: false };
    }
  }
}

/**
 * The JSON verdict in a judge's reply: the body of a ```json fence when there is one, else the
 * whole reply, else the first balanced object or array that parses (leniently).
 */
export function parseJudgeJson(reply: string): unknown {
  const text = reply.trim();
  const candidates: string[] = [];
  for (const m of text.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) candidates.push(m[1]!.trim());
  candidates.push(text);
  for (const c of candidates) {
    const direct = tryParse(c);
    if (direct.ok && typeof direct.value === 'object' && direct.value !== null) return direct.value;
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== '{' && c[i] !== '[') continue;
      const block = balancedAt(c, i);
      if (!block) continue;
      const parsed = tryParse(block);
      if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
    }
  }
  const excerpt = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  throw new InvalidResponseError(`the judge's reply has no JSON verdict: ${JSON.stringify(excerpt)}`);
}

// ---- reading verdict values ------------------------------------------------------------------------

const YES = new Set(['yes', 'true', 'supported', 'pass', 'passed', 'relevant', 'correct', 'grounded', 'injection', 'detected', 'y', '1']);
const NO = new Set(['no', 'false', 'unsupported', 'not_supported', 'not supported', 'fail', 'failed', 'irrelevant', 'not_relevant', 'incorrect', 'ungrounded', 'clean', 'none', 'n', '0']);

/** A yes/no value (booleans, 0/1, yes/no-like strings); undefined when it is neither. */
export function verdictBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (YES.has(v)) return true;
    if (NO.has(v)) return false;
  }
  return undefined;
}

/**
 * A score on 0..1 from what judges answer: a number in 0..1, a 1–5 or 1–10 rating (`scale`
 * says which when the number alone cannot), a percentage string, or a yes/no verdict.
 */
export function verdictScore(value: unknown, scale?: 5 | 10): number | undefined {
  if (typeof value === 'string') {
    const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
    if (pct) return Math.min(1, Number(pct[1]) / 100);
    const n = Number(value.trim());
    if (value.trim() !== '' && Number.isFinite(n)) return verdictScore(n, scale);
    const b = verdictBoolean(value);
    return b === undefined ? undefined : b ? 1 : 0;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  if (scale === 5) return value >= 1 ? Math.min(1, (value - 1) / 4) : value;
  if (scale === 10) return value >= 1 ? Math.min(1, (value - 1) / 9) : value;
  if (value <= 1) return value;
  if (value <= 5) return (value - 1) / 4;
  if (value <= 10) return (value - 1) / 9;
  if (value <= 100) return value / 100;
  return undefined;
}

/** The first of `keys` present on an object. */
export function pick(obj: unknown, keys: readonly string[]): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  for (const k of keys) if (k in rec) return rec[k];
  const lower = new Map(Object.keys(rec).map((k) => [k.toLowerCase(), k]));
  for (const k of keys) {
    const real = lower.get(k.toLowerCase());
    if (real) return rec[real];
  }
  return undefined;
}

/** A short reason string from a verdict object. */
export function verdictReason(obj: unknown): string | undefined {
  const r = pick(obj, ['reason', 'reasoning', 'explanation', 'rationale', 'why']);
  return typeof r === 'string' && r.trim() ? r.trim() : undefined;
}
