/**
 * Chat-completion chunks → Anthropic Messages streaming events: `message_start`, `ping`, per
 * content block `content_block_start` / `content_block_delta` (`thinking_delta` and
 * `signature_delta`, `text_delta`, `input_json_delta`) / `content_block_stop`, then
 * `message_delta` (stop_reason and the usage, input tokens included since chat streams report
 * them at the end) and `message_stop`. A block is closed when the next one starts.
 */
import type { ChatCompletionChunk, FinishReason, Usage } from '../chat-response.js';
import { messagesUsage, stopReason } from './response.js';

type Json = Record<string, unknown>;

export interface MessagesStreamEvent {
  event: string;
  data: Json;
}

type Block = { kind: 'thinking'; index: number } | { kind: 'text'; index: number } | { kind: 'tool'; index: number; chatIndex: number };

export class MessagesEventEncoder {
  private block: Block | undefined;
  private next = 0;
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;
  private readonly tools = new Map<number, Block & { kind: 'tool' }>();

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  private ev(type: string, fields: Json = {}): MessagesStreamEvent {
    return { event: type, data: { type, ...fields } };
  }

  start(): MessagesStreamEvent[] {
    const message = { id: this.id, type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
    return [this.ev('message_start', { message }), this.ev('ping')];
  }

  private close(out: MessagesStreamEvent[]): void {
    if (!this.block) return;
    out.push(this.ev('content_block_stop', { index: this.block.index }));
    this.block = undefined;
  }

  private open(out: MessagesStreamEvent[], block: Block, contentBlock: Json): void {
    this.close(out);
    this.block = block;
    out.push(this.ev('content_block_start', { index: block.index, content_block: contentBlock }));
  }

  push(chunk: ChatCompletionChunk): MessagesStreamEvent[] {
    const out: MessagesStreamEvent[] = [];
    if (chunk.usage) this.usage = chunk.usage;
    const c = chunk.choices.find((x) => x.index === 0);
    if (!c) return out;
    const d = c.delta;
    if (typeof d.reasoning_content === 'string' && d.reasoning_content) {
      if (this.block?.kind !== 'thinking') this.open(out, { kind: 'thinking', index: this.next++ }, { type: 'thinking', thinking: '', signature: '' });
      out.push(this.ev('content_block_delta', { index: this.block!.index, delta: { type: 'thinking_delta', thinking: d.reasoning_content } }));
    }
    const blocks = (d as { thinking_blocks?: unknown }).thinking_blocks;
    if (Array.isArray(blocks)) {
      for (const b of blocks as Json[]) {
        if (b?.type === 'thinking' && typeof b.signature === 'string' && b.signature) {
          if (this.block?.kind !== 'thinking') {
            this.open(out, { kind: 'thinking', index: this.next++ }, { type: 'thinking', thinking: '', signature: '' });
            if (typeof b.thinking === 'string' && b.thinking) out.push(this.ev('content_block_delta', { index: this.block!.index, delta: { type: 'thinking_delta', thinking: b.thinking } }));
          }
          out.push(this.ev('content_block_delta', { index: this.block!.index, delta: { type: 'signature_delta', signature: b.signature } }));
          this.close(out);
        } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') {
          this.open(out, { kind: 'thinking', index: this.next++ }, { type: 'redacted_thinking', data: b.data });
          this.close(out);
        }
      }
    }
    const text = (d.content ?? '') + (d.refusal ?? '');
    if (text) {
      if (this.block?.kind !== 'text') this.open(out, { kind: 'text', index: this.next++ }, { type: 'text', text: '' });
      out.push(this.ev('content_block_delta', { index: this.block!.index, delta: { type: 'text_delta', text } }));
    }
    for (const tc of d.tool_calls ?? []) {
      let b = this.tools.get(tc.index);
      if (!b) {
        b = { kind: 'tool', index: this.next++, chatIndex: tc.index };
        this.tools.set(tc.index, b);
        this.open(out, b, { type: 'tool_use', id: tc.id ?? `toolu_${b.index}`, name: tc.function?.name ?? '', input: {} });
      }
      const args = tc.function?.arguments;
      // Deltas of a call already closed (interleaving providers) cannot be sent any more: dropped.
      if (args && this.block === b) out.push(this.ev('content_block_delta', { index: b.index, delta: { type: 'input_json_delta', partial_json: args } }));
    }
    if (c.finish_reason) this.finish = c.finish_reason;
    return out;
  }

  end(): MessagesStreamEvent[] {
    const out: MessagesStreamEvent[] = [];
    this.close(out);
    out.push(this.ev('message_delta', { delta: { stop_reason: stopReason(this.finish), stop_sequence: null }, usage: messagesUsage(this.usage) }));
    out.push(this.ev('message_stop'));
    return out;
  }
}
