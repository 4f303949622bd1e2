/**
 * Anthropic Messages stream events → OpenAI chunks.
 *
 * message_start (id, model, input and cache usage; a repeated message_start is ignored),
 * content_block_start / content_block_delta (text_delta, thinking_delta, signature_delta,
 * input_json_delta) / content_block_stop, message_delta (stop_reason, usage: its fields replace
 * those of message_start, input tokens included), message_stop (terminal), ping (ignored), and
 * `error` (→ typed error). A tool call whose input never got a non-empty `input_json_delta` gets
 * `{}` as arguments. With a response_format tool, its input streams as content, and text before it
 * is held back (and dropped if the tool is used), as in the non-streaming decoder.
 */
import type { ChatCompletionChunk } from '../../wire/chat-response.js';
import { argumentsText, asRecord, asString, invalidResponse, parseEventJson, type Json } from '../decode-util.js';
import { ResponseFormatStream } from '../json-tool-stream.js';
import { ChunkWriter } from '../stream-parts.js';
import type { AdapterContext, ChatStreamDecoder, StreamEvent } from '../types.js';
import { anthropicStreamError } from './errors.js';
import { anthropicUsage, mapStopReason } from './response.js';

type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking'; text: string; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'tool'; index: number; sawArgs: boolean }
  | { kind: 'json' }
  | { kind: 'ignored' };

export class AnthropicStreamDecoder implements ChatStreamDecoder {
  done = false;
  private readonly w: ChunkWriter;
  private started = false;
  private readonly blocks = new Map<number, BlockState>();
  private toolCount = 0;
  private usage: Json = {};
  private sawUsage = false;
  private readonly format: ResponseFormatStream;

  constructor(
    private readonly ctx: AdapterContext,
    jsonTool: string | undefined,
  ) {
    this.w = new ChunkWriter(ctx.deployment.model);
    this.format = new ResponseFormatStream(this.w, jsonTool);
  }

  push(event: StreamEvent): ChatCompletionChunk[] {
    if (this.done) return [];
    if (event.data.trim() === '') return [];
    const ev = parseEventJson(event, this.ctx);
    const type = asString(ev.type) ?? event.event;
    switch (type) {
      case 'message_start':
        this.onMessageStart(ev);
        break;
      case 'content_block_start':
        this.onBlockStart(ev);
        break;
      case 'content_block_delta':
        this.onBlockDelta(ev);
        break;
      case 'content_block_stop':
        this.onBlockStop(ev);
        break;
      case 'message_delta':
        this.onMessageDelta(ev);
        break;
      case 'message_stop':
        this.onMessageStop();
        break;
      case 'error':
        throw anthropicStreamError(ev, event.data, this.ctx);
      default:
        break; // ping and future event types
    }
    return this.w.take();
  }

  end(): ChatCompletionChunk[] {
    if (!this.done) throw invalidResponse(this.ctx, 'stream ended before message_stop');
    return [];
  }

  private onMessageStart(ev: Json): void {
    if (this.started) return;
    this.started = true;
    const msg = asRecord(ev.message) ?? {};
    this.w.setMeta({ id: asString(msg.id), model: asString(msg.model) });
    this.mergeUsage(asRecord(msg.usage));
  }

  private mergeUsage(u: Json | undefined): void {
    if (!u) return;
    this.sawUsage = true;
    for (const [k, v] of Object.entries(u)) if (v !== null && v !== undefined) this.usage[k] = v;
  }

  private onBlockStart(ev: Json): void {
    const index = Number(ev.index);
    const block = asRecord(ev.content_block) ?? {};
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        this.format.text(asString(block.text) ?? '');
        break;
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking', text: asString(block.thinking) ?? '', signature: asString(block.signature) ?? '' });
        this.w.reasoning(asString(block.thinking) ?? '');
        break;
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'redacted', data: asString(block.data) ?? '' });
        break;
      case 'tool_use': {
        const name = asString(block.name) ?? '';
        const input = asRecord(block.input);
        const initial = input && Object.keys(input).length ? argumentsText(input) : '';
        if (this.format.isFormatTool(name)) {
          this.format.start();
          this.blocks.set(index, { kind: 'json' });
          this.format.json(initial);
          break;
        }
        this.format.flush();
        const state = { kind: 'tool' as const, index: this.toolCount++, sawArgs: initial !== '' };
        this.blocks.set(index, state);
        this.w.toolCallStart({ index: state.index, id: asString(block.id) ?? '', name, arguments: initial });
        break;
      }
      default:
        this.blocks.set(index, { kind: 'ignored' });
    }
  }

  private onBlockDelta(ev: Json): void {
    const state = this.blocks.get(Number(ev.index));
    const delta = asRecord(ev.delta) ?? {};
    if (!state) return;
    switch (delta.type) {
      case 'text_delta':
        if (state.kind === 'text') this.format.text(asString(delta.text) ?? '');
        break;
      case 'thinking_delta':
        if (state.kind === 'thinking') {
          const t = asString(delta.thinking) ?? '';
          state.text += t;
          this.w.reasoning(t);
        }
        break;
      case 'signature_delta':
        if (state.kind === 'thinking') state.signature += asString(delta.signature) ?? '';
        break;
      case 'input_json_delta': {
        const part = asString(delta.partial_json) ?? '';
        if (state.kind === 'json') this.format.json(part);
        else if (state.kind === 'tool' && part !== '') {
          state.sawArgs = true;
          this.w.toolCallArguments(state.index, part);
        }
        break;
      }
      default:
        break; // citations_delta and future delta types
    }
  }

  private onBlockStop(ev: Json): void {
    const state = this.blocks.get(Number(ev.index));
    if (!state) return;
    if (state.kind === 'tool' && !state.sawArgs) this.w.toolCallArguments(state.index, '{}');
    if (state.kind === 'thinking') this.w.delta({ thinking_blocks: [{ type: 'thinking', thinking: state.text, signature: state.signature }] });
    if (state.kind === 'redacted') this.w.delta({ thinking_blocks: [{ type: 'redacted_thinking', data: state.data }] });
  }

  private onMessageDelta(ev: Json): void {
    this.mergeUsage(asRecord(ev.usage));
    const reason = asString(asRecord(ev.delta)?.stop_reason);
    if (!reason) return;
    this.format.flush();
    this.w.finish(this.format.finishReason(mapStopReason(reason), this.toolCount), reason);
  }

  private onMessageStop(): void {
    this.format.flush();
    if (!this.w.hasFinished()) this.w.finish('stop');
    const usage = this.sawUsage ? anthropicUsage(this.usage) : undefined;
    if (usage) this.w.usage(usage);
    this.done = true;
  }
}
