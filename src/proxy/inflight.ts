/**
 * Requests in flight, for client disconnects and graceful shutdown. Each request gets an
 * AbortController that is passed to the router as the call's `signal`: it fires when the client
 * goes away before the response finished (the router then cancels the upstream request and
 * releases budget reservations; a stream ends with outcome `aborted`) and when a shutdown's
 * drain deadline passes (`shutdown` is then set, so the answer says why).
 */
import type { ServerResponse } from 'node:http';
import { ShutdownError } from './errors.js';
import { ClientGoneError } from './body.js';

export class InflightRequest {
  readonly controller = new AbortController();
  /** Aborted by a shutdown rather than by the client. */
  shutdown = false;

  constructor(
    readonly res: ServerResponse,
    private readonly owner: Inflight,
  ) {
    res.once('close', this.onClose);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the client has gone (the response cannot be written any more). */
  get clientGone(): boolean {
    return this.res.destroyed && !this.res.writableFinished;
  }

  private readonly onClose = (): void => {
    if (!this.res.writableFinished && !this.controller.signal.aborted) this.controller.abort(new ClientGoneError());
    this.owner.remove(this);
  };

  abortForShutdown(): void {
    this.shutdown = true;
    if (!this.controller.signal.aborted) this.controller.abort(new ShutdownError());
  }
}

export class Inflight {
  private readonly requests = new Set<InflightRequest>();
  private waiters: (() => void)[] = [];
  /** Called whenever a request leaves (shutdown closes idle keep-alive connections then). */
  onRemove: (() => void) | undefined;

  begin(res: ServerResponse): InflightRequest {
    const r = new InflightRequest(res, this);
    this.requests.add(r);
    return r;
  }

  remove(r: InflightRequest): void {
    if (!this.requests.delete(r)) return;
    this.onRemove?.();
    if (this.requests.size === 0 && this.waiters.length) {
      const w = this.waiters;
      this.waiters = [];
      for (const resolve of w) resolve();
    }
  }

  get size(): number {
    return this.requests.size;
  }

  /** Resolves when no request is in flight. */
  whenEmpty(): Promise<void> {
    if (this.requests.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Aborts every request still in flight (drain deadline); returns how many. */
  abortAll(): number {
    const n = this.requests.size;
    for (const r of this.requests) r.abortForShutdown();
    return n;
  }
}
