/**
 * Server-sent events exactly as OpenAI sends them: `data: <json>\n\n` per chunk (with an
 * `event: <name>` line for the Responses and Messages APIs), `data: [DONE]\n\n`
 * at the end, and an error after the first chunk as `data: {"error": {...}}\n\n` followed by the
 * end of the stream (no [DONE]; the official SDKs raise an APIError on it). Writes honour
 * backpressure: when the socket buffer is full, `send` resolves only after `drain` (or the
 * client leaving), so the caller pulls the next chunk from upstream only when the client reads.
 *
 * Corking: events written in one turn of the event loop (a batch of chunks decoded from one
 * upstream read) leave in one socket write. The SOCKET is corked, never the response: since
 * Node 21, `res.cork()` keeps chunked writes in a buffer of the response itself, and that
 * buffer breaks streaming:
 * - `res.end(data)` while corked writes the terminating `0\r\n\r\n` chunk BEFORE flushing the
 *   buffer, so the client sees the response end after the first event and the rest arrives as
 *   garbage on the connection (the client drops it; the proxy's next write gets ECONNRESET).
 *   Seen on Node 22.23 and 24.21;
 * - on Node 22.23, a `write` that returns false because that buffer is full gets no `'drain'`
 *   once the socket has taken the data, so the stream stalls for good.
 * Corking the socket is what `res.cork()` did up to Node 20: the framed chunks queue in the
 * socket, `end()` uncorks it fully before the terminator, and `'drain'` follows the socket.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

export class SseWriter {
  private waiting: Promise<void> | undefined;
  private readonly release: () => void;
  private resolveWait: (() => void) | undefined;
  /** The corked socket and the pending uncork, between a turn's first event and its end. */
  private corked: { socket: Socket; release: NodeJS.Immediate } | undefined;
  /** Releases the cork taken by `send` (exactly once per cork). */
  private readonly uncork = (): void => {
    const c = this.corked;
    if (!c) return;
    this.corked = undefined;
    clearImmediate(c.release);
    if (!c.socket.destroyed) c.socket.uncork();
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
   * is gone. Events written in the same turn of the event loop leave in one socket write: the
   * socket is corked until `setImmediate` (see the module comment).
   */
  send(json: string, event?: string): Promise<boolean> | boolean {
    if (!this.open) return false;
    const socket = this.res.socket;
    if (!this.corked && socket) {
      socket.cork();
      this.corked = { socket, release: setImmediate(this.uncork) };
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
    this.uncork();
    if (this.open) this.res.end('data: [DONE]\n\n');
  }

  /** The end of the response without `[DONE]` (APIs whose events name their own end). */
  end(): void {
    this.uncork();
    if (this.open) this.res.end();
  }

  /** An error event, then the end of the response (no [DONE]). */
  fail(errorJson: string): void {
    this.uncork();
    if (this.open) this.res.end(`data: ${errorJson}\n\n`);
  }
}
