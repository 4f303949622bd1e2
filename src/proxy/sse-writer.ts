/**
 * Server-sent events exactly as OpenAI sends them: `data: <json>\n\n` per chunk (with an
 * `event: <name>` line for the Responses and Messages APIs), `data: [DONE]\n\n`
 * at the end, and an error after the first chunk as `data: {"error": {...}}\n\n` followed by the
 * end of the stream (no [DONE]; the official SDKs raise an APIError on it). Writes honour
 * backpressure: when the socket buffer is full, `send` resolves only after `drain` (or the
 * client leaving), so the caller pulls the next chunk from upstream only when the client reads.
 *
 * Coalescing: events written in one turn of the event loop (a batch of chunks decoded from one
 * upstream read) are joined into one string and leave in ONE `res.write` at the end of the turn
 * (`setImmediate`), or at once past 16 KiB; `done`/`end`/`fail` put what is pending and the end
 * into one `res.end`. One chunked-encoding frame per turn instead of one per event: a profile of
 * 20-chunk streams under load had a fifth of the proxy's CPU in `writev` of the many small
 * frames. Neither the response nor the socket is corked: since Node 21, `res.cork()` keeps
 * chunked writes in a buffer of the response itself that breaks streaming (`res.end(data)` while
 * corked writes the terminating chunk before the buffer; on Node 22.23 a write that returns
 * false there gets no `'drain'`), and a joined string needs no cork.
 */
import type { ServerResponse } from 'node:http';

/**
 * A fresh object of the SSE headers, for a response to add its own to. A literal, not a copy of
 * a shared constant: properties added to a `{ ...spread }` copy take V8's slow path (about 3 µs
 * for the five x-tracegate headers of a stream, against 0.2 µs on a literal).
 */
export function sseHeaders(): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  };
}

/** Pending events past this many characters are written at once rather than at the end of the turn. */
const FLUSH_AT = 16 * 1024;

export class SseWriter {
  /** Events of this turn not yet written. */
  private pending = '';
  private flushTimer: NodeJS.Immediate | undefined;
  /** Set while the response's buffer is full: settles on `'drain'` (or the client leaving). */
  private blocked: Promise<void> | undefined;
  private readonly flushSoon = (): void => {
    this.flushTimer = undefined;
    this.flush();
  };

  constructor(private readonly res: ServerResponse) {}

  /** True while the client can still receive. */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes the status line and headers (sent with the first event). */
  start(headers: Record<string, string>): void {
    this.res.writeHead(200, headers);
  }

  /**
   * Queues one `data:` event (written at the end of this turn, see the module comment); resolves
   * when the client has room for more. False when the client is gone.
   */
  send(json: string, event?: string): Promise<boolean> | boolean {
    if (!this.open) return false;
    this.pending += event === undefined ? `data: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n`;
    if (this.pending.length >= FLUSH_AT) this.flush();
    else this.flushTimer ??= setImmediate(this.flushSoon);
    return this.blocked ? this.blocked.then(() => this.open) : true;
  }

  /** Writes what is pending; on a full buffer, `blocked` until the client drains it. */
  private flush(): void {
    if (this.flushTimer) {
      clearImmediate(this.flushTimer);
      this.flushTimer = undefined;
    }
    const data = this.pending;
    if (!data || !this.open) return;
    this.pending = '';
    if (this.res.write(data) || this.blocked) return;
    const res = this.res;
    this.blocked = new Promise<void>((resolve) => {
      const release = (): void => {
        res.off('drain', release);
        res.off('close', release);
        this.blocked = undefined;
        resolve();
      };
      res.once('drain', release);
      res.once('close', release);
    });
  }

  /** Takes what is pending (for the final `res.end`). */
  private take(): string {
    if (this.flushTimer) {
      clearImmediate(this.flushTimer);
      this.flushTimer = undefined;
    }
    const data = this.pending;
    this.pending = '';
    return data;
  }

  /** `data: [DONE]` and the end of the response. */
  done(): void {
    const data = this.take();
    if (this.open) this.res.end(`${data}data: [DONE]\n\n`);
  }

  /** The end of the response without `[DONE]` (APIs whose events name their own end). */
  end(): void {
    const data = this.take();
    if (this.open) this.res.end(data || undefined);
  }

  /** An error event, then the end of the response (no [DONE]). */
  fail(errorJson: string): void {
    const data = this.take();
    if (this.open) this.res.end(`${data}data: ${errorJson}\n\n`);
  }
}
