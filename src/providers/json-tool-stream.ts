/**
 * Streams the answer of a `response_format` carried by a forced tool (Anthropic, Bedrock): the
 * tool's input streams as `content`; text the model writes before it is held back and dropped if the
 * tool is used (flushed as ordinary text otherwise), and the finish reason is `stop`, as in the
 * non-streaming decoders.
 */
import type { FinishReason } from '../wire/chat-response.js';
import type { ChunkWriter } from './stream-parts.js';

export class ResponseFormatStream {
  private held: string | undefined;
  private used = false;

  constructor(
    private readonly w: ChunkWriter,
    private readonly toolName: string | undefined,
  ) {
    if (toolName !== undefined) this.held = '';
  }

  isFormatTool(name: string): boolean {
    return this.toolName !== undefined && name === this.toolName;
  }

  /** The response_format tool started: from now on its input is the content. */
  start(): void {
    this.used = true;
    this.held = undefined;
  }

  /** Model text (outside the response_format tool). */
  text(text: string): void {
    if (this.used) return;
    if (this.held !== undefined) this.held += text;
    else this.w.text(text);
  }

  /** A piece of the response_format tool's input. */
  json(text: string): void {
    this.w.text(text);
  }

  /** Releases held text (an ordinary tool call started, or the message ended without the tool). */
  flush(): void {
    if (this.held === undefined) return;
    const text = this.held;
    this.held = undefined;
    this.w.text(text);
  }

  finishReason(mapped: FinishReason, clientToolCalls: number): FinishReason {
    return this.used && clientToolCalls === 0 && mapped === 'tool_calls' ? 'stop' : mapped;
  }
}
