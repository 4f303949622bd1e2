/**
 * ConverseStream events (AWS event-stream messages whose `:event-type` names the event and whose
 * payload is its JSON) → OpenAI chunks: messageStart, contentBlockStart (a tool call's id and
 * name), contentBlockDelta (text, toolUse.input pieces, reasoningContent text / signature /
 * redacted), contentBlockStop, messageStop (stopReason) and metadata (usage). messageStop and
 * metadata may come in either order; the stream is complete once both arrived (or the body ends
 * after messageStop). Exception messages → typed errors. A payload wrapped as
 * `{"contentBlockDelta": {...}}` (as in recordings) is unwrapped.
 */
import type { ChatCompletionChunk } from '../../wire/chat-response.js';
import { asRecord, asString, invalidResponse, parseEventJson, type Json } from '../decode-util.js';
import { ResponseFormatStream } from '../json-tool-stream.js';
import { ChunkWriter } from '../stream-parts.js';
import type { AdapterContext, ChatStreamDecoder, StreamEvent } from '../types.js';
import { bedrockStreamError } from './errors.js';
import { bedrockUsage, mapStopReason, newResponseId } from './response.js';

const EVENTS = new Set(['messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);

type BlockState =
  | { kind: 'tool'; index: number; sawArgs: boolean }
  | { kind: 'json' }
  | { kind: 'reasoning'; text: string; signature: string; redacted?: string };

export class BedrockStreamDecoder implements ChatStreamDecoder {
  done = false;
  private readonly w: ChunkWriter;
  private readonly format: ResponseFormatStream;
  private readonly blocks = new Map<number, BlockState>();
  private toolCount = 0;
  private stopped = false;
  private usage: Json | undefined;

  constructor(
    private readonly ctx: AdapterContext,
    jsonTool: string | undefined,
  ) {
    this.w = new ChunkWriter(ctx.deployment.model);
    this.w.setMeta({ id: newResponseId() });
    this.format = new ResponseFormatStream(this.w, jsonTool);
  }

  push(event: StreamEvent): ChatCompletionChunk[] {
    if (this.done) return [];
    if (event.messageType === 'exception' || event.messageType === 'error') {
      let payload: unknown = event.data;
      try {
        payload = JSON.parse(event.data);
      } catch {
        /* keep text */
      }
      throw bedrockStreamError(event.event, payload, event.data, this.ctx);
    }
    let name = event.event;
    let payload = parseEventJson(event, this.ctx);
    if (!name || !EVENTS.has(name)) {
      const keys = Object.keys(payload);
      if (keys.length === 1 && EVENTS.has(keys[0]!)) {
        name = keys[0]!;
        payload = asRecord(payload[name]) ?? {};
      }
    }
    switch (name) {
      case 'contentBlockStart':
        this.onBlockStart(payload);
        break;
      case 'contentBlockDelta':
        this.onBlockDelta(payload);
        break;
      case 'contentBlockStop':
        this.onBlockStop(payload);
        break;
      case 'messageStop':
        this.onMessageStop(payload);
        break;
      case 'metadata':
        this.usage = asRecord(payload.usage);
        if (this.stopped) this.complete();
        break;
      default:
        break; // messageStart and future events
    }
    return this.w.take();
  }

  end(): ChatCompletionChunk[] {
    if (this.done) return [];
    if (!this.stopped) throw invalidResponse(this.ctx, 'stream ended before messageStop');
    this.complete();
    return this.w.take();
  }

  private onBlockStart(p: Json): void {
    const index = Number(p.contentBlockIndex);
    const tu = asRecord(asRecord(p.start)?.toolUse);
    if (!tu) return;
    const name = asString(tu.name) ?? '';
    if (this.format.isFormatTool(name)) {
      this.format.start();
      this.blocks.set(index, { kind: 'json' });
      return;
    }
    this.format.flush();
    const state = { kind: 'tool' as const, index: this.toolCount++, sawArgs: false };
    this.blocks.set(index, state);
    this.w.toolCallStart({ index: state.index, id: asString(tu.toolUseId) ?? '', name });
  }

  private onBlockDelta(p: Json): void {
    const index = Number(p.contentBlockIndex);
    const delta = asRecord(p.delta) ?? {};
    const state = this.blocks.get(index);
    if (typeof delta.text === 'string') this.format.text(delta.text);
    const tu = asRecord(delta.toolUse);
    if (tu && typeof tu.input === 'string') {
      if (state?.kind === 'json') this.format.json(tu.input);
      else if (state?.kind === 'tool' && tu.input !== '') {
        state.sawArgs = true;
        this.w.toolCallArguments(state.index, tu.input);
      }
    }
    const rc = asRecord(delta.reasoningContent);
    if (rc) {
      let r = state;
      if (!r) {
        r = { kind: 'reasoning', text: '', signature: '' };
        this.blocks.set(index, r);
      }
      if (r.kind !== 'reasoning') return;
      if (typeof rc.text === 'string') {
        r.text += rc.text;
        this.w.reasoning(rc.text);
      }
      if (typeof rc.signature === 'string') r.signature += rc.signature;
      if (typeof rc.redactedContent === 'string') r.redacted = (r.redacted ?? '') + rc.redactedContent;
    }
  }

  private onBlockStop(p: Json): void {
    const state = this.blocks.get(Number(p.contentBlockIndex));
    if (state?.kind === 'tool' && !state.sawArgs) this.w.toolCallArguments(state.index, '{}');
    if (state?.kind === 'reasoning') {
      const block = state.redacted !== undefined ? { type: 'redacted_thinking', data: state.redacted } : { type: 'thinking', thinking: state.text, signature: state.signature };
      this.w.delta({ thinking_blocks: [block] });
    }
  }

  private onMessageStop(p: Json): void {
    this.stopped = true;
    this.format.flush();
    const reason = asString(p.stopReason);
    this.w.finish(this.format.finishReason(mapStopReason(reason), this.toolCount), reason);
    if (this.usage) this.complete();
  }

  private complete(): void {
    const usage = bedrockUsage(this.usage);
    if (usage) this.w.usage(usage);
    this.done = true;
  }
}
