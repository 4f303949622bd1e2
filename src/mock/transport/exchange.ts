/**
 * One request/response, the same over HTTP/1.1 and HTTP/2 (h2c): read the body, send headers
 * now, write with backpressure, and end, stall or cut. Everything that waits also stops when the
 * client goes away or the server closes, so no handler outlives its connection.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { constants as h2, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';

export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly protocol: 'http/1.1' | 'h2';
  /** The response ended, or the connection / stream went away. */
  readonly closed: boolean;
  /** The connection / stream went away before the answer was complete (not by `end` or `cut`). */
  readonly closedEarly: boolean;
  readonly headersSent: boolean;
  /** Aborted once `closed`; pass to timers. */
  readonly signal: AbortSignal;
  /** The status sent, 0 until headers went out. */
  readonly status: number;
  /** Called once when the status line is sent (the call log records it). */
  onHead(listener: (status: number) => void): void;
  /** A header added to whatever response this exchange sends. */
  setDefaultHeader(name: string, value: string): void;
  readBody(limit: number): Promise<Buffer>;
  /** Sends the status line and headers at once. */
  sendHead(status: number, headers: Record<string, string | number>): void;
  /** Writes a chunk, waiting for drain; false when the exchange closed. */
  write(chunk: string | Buffer): Promise<boolean>;
  end(chunk?: string | Buffer): void;
  /** Drops the connection (HTTP/1.1) or resets the stream (HTTP/2) without finishing the body,
   * after what was written so far has left the process. */
  cut(): Promise<void>;
}

export class BodyTooLargeError extends Error {}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

export function http1Exchange(req: IncomingMessage, res: ServerResponse): Exchange {
  return createExchange(req, res, 'http/1.1', async () => {
    await drained(() => req.socket.writableLength);
    req.socket.destroy();
  });
}

export function http2Exchange(req: Http2ServerRequest, res: Http2ServerResponse): Exchange {
  return createExchange(req, res, 'h2', async () => {
    await drained(() => res.stream.writableLength);
    if (!res.stream.destroyed) res.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
  });
}

/** Waits (up to ~100 ms) until a writable's buffer is empty, so a cut happens after the bytes left. */
async function drained(pending: () => number): Promise<void> {
  for (let i = 0; i < 20 && pending() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 10));
}

function createExchange(req: AnyRequest, res: AnyResponse, protocol: Exchange['protocol'], cut: () => Promise<void>): Exchange {
  const controller = new AbortController();
  let closed = false;
  let finishing = false;
  let status = 0;
  const headListeners: ((status: number) => void)[] = [];
  const defaultHeaders: Record<string, string> = {};
  const close = () => {
    if (closed) return;
    closed = true;
    controller.abort();
  };
  res.once('close', close);
  req.once('error', close);
  const response = res as ServerResponse;

  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    protocol,
    get closed() {
      return closed;
    },
    get closedEarly() {
      return closed && !finishing;
    },
    get headersSent() {
      return res.headersSent;
    },
    signal: controller.signal,
    get status() {
      return status;
    },
    onHead(listener) {
      headListeners.push(listener);
    },
    setDefaultHeader(name, value) {
      defaultHeaders[name] = value;
    },
    readBody(limit) {
      return new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            req.removeAllListeners('data');
            req.resume();
            reject(new BodyTooLargeError(`request body larger than ${limit} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        req.once('end', () => resolve(Buffer.concat(chunks)));
        req.once('error', reject);
        req.once('aborted', () => reject(new Error('request aborted')));
      });
    },
    sendHead(code, headers) {
      if (closed || res.headersSent) return;
      status = code;
      response.writeHead(code, { ...defaultHeaders, ...headers });
      response.flushHeaders();
      for (const listener of headListeners) listener(code);
    },
    async write(chunk) {
      if (closed) return false;
      if (response.write(chunk)) return true;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          controller.signal.removeEventListener('abort', done);
          resolve();
        };
        res.on('drain', done);
        controller.signal.addEventListener('abort', done);
      });
      return !closed;
    },
    end(chunk) {
      if (closed) return;
      finishing = true;
      if (chunk === undefined) response.end();
      else response.end(chunk);
    },
    async cut() {
      if (closed) return;
      finishing = true;
      await cut();
      close();
    },
  };
}

/** Resolves after `ms`, or early when the exchange closes (then returns false). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits until the client or the server closes the exchange (stall and hang). */
export function untilClosed(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
