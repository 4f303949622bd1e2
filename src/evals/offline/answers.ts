/**
 * Answers to evaluate offline, from
 *  - an OTLP/JSON lines file as written by `tracegate/register` (one ExportTraceServiceRequest per
 *    line): every router call's answer — its last successful chat attempt — whose content was
 *    captured (`gen_ai.output.messages`, else `output.value`), with the request messages
 *    (`gen_ai.input.messages`, else `input.value`), the route, and the names of evaluations
 *    already in the file for it; attempts whose call span is not in the file count on their own;
 *  - or a JSONL file of `{ traceparent, response, context?, expected?, input?, route? }`.
 * The file is read line by line; only chat attempts, call spans and evaluations are kept.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../../errors.js';
import { parseTraceparent } from '../record.js';
import { eachOtlpSpan, isOtlpRequest, type OtlpAttrValue, type OtlpSpanRecord } from '../../otlp/json.js';
import type { EvalMessage, EvaluationRoute } from '../types.js';
import type { EvaluationTargetRef } from '../../channels.js';

export interface OfflineAnswer {
  target: EvaluationTargetRef;
  /** A completion-shaped answer, or text. */
  response: unknown;
  /** The request messages (when captured or given). */
  messages: EvalMessage[];
  /** Context given explicitly (JSONL input). */
  context?: string | string[];
  expected?: unknown;
  route?: EvaluationRoute;
  shadow: boolean;
  /** Names of evaluations already recorded for this answer. */
  evaluated: Set<string>;
}

export interface TraceFileAnswers {
  answers: OfflineAnswer[];
  /** Successful chat answers without captured content (not evaluable). */
  withoutContent: number;
  spans: number;
}

type Attr = OtlpAttrValue;

const attrs = (m: ReadonlyMap<string, Attr>): Record<string, Attr> => Object.fromEntries(m);

/** Calls `fn` with each non-empty line of a file and its number; a missing file is a ConfigError. */
async function eachLine(file: string, missing: string, fn: (line: string, where: string) => void): Promise<void> {
  let lineNo = 0;
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim()) fn(line, `${file}:${lineNo}`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError(`${file}: ${missing}`);
    throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
}

const str = (v: Attr | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

interface AttemptRec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  flags: number;
  index: number;
  attrs: Record<string, Attr>;
}

interface CallRec {
  attrs: Record<string, Attr>;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  return parts
    .filter((p): p is Rec => isRec(p) && p.type === 'text' && typeof p.content === 'string')
    .map((p) => p.content as string)
    .join('');
}

/** The answer as a completion, from `gen_ai.output.messages` (GenAI format) or `output.value`. */
function responseOf(a: Record<string, Attr>): unknown {
  const out = str(a['gen_ai.output.messages']);
  if (out) {
    let messages: unknown;
    try {
      messages = JSON.parse(out);
    } catch {
      messages = undefined;
    }
    const first = Array.isArray(messages) ? messages.find(isRec) : undefined;
    if (first) {
      const text = partsText(first.parts);
      const calls = (Array.isArray(first.parts) ? first.parts : []).filter((p): p is Rec => isRec(p) && p.type === 'tool_call');
      return {
        id: str(a['gen_ai.response.id']) ?? '',
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            // The GenAI message format says `tool_call` where the OpenAI shape says `tool_calls`.
            finish_reason: typeof first.finish_reason === 'string' ? (first.finish_reason === 'tool_call' ? 'tool_calls' : first.finish_reason) : null,
            message: {
              role: 'assistant',
              content: text || (calls.length ? null : ''),
              ...(calls.length
                ? {
                    tool_calls: calls.map((c, i) => ({
                      id: typeof c.id === 'string' ? c.id : `call_${i}`,
                      type: 'function',
                      function: { name: String(c.name ?? ''), arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) },
                    })),
                  }
                : {}),
            },
          },
        ],
      };
    }
  }
  const value = str(a['output.value']);
  if (value !== undefined) return value;
  return undefined;
}

/** The request messages, from `gen_ai.input.messages` (GenAI format) or `input.value` (OpenAI shape). */
function messagesOf(a: Record<string, Attr>): EvalMessage[] {
  const gen = str(a['gen_ai.input.messages']);
  if (gen) {
    try {
      const list = JSON.parse(gen) as unknown;
      if (Array.isArray(list)) {
        return list.filter(isRec).map((m) => {
          const role = String(m.role ?? 'user');
          const parts = Array.isArray(m.parts) ? m.parts : [];
          const response = parts.find((p): p is Rec => isRec(p) && p.type === 'tool_call_response');
          if (role === 'tool' && response) {
            const r = response.response;
            return { role, content: typeof r === 'string' ? r : JSON.stringify(r ?? ''), ...(typeof response.id === 'string' ? { tool_call_id: response.id } : {}) };
          }
          return { role, content: partsText(parts) };
        });
      }
    } catch {
      /* fall through */
    }
  }
  const input = str(a['input.value']);
  if (input) {
    try {
      const v = JSON.parse(input) as { messages?: unknown };
      if (Array.isArray(v.messages)) return v.messages.filter((m): m is EvalMessage => isRec(m) && typeof m.role === 'string');
    } catch {
      /* not JSON */
    }
  }
  return [];
}

function spanFlags(s: OtlpSpanRecord): number {
  // OTLP span flags: bits 0-7 are the W3C trace flags. Spans in an export were sampled.
  return s.flags !== undefined ? s.flags & 0xff || 1 : 1;
}

/** Reads the answers of an OTLP/JSON lines file. */
export async function readTraceFileAnswers(file: string): Promise<TraceFileAnswers> {
  const attempts: AttemptRec[] = [];
  const calls = new Map<string, CallRec>();
  const evaluated = new Map<string, Set<string>>();
  const noteEval = (spanId: string | undefined, name: Attr | undefined) => {
    if (!spanId || typeof name !== 'string') return;
    let set = evaluated.get(spanId);
    if (!set) evaluated.set(spanId, (set = new Set()));
    set.add(name);
  };
  let spans = 0;
  await eachLine(file, 'no such traces file', (line, where) => {
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch {
      throw new ConfigError(`${where}: not an OTLP/JSON line (one ExportTraceServiceRequest per line expected)`);
    }
    if (!isOtlpRequest(req)) return;
    eachOtlpSpan(req, (s) => {
      spans++;
      const a = attrs(s.attributes);
      for (const e of s.events) if (e.name === 'gen_ai.evaluation.result') noteEval(s.spanId, e.attributes.get('gen_ai.evaluation.name'));
      if (s.name.startsWith('evaluation ') && a['gen_ai.evaluation.name'] !== undefined) {
        noteEval(s.parentSpanId, a['gen_ai.evaluation.name']);
        return;
      }
      if (a['tracegate.attempt.id'] !== undefined) {
        if (a['gen_ai.operation.name'] !== 'chat' || s.statusCode === 2) return;
        attempts.push({ traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}), flags: spanFlags(s), index: Number(a['tracegate.attempt.index'] ?? 0), attrs: a });
      } else if (a['tracegate.call.id'] !== undefined) {
        calls.set(s.spanId, { attrs: a });
      }
    });
  });
  // The answer of a call is its last successful attempt.
  const chosen = new Map<string, AttemptRec>();
  const loose: AttemptRec[] = [];
  for (const at of attempts) {
    if (!at.parentSpanId || !calls.has(at.parentSpanId)) {
      loose.push(at);
      continue;
    }
    const prev = chosen.get(at.parentSpanId);
    if (!prev || at.index > prev.index) chosen.set(at.parentSpanId, at);
  }
  const answers: OfflineAnswer[] = [];
  let withoutContent = 0;
  for (const at of [...chosen.values(), ...loose]) {
    const response = responseOf(at.attrs);
    if (response === undefined) {
      withoutContent++;
      continue;
    }
    const call = at.parentSpanId ? calls.get(at.parentSpanId) : undefined;
    const servedAlias = str(at.attrs['tracegate.route']);
    const alias = str(call?.attrs['tracegate.route']) ?? servedAlias;
    const deployment = str(at.attrs['tracegate.deployment.id']);
    const route: EvaluationRoute | undefined =
      alias && deployment
        ? {
            alias,
            provider: str(at.attrs['tracegate.provider']) ?? '',
            model: str(at.attrs['gen_ai.request.model']) ?? '',
            deployment,
            ...(servedAlias && servedAlias !== alias ? { servedAlias } : {}),
          }
        : undefined;
    answers.push({
      target: { traceId: at.traceId, spanId: at.spanId, traceFlags: at.flags, ...(at.parentSpanId ? { callSpanId: at.parentSpanId } : {}) },
      response,
      messages: messagesOf(at.attrs),
      ...(route ? { route } : {}),
      shadow: at.attrs['tracegate.shadow'] === true || call?.attrs['tracegate.shadow'] === true,
      evaluated: evaluated.get(at.spanId) ?? new Set(),
    });
  }
  return { answers, withoutContent, spans };
}

/** Reads a JSONL file of `{ traceparent, response, context?, expected?, input?, route?, shadow? }`. */
export async function readJsonlAnswers(file: string): Promise<OfflineAnswer[]> {
  const out: OfflineAnswer[] = [];
  await eachLine(file, 'no such input file', (line, where) => {
    let v: Rec;
    try {
      v = JSON.parse(line) as Rec;
    } catch {
      throw new ConfigError(`${where}: not a JSON object`);
    }
    if (!isRec(v) || typeof v.traceparent !== 'string') throw new ConfigError(`${where}: needs a "traceparent" string`);
    if (typeof v.response !== 'string' && !isRec(v.response)) throw new ConfigError(`${where}: "response" must be a string or a chat completion`);
    let target: EvaluationTargetRef;
    try {
      target = parseTraceparent(v.traceparent, typeof v.tracestate === 'string' ? v.tracestate : undefined);
    } catch (err) {
      throw new ConfigError(`${where}: ${(err as Error).message}`);
    }
    const input = v.input;
    const messages: EvalMessage[] =
      typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input.filter((m): m is EvalMessage => isRec(m) && typeof m.role === 'string') : [];
    const context = typeof v.context === 'string' ? v.context : Array.isArray(v.context) ? v.context.filter((c): c is string => typeof c === 'string') : undefined;
    const route = isRec(v.route) && typeof v.route.alias === 'string' && typeof v.route.deployment === 'string' ? (v.route as unknown as EvaluationRoute) : undefined;
    out.push({
      target,
      response: v.response,
      messages,
      ...(context !== undefined ? { context } : {}),
      ...(v.expected !== undefined ? { expected: v.expected } : {}),
      ...(route ? { route } : {}),
      shadow: v.shadow === true,
      evaluated: new Set(),
    });
  });
  return out;
}
