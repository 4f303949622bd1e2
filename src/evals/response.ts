/**
 * Normalizing what evaluators are given: a completion object (the router's, with its call info),
 * a `ChatCompletionStream` (its `finalCompletion()`), or plain text become one shape with the
 * answer text, the tool calls and, when the answer came from the router, its call info. The
 * request side (`input`) becomes the question text and the messages.
 */
import { getCallInfo, type CallInfo, type TraceTarget } from '../call-info.js';
import type { EvaluationRoute } from '../channels.js';
import { BadRequestError } from '../errors.js';
import type { EvalMessage, EvaluationInput } from './types.js';

export interface NormalizedToolCall {
  id?: string;
  name: string;
  /** The arguments as the model sent them (JSON text). */
  arguments: string;
}

export interface NormalizedResponse {
  /** Text of the first choice (content, else refusal); '' when the answer only has tool calls. */
  text: string;
  toolCalls: NormalizedToolCall[];
  finishReason?: string;
  /** Completion id. */
  id?: string;
  /** The router's call info, when the answer came from the router. */
  info?: CallInfo;
}

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Plain text of an OpenAI message `content` (string, or text parts joined). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const p of content) {
    if (typeof p === 'string') out.push(p);
    else if (isRec(p) && typeof p.text === 'string') out.push(p.text);
    else if (isRec(p) && typeof p.content === 'string') out.push(p.content);
  }
  return out.join('');
}

function toolCallsOf(message: Rec): NormalizedToolCall[] {
  const calls = message.tool_calls;
  if (!Array.isArray(calls)) return [];
  const out: NormalizedToolCall[] = [];
  for (const c of calls) {
    if (!isRec(c)) continue;
    const fn = isRec(c.function) ? c.function : c;
    const name = typeof fn.name === 'string' ? fn.name : '';
    const args = typeof fn.arguments === 'string' ? fn.arguments : fn.arguments === undefined ? '' : JSON.stringify(fn.arguments);
    out.push({ ...(typeof c.id === 'string' ? { id: c.id } : {}), name, arguments: args });
  }
  return out;
}

function isStream(v: unknown): v is { finalCompletion(): Promise<unknown> } {
  return isRec(v) && typeof (v as { finalCompletion?: unknown }).finalCompletion === 'function' && Symbol.asyncIterator in (v as object);
}

function fromCompletion(value: Rec, info: CallInfo | undefined): NormalizedResponse {
  const choices = value.choices;
  if (!Array.isArray(choices)) throw new BadRequestError('evaluation response: an object must be a chat completion (with `choices`)', { param: 'response' });
  const first = choices.find(isRec);
  const message = first && isRec(first.message) ? first.message : {};
  let text = contentText(message.content);
  if (!text && typeof message.refusal === 'string') text = message.refusal;
  const out: NormalizedResponse = { text, toolCalls: toolCallsOf(message) };
  if (first && typeof first.finish_reason === 'string') out.finishReason = first.finish_reason;
  if (typeof value.id === 'string' && value.id) out.id = value.id;
  if (info) out.info = info;
  return out;
}

/** The answer as text, tool calls and call info. */
export async function normalizeResponse(response: unknown): Promise<NormalizedResponse> {
  if (typeof response === 'string') return { text: response, toolCalls: [] };
  if (isStream(response)) {
    const completion = await response.finalCompletion();
    return normalizeResponse(completion);
  }
  if (isRec(response)) {
    const info = getCallInfo(response);
    if (Array.isArray(response.choices)) return fromCompletion(response, info);
    // An already normalized response, or a bare message.
    if (typeof response.text === 'string') {
      return { text: response.text, toolCalls: Array.isArray(response.toolCalls) ? (response.toolCalls as NormalizedToolCall[]) : [], ...(info ? { info } : {}) };
    }
    if (typeof response.role === 'string') return { text: contentText(response.content), toolCalls: toolCallsOf(response) };
  }
  throw new BadRequestError(
    `evaluation response must be a chat completion, a finished ChatCompletionStream or a string, got ${response === null ? 'null' : typeof response}`,
    { param: 'response' },
  );
}

function isMessage(v: unknown): v is EvalMessage {
  return isRec(v) && typeof v.role === 'string';
}

/** The request messages given as `input` (a string becomes one user message). */
export function inputMessages(input: EvaluationInput['input']): EvalMessage[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (Array.isArray(input)) return input.filter(isMessage);
  if (isRec(input) && Array.isArray((input as { messages?: unknown }).messages)) return (input as { messages: unknown[] }).messages.filter(isMessage);
  throw new BadRequestError('evaluation input must be a string, a list of messages or request params with `messages`', { param: 'input' });
}

/** The question: the text of the last user message of the input. */
export function questionText(input: EvaluationInput['input']): string {
  const messages = inputMessages(input);
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** The context documents as a list. */
export function contextList(context: EvaluationInput['context']): string[] {
  if (context === undefined) return [];
  if (typeof context === 'string') return context.trim() ? [context] : [];
  if (Array.isArray(context)) return context.filter((c): c is string => typeof c === 'string' && c.trim() !== '');
  throw new BadRequestError('evaluation context must be a string or a list of strings', { param: 'context' });
}

/** The route of an answer from its call info (undefined when the router did not answer it). */
export function routeOf(info: CallInfo | undefined): EvaluationRoute | undefined {
  const d = info?.deployment;
  if (!info || !d) return undefined;
  const route: EvaluationRoute = { alias: info.alias, provider: d.provider, model: d.model, deployment: d.id };
  if (d.name !== info.alias) route.servedAlias = d.name;
  if (info.variant !== undefined) route.variant = info.variant;
  return route;
}

/** A copy of the trace target of an answer's call info. */
export function traceOf(info: CallInfo | undefined): TraceTarget | undefined {
  return info?.trace ? { ...info.trace } : undefined;
}
