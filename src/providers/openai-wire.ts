/**
 * The OpenAI wire format as spoken by OpenAI and every OpenAI-compatible server, with the
 * normalizations their answers need: a missing or empty `object`, finish reasons outside
 * OpenAI's set, usage reported in `x_groq.usage` or as DeepSeek's `prompt_cache_hit_tokens`,
 * reasoning text in `reasoning` instead of `reasoning_content`, and Azure's prompt-filter chunk
 * with no choices.
 */
import { InvalidResponseError } from '../errors.js';
import { ChatCompletionChunkSchema, ChatCompletionSchema, type ChatCompletion, type ChatCompletionChunk, type FinishReason } from '../wire/chat-response.js';
import { CreateEmbeddingResponseSchema, type CreateEmbeddingResponse } from '../wire/embeddings.js';
import { ChunkTexts, NULL_USAGE_TAIL } from '../wire/chunk-text.js';
import { isSimpleChatCompletion, isSimpleUsage } from '../wire/fast-check.js';
import { formatIssues } from '../wire/validate.js';
import { classifyByStatus, extractOpenAIError } from './classify.js';
import type { AdapterContext, ChatStreamDecoder, StreamEvent } from './types.js';

const FINISH_MAP: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'function_call',
  model_length: 'length',
  max_tokens: 'length',
  eos: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  insufficient_system_resource: 'length',
};

/**
 * Maps a finish reason to OpenAI's set; keeps the original as `native_finish_reason` when it
 * differs. True when it changed the choice.
 */
function normalizeChoiceFinish(choice: Record<string, unknown>): boolean {
  const raw = choice.finish_reason;
  if (raw === null || raw === undefined) return false;
  const mapped = typeof raw === 'string' ? FINISH_MAP[raw] : undefined;
  if (mapped === raw) return false;
  choice.native_finish_reason = raw;
  choice.finish_reason = mapped ?? 'stop';
  return true;
}

/** Normalizes usage in place (DeepSeek cache fields, Groq's x_groq.usage). */
export function normalizeUsage(obj: Record<string, unknown>): void {
  let usage = obj.usage as Record<string, unknown> | null | undefined;
  const xGroq = obj.x_groq as { usage?: Record<string, unknown> } | undefined;
  if (!usage && xGroq?.usage) {
    usage = { ...xGroq.usage };
    obj.usage = usage;
  }
  if (!usage || typeof usage !== 'object') return;
  if (typeof usage.total_tokens !== 'number' && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  }
  if (typeof usage.completion_tokens !== 'number' && typeof usage.prompt_tokens === 'number') usage.completion_tokens = 0;
  const hit = usage.prompt_cache_hit_tokens;
  if (typeof hit === 'number' && hit > 0) {
    const details = (usage.prompt_tokens_details as Record<string, unknown> | null | undefined) ?? {};
    if (typeof details.cached_tokens !== 'number') details.cached_tokens = hit;
    usage.prompt_tokens_details = details;
  }
}

/** Arguments as a JSON string (some servers send an object). True when it changed them. */
function argumentsString(fn: Record<string, unknown>): boolean {
  if (fn.arguments === undefined || fn.arguments === null || typeof fn.arguments === 'string') return false;
  fn.arguments = JSON.stringify(fn.arguments);
  return true;
}

/** A message's tool calls: `null` removed, a missing `type` set (Mistral omits it), arguments as strings. */
function normalizeMessageToolCalls(message: Record<string, unknown>): void {
  if (message.tool_calls === null) {
    delete message.tool_calls;
    return;
  }
  if (!Array.isArray(message.tool_calls)) return;
  for (const tc of message.tool_calls as Record<string, unknown>[]) {
    if (!tc || typeof tc !== 'object') continue;
    if (tc.type === undefined || tc.type === null) tc.type = 'function';
    if (tc.function && typeof tc.function === 'object') argumentsString(tc.function as Record<string, unknown>);
  }
}

/**
 * Streamed tool-call deltas: Mistral sends whole calls without `index`; the index is then taken
 * from the call's id (a new id is the next index, a delta without id continues the last call).
 */
class ToolCallIndexer {
  private readonly byId = new Map<string, number>();
  private last = -1;

  /** Normalizes the delta's tool calls; true when it changed them. */
  normalize(delta: Record<string, unknown>): boolean {
    if (delta.tool_calls === null) {
      delete delta.tool_calls;
      return true;
    }
    if (!Array.isArray(delta.tool_calls)) return false;
    let changed = false;
    for (const tc of delta.tool_calls as Record<string, unknown>[]) {
      if (!tc || typeof tc !== 'object') continue;
      const id = typeof tc.id === 'string' && tc.id ? tc.id : undefined;
      if (typeof tc.index !== 'number') {
        changed = true;
        if (id !== undefined) {
          let index = this.byId.get(id);
          if (index === undefined) {
            index = this.last + 1;
            this.byId.set(id, index);
          }
          tc.index = index;
        } else {
          tc.index = Math.max(0, this.last);
        }
      } else if (id !== undefined) {
        this.byId.set(id, tc.index);
      }
      this.last = Math.max(this.last, tc.index as number);
      if (id !== undefined && (tc.type === undefined || tc.type === null)) {
        tc.type = 'function';
        changed = true;
      }
      if (tc.function && typeof tc.function === 'object' && argumentsString(tc.function as Record<string, unknown>)) changed = true;
    }
    return changed;
  }
}

/** `reasoning` copied to `reasoning_content` when only the former is set; true when it did. */
function normalizeReasoning(holder: Record<string, unknown> | undefined): boolean {
  if (!holder) return false;
  if (typeof holder.reasoning === 'string' && holder.reasoning_content == null) {
    holder.reasoning_content = holder.reasoning;
    return true;
  }
  return false;
}

/** Checks and normalizes a non-streaming chat completion. */
export function decodeChatCompletion(body: unknown, ctx: AdapterContext): ChatCompletion {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { choices?: unknown }).choices)) {
    throw new InvalidResponseError(`${ctx.deployment.provider} returned a body that is not a chat completion`, invalidOpts(ctx, body));
  }
  const obj = body as Record<string, unknown>;
  obj.object = 'chat.completion';
  if (typeof obj.id !== 'string') obj.id = '';
  if (typeof obj.created !== 'number') obj.created = Math.floor(Date.now() / 1000);
  if (typeof obj.model !== 'string' || !obj.model) obj.model = ctx.deployment.model;
  normalizeUsage(obj);
  for (const c of obj.choices as Record<string, unknown>[]) {
    if (c && typeof c === 'object') {
      normalizeChoiceFinish(c);
      const message = c.message as Record<string, unknown> | undefined;
      if (message && typeof message === 'object') {
        normalizeReasoning(message);
        normalizeMessageToolCalls(message);
        if (message.content === undefined) message.content = null;
      }
    }
  }
  if (isSimpleChatCompletion(obj)) return obj as ChatCompletion;
  const parsed = ChatCompletionSchema.safeParse(obj);
  if (!parsed.success) {
    throw new InvalidResponseError(
      `${ctx.deployment.provider} returned an invalid chat completion: ${formatIssues(parsed.error.issues)}`,
      invalidOpts(ctx, body),
    );
  }
  return parsed.data;
}

export function decodeEmbeddings(body: unknown, ctx: AdapterContext): CreateEmbeddingResponse {
  const parsed = CreateEmbeddingResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidResponseError(
      `${ctx.deployment.provider} returned an invalid embeddings response: ${formatIssues(parsed.error.issues)}`,
      invalidOpts(ctx, body),
    );
  }
  return parsed.data;
}

function invalidOpts(ctx: AdapterContext, body: unknown) {
  const d = ctx.deployment;
  return { provider: d.provider, deployment: d.id, model: d.model, providerError: truncateBody(body) };
}

function truncateBody(body: unknown): unknown {
  if (typeof body === 'string') return body.slice(0, 1000);
  return body;
}

const FINISH_REASONS = new Set<unknown>(['stop', 'length', 'tool_calls', 'content_filter', 'function_call', null, undefined]);

function optionalString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

/**
 * The shape check of a normalized chunk, by hand: it runs once per streamed chunk, where a schema
 * parse costs more than the rest of the decoding together. Returns the first bad path, if any.
 * (`ChatCompletionChunkSchema` in src/wire describes the same shape.)
 */
export function chunkShapeProblem(obj: Record<string, unknown>): string | undefined {
  const choices = obj.choices as unknown[];
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i] as Record<string, unknown> | null;
    if (!c || typeof c !== 'object') return `choices[${i}]: expected an object`;
    if (typeof c.index !== 'number') return `choices[${i}].index: expected a number`;
    if (!FINISH_REASONS.has(c.finish_reason)) return `choices[${i}].finish_reason: unexpected value`;
    const d = c.delta as Record<string, unknown>;
    if (d.role !== undefined && d.role !== null && d.role !== 'assistant') return `choices[${i}].delta.role: expected "assistant"`;
    if (!optionalString(d.content)) return `choices[${i}].delta.content: expected a string`;
    if (!optionalString(d.refusal)) return `choices[${i}].delta.refusal: expected a string`;
    if (!optionalString(d.reasoning_content)) return `choices[${i}].delta.reasoning_content: expected a string`;
    if (d.tool_calls !== undefined) {
      if (!Array.isArray(d.tool_calls)) return `choices[${i}].delta.tool_calls: expected an array`;
      for (let j = 0; j < d.tool_calls.length; j++) {
        const t = d.tool_calls[j] as Record<string, unknown> | null;
        const at = `choices[${i}].delta.tool_calls[${j}]`;
        if (!t || typeof t !== 'object') return `${at}: expected an object`;
        if (typeof t.index !== 'number') return `${at}.index: expected a number`;
        if (t.id !== undefined && typeof t.id !== 'string') return `${at}.id: expected a string`;
        const f = t.function as Record<string, unknown> | undefined;
        if (f !== undefined && (typeof f !== 'object' || f === null || !optionalString(f.name) || !optionalString(f.arguments))) {
          return `${at}.function: expected { name?: string, arguments?: string }`;
        }
      }
    }
  }
  return undefined;
}

/**
 * The text to forward for a chunk whose `usage` is null (see src/wire/chunk-text.ts): as it is
 * when `"usage":null` is its last member (the mock, vLLM); without that member when it sits
 * elsewhere (OpenAI puts `obfuscation` after it), so that the proxy puts it last, as it always
 * did. The member is found as the only `"usage"` in the text, after a comma and before `:null`;
 * with no `\u` escape in the text, the top-level key can only be spelled that way, so it is
 * that one (anything else, or a second `"usage"`: undefined, the chunk is serialized again).
 */
function textWithNullUsage(data: string): string | undefined {
  // Searched as `usage"` (a rare first letter is several times faster to find than a quote),
  // then the quote before it checked: a `usage"` anywhere else (a second key, or a string value
  // ending with the word) refuses, which covers every other `"usage"`.
  const u = data.indexOf('usage"');
  const at = u - 1;
  if (at <= 0 || data.charCodeAt(at) !== 34 /* " */ || data.charCodeAt(at - 1) !== 44 /* , */ || !data.startsWith(':null', at + 7)) return undefined;
  if (data.indexOf('usage"', u + 6) !== -1 || data.includes('\\u')) return undefined;
  if (at === data.length - NULL_USAGE_TAIL.length + 1) return data; // `,"usage":null}` last
  return data.slice(0, at - 1) + data.slice(at + 12);
}

/**
 * Decoder for `data: {chunk}` SSE streams ending with `data: [DONE]`. Usage, wherever the server
 * puts it (a usage-only chunk, the finish chunk as Groq / Mistral / DeepSeek do, `x_groq.usage`),
 * is taken off the content chunks and sent once, in a usage-only chunk at the end of the stream.
 */
export class OpenAIStreamDecoder implements ChatStreamDecoder {
  done = false;
  private sawFinish = false;
  private readonly toolCalls = new ToolCallIndexer();
  private usage: unknown;
  private readonly meta = { id: '', created: 0, model: '' };
  /** Upstream texts of the chunks left unchanged (src/wire/chunk-text.ts). */
  private readonly texts = new ChunkTexts();
  constructor(private readonly ctx: AdapterContext) {
    this.meta.model = ctx.deployment.model;
  }

  textOf(chunk: ChatCompletionChunk): string | undefined {
    return this.texts.take(chunk);
  }

  push(event: StreamEvent): ChatCompletionChunk[] {
    if (this.done) return [];
    const data = event.data.trim();
    if (data === '[DONE]') {
      this.done = true;
      return this.usageChunk();
    }
    if (data === '') return [];
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(data) as Record<string, unknown>;
    } catch {
      throw new InvalidResponseError(`${this.ctx.deployment.provider} sent a stream event that is not JSON: ${data.slice(0, 200)}`, invalidOpts(this.ctx, data));
    }
    if (!obj || typeof obj !== 'object') {
      throw new InvalidResponseError(`${this.ctx.deployment.provider} sent a stream event that is not an object`, invalidOpts(this.ctx, data));
    }
    if (obj.error) {
      const code = (obj.error as { code?: unknown }).code;
      const status = typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
      throw classifyByStatus({ status, headers: {}, body: obj, text: data }, extractOpenAIError({ status, headers: {}, body: obj, text: data }), this.ctx);
    }
    if (!Array.isArray(obj.choices)) {
      throw new InvalidResponseError(`${this.ctx.deployment.provider} sent a stream chunk without choices`, invalidOpts(this.ctx, obj));
    }
    // `text`: the chunk's text to forward when the normalizations below change nothing (but for a
    // `usage: null`, which the proxy restores last): see src/wire/chunk-text.ts.
    const text = obj.usage === undefined ? data : obj.usage === null ? textWithNullUsage(data) : undefined;
    let unchanged = text !== undefined && obj.x_groq === undefined;
    normalizeUsage(obj);
    if (obj.usage) this.usage = obj.usage;
    if (obj.usage !== undefined) delete obj.usage;
    if (typeof obj.id === 'string' && obj.id) this.meta.id = obj.id;
    if (typeof obj.created === 'number' && obj.created) this.meta.created = obj.created;
    if (typeof obj.model === 'string' && obj.model) this.meta.model = obj.model;
    if ((obj.choices as unknown[]).length === 0) return []; // the usage chunk, or Azure's prompt_filter_results
    if (obj.object !== 'chat.completion.chunk') {
      obj.object = 'chat.completion.chunk';
      unchanged = false;
    }
    if (typeof obj.id !== 'string') {
      obj.id = this.meta.id;
      unchanged = false;
    }
    if (typeof obj.created !== 'number') {
      obj.created = this.meta.created;
      unchanged = false;
    }
    if (typeof obj.model !== 'string' || !obj.model) {
      obj.model = this.meta.model;
      unchanged = false;
    }
    for (const c of obj.choices as Record<string, unknown>[]) {
      if (!c || typeof c !== 'object') continue;
      if (normalizeChoiceFinish(c)) unchanged = false;
      if (!c.delta || typeof c.delta !== 'object') {
        c.delta = {};
        unchanged = false;
      }
      const delta = c.delta as Record<string, unknown>;
      if (normalizeReasoning(delta)) unchanged = false;
      if (this.toolCalls.normalize(delta)) unchanged = false;
      if (c.finish_reason) this.sawFinish = true;
    }
    const problem = chunkShapeProblem(obj);
    if (problem !== undefined) {
      throw new InvalidResponseError(`${this.ctx.deployment.provider} sent an invalid stream chunk: ${problem}`, invalidOpts(this.ctx, obj));
    }
    // A multi-line `data:` event has line ends inside its text: it is serialized again.
    if (unchanged && !data.includes('\n') && !data.includes('\r')) this.texts.record(obj, text!);
    return [obj as ChatCompletionChunk];
  }

  end(): ChatCompletionChunk[] {
    if (this.done) return [];
    if (!this.sawFinish) {
      throw new InvalidResponseError(`${this.ctx.deployment.provider} stream ended before it was complete (no finish_reason and no [DONE])`, invalidOpts(this.ctx, undefined));
    }
    this.done = true;
    return this.usageChunk();
  }

  /** The held usage as the stream's last, usage-only chunk. */
  private usageChunk(): ChatCompletionChunk[] {
    const usage = this.usage;
    if (!usage) return [];
    this.usage = undefined;
    const m = this.meta;
    const chunk = { id: m.id, created: m.created, model: m.model, object: 'chat.completion.chunk', choices: [], usage };
    if (isSimpleUsage(usage)) return [chunk as unknown as ChatCompletionChunk];
    const parsed = ChatCompletionChunkSchema.safeParse(chunk);
    if (!parsed.success) {
      throw new InvalidResponseError(`${this.ctx.deployment.provider} sent invalid usage: ${formatIssues(parsed.error.issues)}`, invalidOpts(this.ctx, usage));
    }
    return [parsed.data];
  }
}
