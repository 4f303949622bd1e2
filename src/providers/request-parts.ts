/**
 * Helpers shared by the encoders of providers that do not speak the OpenAI wire: text of message
 * content, data URLs, tool-call arguments, merging of same-role turns, unsupported parameters,
 * the forced tool that carries `response_format` where a provider has no JSON mode, and
 * per-attempt request state (the router hands the same `AdapterContext` object to the encoder
 * and the decoder of one attempt).
 */
import { BadRequestError } from '../errors.js';
import type { ChatCompletionCreateParams, ResponseFormat } from '../wire/chat-request.js';
import type { AdapterContext, Deployment } from './types.js';

type ContentLike = string | readonly { type: string; text?: unknown }[] | null | undefined;

/** The text pieces of a message's content (a string, or its `text` parts). */
export function textParts(content: ContentLike): string[] {
  if (content == null) return [];
  if (typeof content === 'string') return [content];
  const out: string[] = [];
  for (const part of content) if (part.type === 'text' && typeof part.text === 'string') out.push(part.text);
  return out;
}

export function contentText(content: ContentLike): string {
  return textParts(content).join('');
}

export interface DataUrl {
  mediaType: string;
  /** Base64 payload. */
  data: string;
}

/** Parses `data:<type>[;base64],<data>`; non-base64 payloads are re-encoded as base64. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!m) return undefined;
  const mediaType = (m[1] || 'text/plain').toLowerCase();
  const isBase64 = /;base64$/i.test(m[2] ?? '');
  const payload = m[3] ?? '';
  if (isBase64) return { mediaType, data: payload.replace(/\s+/g, '') };
  let decoded: string;
  try {
    decoded = decodeURIComponent(payload);
  } catch {
    return undefined;
  }
  return { mediaType, data: Buffer.from(decoded, 'utf8').toString('base64') };
}

export function unsupported(provider: string, param: string, detail: string): BadRequestError {
  return new BadRequestError(`${provider} does not support ${detail}`, { code: 'unsupported_parameter', param, provider });
}

/** Parses a tool call's `arguments` into the object a provider wants (`''` → `{}`). */
export function parseToolArguments(args: string, param: string, provider: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    throw new BadRequestError(`${param}: tool call arguments are not valid JSON (${provider} needs an object)`, { code: 'invalid_tool_arguments', param, provider });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError(`${param}: tool call arguments must be a JSON object for ${provider}`, { code: 'invalid_tool_arguments', param, provider });
  }
  return value as Record<string, unknown>;
}

/**
 * The request parameters `rejectShapeParams` would refuse (the names present in `params`): what a
 * provider without several choices, logprobs or legacy `functions` cannot honour. The router drops
 * them instead when `dropParams` is on (see `ProviderAdapter.unsupportedParams`).
 */
export function unsupportedShapeParams(params: Record<string, unknown>, opts: { n?: boolean } = {}): string[] {
  const out: string[] = [];
  if (!opts.n && typeof params.n === 'number' && params.n > 1) out.push('n');
  if (params.logprobs) out.push('logprobs');
  if (params.functions) out.push('functions');
  if (params.function_call) out.push('function_call');
  return out;
}

/** Rejects parameters that change the shape of the answer and that the provider cannot honour. */
export function rejectShapeParams(params: ChatCompletionCreateParams, provider: string, opts: { n?: boolean } = {}): void {
  const first = unsupportedShapeParams(params as unknown as Record<string, unknown>, opts)[0];
  if (first === 'n') throw unsupported(provider, 'n', 'several choices (n > 1)');
  if (first === 'logprobs') throw unsupported(provider, 'logprobs', 'logprobs');
  if (first !== undefined) throw unsupported(provider, 'functions', 'legacy `functions`; use `tools`');
  params.messages.forEach((m, i) => {
    if (m.role === 'function') throw unsupported(provider, `messages[${i}].role`, 'legacy `function` messages; use `tool` messages');
  });
}

/** Merges adjacent turns with the same role by concatenating their `key` arrays (`content`, `parts`). */
export function mergeSameRole<K extends string, M extends { role: string } & Record<K, unknown[]>>(list: M[], key: K): M[] {
  const out: M[] = [];
  for (const m of list) {
    const last = out[out.length - 1];
    if (last && last.role === m.role) last[key].push(...m[key]);
    else out.push({ ...m, [key]: [...m[key]] });
  }
  return out;
}

/** Puts the blocks matching `first` (tool results) before the others, keeping their order. */
export function blocksFirst<T>(blocks: T[], first: (b: T) => boolean): T[] {
  const head = blocks.filter(first);
  return head.length ? [...head, ...blocks.filter((b) => !first(b))] : blocks;
}

/** `max_completion_tokens` (preferred) or `max_tokens`. */
export function requestedMaxTokens(params: ChatCompletionCreateParams): number | undefined {
  return params.max_completion_tokens ?? params.max_tokens ?? undefined;
}

export function stopSequences(stop: ChatCompletionCreateParams['stop']): string[] | undefined {
  if (stop == null) return undefined;
  return typeof stop === 'string' ? [stop] : [...stop];
}

/** A thinking budget (tokens) for OpenAI's `reasoning_effort`, for providers that take a budget. */
export function reasoningBudget(effort: string | null | undefined): number | undefined {
  switch (effort) {
    case 'minimal':
      return 1024;
    case 'low':
      return 2048;
    case 'medium':
      return 8192;
    case 'high':
      return 24576;
    default:
      return undefined;
  }
}

/** The tool that carries `response_format` on providers without a native JSON mode. */
export interface ResponseFormatTool {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

export const JSON_OBJECT_TOOL = 'json_response';

export function responseFormatTool(rf: ResponseFormat | undefined): ResponseFormatTool | undefined {
  if (!rf || rf.type === 'text') return undefined;
  if (rf.type === 'json_object') {
    return { name: JSON_OBJECT_TOOL, description: 'Respond with a JSON object.', schema: { type: 'object', additionalProperties: true } };
  }
  const js = rf.json_schema;
  return {
    name: js.name,
    description: js.description ?? `Respond with a JSON object that matches the ${js.name} schema.`,
    schema: (js.schema as Record<string, unknown> | undefined) ?? { type: 'object', additionalProperties: true },
  };
}

/**
 * Per-attempt state an encoder leaves for the decoder of the same attempt (e.g. which tool carries
 * `response_format`). Keyed by the `AdapterContext` object, which the router passes to both.
 */
export class RequestState<S extends object> {
  private readonly map = new WeakMap<AdapterContext, S>();
  set(ctx: AdapterContext, state: S): void {
    this.map.set(ctx, state);
  }
  get(ctx: AdapterContext): S | undefined {
    return this.map.get(ctx);
  }
}

export function optionString(d: Deployment, key: string): string | undefined {
  const v = d.options[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Copies provider-native fields the caller put on the request (loose params) into the body. */
export function copyNative(params: Record<string, unknown>, body: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of keys) if (params[k] !== undefined && body[k] === undefined) body[k] = params[k];
}
