/**
 * Builds OpenAI `ChatCompletionChunk`s from typed stream parts, for the decoders of providers that
 * do not speak the OpenAI wire (Anthropic, Gemini, Bedrock). A decoder says what happened (text,
 * reasoning, a tool call started, tool-call arguments, finish, usage) and the writer fills in the
 * envelope (id, created, model set once), the `role` on a choice's first chunk, and the
 * usage-only chunk (`choices: []`) that ends every stream whose provider reported usage.
 */
import type { ChatCompletionChunk, ChunkChoice, FinishReason, Usage } from '../wire/chat-response.js';

export interface ChunkMeta {
  id: string;
  model: string;
  created: number;
}

export interface ToolCallStart {
  /** Position of the call among the choice's tool calls (OpenAI `tool_calls[].index`). */
  index: number;
  id: string;
  name: string;
  /** Arguments known at the start (whole arguments when the provider sends them in one piece). */
  arguments?: string;
  /** Extra fields carried on the tool call (e.g. Gemini's `extra_content.google.thought_signature`). */
  extra?: Record<string, unknown>;
}

export class ChunkWriter {
  readonly meta: ChunkMeta;
  private readonly out: ChatCompletionChunk[] = [];
  private readonly started = new Set<number>();
  private finished = new Set<number>();
  private usageSent = false;

  constructor(model: string, created: number = Math.floor(Date.now() / 1000)) {
    this.meta = { id: '', model, created };
  }

  /** Sets the response id / model once known (the first non-empty value wins for the id). */
  setMeta(meta: { id?: string | undefined; model?: string | undefined; created?: number | undefined }): void {
    if (meta.id && !this.meta.id) this.meta.id = meta.id;
    if (meta.model) this.meta.model = meta.model;
    if (meta.created) this.meta.created = meta.created;
  }

  text(text: string, choice = 0): void {
    if (text) this.delta({ content: text }, choice);
  }

  reasoning(text: string, choice = 0): void {
    if (text) this.delta({ reasoning_content: text }, choice);
  }

  toolCallStart(call: ToolCallStart, choice = 0): void {
    const tc: Record<string, unknown> = {
      index: call.index,
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments ?? '' },
      ...call.extra,
    };
    this.delta({ tool_calls: [tc] }, choice);
  }

  toolCallArguments(index: number, args: string, choice = 0): void {
    if (args) this.delta({ tool_calls: [{ index, function: { arguments: args } }] }, choice);
  }

  /** A delta with arbitrary fields (e.g. `thinking_blocks`). */
  delta(fields: Record<string, unknown>, choice = 0): void {
    this.push(choice, fields, null);
  }

  /** The choice's finish reason; `native` is the provider's own value, kept as `native_finish_reason`. */
  finish(reason: FinishReason, native?: string, choice = 0): void {
    if (this.finished.has(choice)) return;
    this.finished.add(choice);
    this.push(choice, {}, reason, native);
  }

  hasFinished(choice = 0): boolean {
    return this.finished.has(choice);
  }

  /** The usage-only chunk. Sent at most once. */
  usage(usage: Usage): void {
    if (this.usageSent) return;
    this.usageSent = true;
    this.out.push({ ...this.envelope(), choices: [], usage });
  }

  /** The chunks written since the last call. */
  take(): ChatCompletionChunk[] {
    return this.out.splice(0, this.out.length);
  }

  private envelope(): { id: string; object: 'chat.completion.chunk'; created: number; model: string } {
    return { id: this.meta.id, object: 'chat.completion.chunk', created: this.meta.created, model: this.meta.model };
  }

  private push(choice: number, fields: Record<string, unknown>, finish: FinishReason | null, native?: string): void {
    const delta: ChunkChoice['delta'] = this.started.has(choice) ? { ...fields } : { role: 'assistant', ...fields };
    this.started.add(choice);
    const c: ChunkChoice = { index: choice, delta, finish_reason: finish };
    if (native !== undefined) (c as Record<string, unknown>).native_finish_reason = native;
    this.out.push({ ...this.envelope(), choices: [c] });
  }
}
