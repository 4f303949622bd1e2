/**
 * Chat-completion chunks → the Responses API's streaming events, in OpenAI's order:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * its content (`response.content_part.added` / `response.output_text.delta` / `.done` /
 * `response.content_part.done` for a message; `response.reasoning_summary_part.added` /
 * `response.reasoning_summary_text.delta` / `.done` / `response.reasoning_summary_part.done`
 * for reasoning; `response.function_call_arguments.delta` / `.done` for a function call) and
 * `response.output_item.done`; finally `response.completed` or `response.incomplete` (or
 * `response.failed` after an error), each with its `sequence_number`. An item is closed when
 * the next one starts, so items never interleave.
 */
import type { ChatCompletionChunk, FinishReason, Usage } from '../chat-response.js';
import type { ResponseCreateParams } from './request.js';
import {
  finishStatus,
  functionCallItem,
  messageItem,
  newItemId,
  outputTextPart,
  reasoningItem,
  responseUsage,
  wantsEncryptedReasoning,
  type ResponseObject,
} from './response.js';

type Json = Record<string, unknown>;

export interface ResponseStreamEvent extends Json {
  type: string;
  sequence_number: number;
}

type Open =
  | { kind: 'reasoning'; id: string; index: number; text: string; blocks: unknown[] }
  | { kind: 'message'; id: string; index: number; text: string; refusal: string }
  | { kind: 'function'; id: string; index: number; callId: string; name: string; args: string; chatIndex: number };

export class ResponseEventEncoder {
  private seq = 0;
  private open: Open | undefined;
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;
  private model: string | undefined;
  private readonly includeEncrypted: boolean;
  /** Tool-call index in the chat stream → the function item it became (late deltas go to it). */
  private readonly calls = new Map<number, Open & { kind: 'function' }>();

  constructor(
    readonly response: ResponseObject,
    params: ResponseCreateParams,
  ) {
    this.includeEncrypted = wantsEncryptedReasoning(params);
  }

  private ev(type: string, fields: Json): ResponseStreamEvent {
    return { type, ...fields, sequence_number: this.seq++ };
  }

  private snapshot(): ResponseObject {
    return structuredClone(this.response);
  }

  /** `response.created` and `response.in_progress`. */
  start(): ResponseStreamEvent[] {
    return [this.ev('response.created', { response: this.snapshot() }), this.ev('response.in_progress', { response: this.snapshot() })];
  }

  private close(out: ResponseStreamEvent[]): void {
    const o = this.open;
    if (!o) return;
    this.open = undefined;
    let item: Json;
    if (o.kind === 'reasoning') {
      if (o.text) {
        const part = { type: 'summary_text', text: o.text };
        out.push(this.ev('response.reasoning_summary_text.done', { item_id: o.id, output_index: o.index, summary_index: 0, text: o.text }));
        out.push(this.ev('response.reasoning_summary_part.done', { item_id: o.id, output_index: o.index, summary_index: 0, part }));
      }
      item = reasoningItem(o.id, o.text, o.blocks, this.includeEncrypted);
    } else if (o.kind === 'message') {
      const parts: Json[] = [];
      if (o.text || !o.refusal) {
        const part = outputTextPart(o.text);
        out.push(this.ev('response.output_text.done', { content_index: 0, item_id: o.id, logprobs: [], output_index: o.index, text: o.text }));
        out.push(this.ev('response.content_part.done', { content_index: 0, item_id: o.id, output_index: o.index, part }));
        parts.push(part);
      }
      if (o.refusal) {
        const ci = parts.length;
        const part = { type: 'refusal', refusal: o.refusal };
        out.push(this.ev('response.refusal.done', { content_index: ci, item_id: o.id, output_index: o.index, refusal: o.refusal }));
        out.push(this.ev('response.content_part.done', { content_index: ci, item_id: o.id, output_index: o.index, part }));
        parts.push(part);
      }
      item = messageItem(o.id, parts, this.finish === 'length' || this.finish === 'content_filter' ? 'incomplete' : 'completed');
    } else {
      out.push(this.ev('response.function_call_arguments.done', { arguments: o.args, item_id: o.id, output_index: o.index }));
      item = functionCallItem(o.id, o.callId, o.name, o.args, 'completed');
    }
    this.response.output[o.index] = item;
    out.push(this.ev('response.output_item.done', { item, output_index: o.index }));
  }

  private openItem(out: ResponseStreamEvent[], o: Open, item: Json): void {
    this.close(out);
    this.open = o;
    this.response.output.push(item);
    out.push(this.ev('response.output_item.added', { item, output_index: o.index }));
  }

  private reasoningDelta(out: ResponseStreamEvent[], text: string, blocks: unknown[] | undefined): void {
    let o = this.open;
    if (o?.kind !== 'reasoning') {
      const id = newItemId('rs');
      o = { kind: 'reasoning', id, index: this.response.output.length, text: '', blocks: [] };
      this.openItem(out, o, { id, type: 'reasoning', summary: [] });
    }
    if (blocks) o.blocks.push(...blocks);
    if (!text) return;
    if (!o.text) out.push(this.ev('response.reasoning_summary_part.added', { item_id: o.id, output_index: o.index, summary_index: 0, part: { type: 'summary_text', text: '' } }));
    o.text += text;
    out.push(this.ev('response.reasoning_summary_text.delta', { item_id: o.id, output_index: o.index, summary_index: 0, delta: text }));
  }

  private messageDelta(out: ResponseStreamEvent[], text: string, refusal: string): void {
    let o = this.open;
    if (o?.kind !== 'message') {
      const id = newItemId('msg');
      o = { kind: 'message', id, index: this.response.output.length, text: '', refusal: '' };
      this.openItem(out, o, messageItem(id, [], 'in_progress'));
      if (text) out.push(this.ev('response.content_part.added', { content_index: 0, item_id: id, output_index: o.index, part: outputTextPart('') }));
    }
    if (text) {
      o.text += text;
      out.push(this.ev('response.output_text.delta', { content_index: 0, delta: text, item_id: o.id, logprobs: [], output_index: o.index }));
    }
    if (refusal) {
      const ci = o.text ? 1 : 0;
      if (!o.refusal) out.push(this.ev('response.content_part.added', { content_index: ci, item_id: o.id, output_index: o.index, part: { type: 'refusal', refusal: '' } }));
      o.refusal += refusal;
      out.push(this.ev('response.refusal.delta', { content_index: ci, delta: refusal, item_id: o.id, output_index: o.index }));
    }
  }

  private toolDelta(out: ResponseStreamEvent[], tc: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number]): void {
    let o = this.calls.get(tc.index);
    if (!o) {
      const id = newItemId('fc');
      o = { kind: 'function', id, index: this.response.output.length, callId: tc.id ?? newItemId('call'), name: tc.function?.name ?? '', args: '', chatIndex: tc.index };
      this.calls.set(tc.index, o);
      this.openItem(out, o, functionCallItem(id, o.callId, o.name, '', 'in_progress'));
    } else if (tc.function?.name && this.open === o) {
      o.name += tc.function.name;
    }
    const delta = tc.function?.arguments;
    if (!delta) return;
    o.args += delta;
    // A delta for a call already closed (providers that interleave calls) is kept in its item only.
    if (this.open === o) out.push(this.ev('response.function_call_arguments.delta', { delta, item_id: o.id, output_index: o.index }));
    else this.response.output[o.index] = functionCallItem(o.id, o.callId, o.name, o.args, 'completed');
  }

  /** Events for one chat chunk (choice 0). */
  push(chunk: ChatCompletionChunk): ResponseStreamEvent[] {
    const out: ResponseStreamEvent[] = [];
    if (chunk.model && !this.model) {
      this.model = chunk.model;
      this.response.model = chunk.model;
    }
    if (chunk.usage) this.usage = chunk.usage;
    const c = chunk.choices.find((x) => x.index === 0);
    if (!c) return out;
    const d = c.delta;
    const blocks = (d as { thinking_blocks?: unknown }).thinking_blocks;
    if (typeof d.reasoning_content === 'string' && d.reasoning_content) this.reasoningDelta(out, d.reasoning_content, Array.isArray(blocks) ? blocks : undefined);
    else if (Array.isArray(blocks) && blocks.length) this.reasoningDelta(out, '', blocks);
    if ((typeof d.content === 'string' && d.content) || (typeof d.refusal === 'string' && d.refusal)) this.messageDelta(out, d.content ?? '', d.refusal ?? '');
    for (const tc of d.tool_calls ?? []) this.toolDelta(out, tc);
    if (c.finish_reason) this.finish = c.finish_reason;
    return out;
  }

  /** Closes the open item; `response.completed` or `response.incomplete`. */
  end(): ResponseStreamEvent[] {
    const out: ResponseStreamEvent[] = [];
    this.close(out);
    const { status, incomplete_details } = finishStatus(this.finish);
    this.response.status = status;
    this.response.incomplete_details = incomplete_details;
    this.response.usage = responseUsage(this.usage);
    out.push(this.ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: this.snapshot() }));
    return out;
  }

  /** After an upstream failure: `response.failed` with the error (the open item stays incomplete). */
  fail(error: { code: string | null; message: string }): ResponseStreamEvent[] {
    this.response.status = 'failed';
    this.response.error = { code: error.code ?? 'server_error', message: error.message };
    this.response.usage = responseUsage(this.usage);
    return [this.ev('response.failed', { response: this.snapshot() })];
  }
}
