/**
 * Server-sent events exactly as OpenAI sends them: `data: <json>\n\n` per chunk (with an
 * `event: <name>` line for the Responses and Messages APIs), `data: [DONE]\n\n`
 * at the end, and an error after the first chunk as `data: {"error": {...}}\n\n` followed by the
 * end of the stream (no [DONE]; the official SDKs raise an APIError on it). Writes honour
 * backpressure: when the socket buffer is full, `send` resolves only after `drain` (or the
 * client leaving), so the caller pulls the next chunk from upstream only when the client reads.
 */
import type { ServerResponse } from 'node:http';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

export class SseWriter {
  private waiting: Promise<void> | undefined;
  private readonly release: () => void;
  private resolveWait: (() => void) | undefined;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    if (this.open) this.res.uncork();
  };

  constructor(private readonly res: ServerResponse) {
    this.release = () => {
      const r = this.resolveWait;
      this.resolveWait = undefined;
      this.waiting = undefined;
      r?.();
    };
  }

  /** True while the client can still receive. */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes the status line and headers (sent with the first event). */
  start(headers: Record<string, string>): void {
    this.res.writeHead(200, headers);
  }

  /**
   * Writes one `data:` event; resolves when the client has room for more. False when the client
   * is gone. Events written in the same turn of the event loop (a batch of chunks decoded from
   * one upstream read) leave in one socket write: the response is corked until `setImmediate`.
   */
  send(json: string, event?: string): Promise<boolean> | boolean {
    if (!this.open) return false;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      setImmediate(this.uncork);
    }
    const room = this.res.write(event === undefined ? `data: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n`);
    if (room) return true;
    return this.drained();
  }

  private drained(): Promise<boolean> {
    if (!this.waiting) {
      this.waiting = new Promise<void>((resolve) => {
        this.resolveWait = resolve;
        this.res.once('drain', this.release);
        this.res.once('close', this.release);
      });
    }
    return this.waiting.then(() => {
      this.res.off('drain', this.release);
      this.res.off('close', this.release);
      return this.open;
    });
  }

  /** `data: [DONE]` and the end of the response. */
  done(): void {
    if (this.open) this.res.end('data: [DONE]\n\n');
  }

  /** The end of the response without `[DONE]` (APIs whose events name their own end). */
  end(): void {
    if (this.open) this.res.end();
  }

  /** An error event, then the end of the response (no [DONE]). */
  fail(errorJson: string): void {
    if (this.open) this.res.end(`data: ${errorJson}\n\n`);
  }
}
