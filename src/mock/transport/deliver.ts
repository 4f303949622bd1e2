/**
 * Sending an answer over an exchange, with the transport faults applied: delays before the
 * headers and before the first body byte, pacing between stream events, and stall / cut /
 * malformed / stream_error at a given point. Huge bodies are streamed, never built in memory.
 */
import type { Framer, WireEvent } from '../wire/framing.js';
import { sleep, untilClosed, type Exchange } from './exchange.js';

export type BodyFault =
  | { kind: 'stall' | 'cut' | 'malformed'; afterChunks: number }
  | { kind: 'stream_error'; afterChunks: number; events: WireEvent[] };

export interface Timing {
  /** Wait before the status line. */
  beforeHeadMs?: number;
  /** Wait between the headers and the first body byte / first event. */
  firstByteMs?: number;
  /** Wait between stream events. */
  betweenEventsMs?: number;
}

export interface BodyOptions extends Timing {
  headers?: Record<string, string>;
  /** Only stall, cut and malformed apply to whole bodies. */
  fault?: BodyFault;
}

/** A whole (non-stream) body. `stall` and `cut` send half of it first; `malformed` truncates it. */
export async function sendBody(ex: Exchange, status: number, contentType: string, body: string | Buffer, options: BodyOptions = {}): Promise<void> {
  let bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const fault = options.fault;
  if (fault?.kind === 'malformed') bytes = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
  if (!(await sleep(options.beforeHeadMs ?? 0, ex.signal))) return;
  ex.sendHead(status, { 'content-type': contentType, 'content-length': bytes.length, ...options.headers });
  if (!(await sleep(options.firstByteMs ?? 0, ex.signal))) return;
  if (fault?.kind === 'stall' || fault?.kind === 'cut') {
    await ex.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    if (fault.kind === 'cut') await ex.cut();
    else await untilClosed(ex.signal);
    return;
  }
  ex.end(bytes);
}

/** A stream of events, framed by the dialect's framer. */
export async function sendEvents(ex: Exchange, framer: Framer, events: WireEvent[], options: BodyOptions = {}): Promise<void> {
  if (!(await sleep(options.beforeHeadMs ?? 0, ex.signal))) return;
  ex.sendHead(200, { 'content-type': framer.contentType, 'cache-control': 'no-cache', ...options.headers });
  const fault = options.fault;
  const faultAt = fault ? Math.min(fault.afterChunks, fault.kind === 'malformed' ? Math.max(0, events.length - 1) : events.length) : -1;
  for (let i = 0; i <= events.length; i++) {
    if (i === faultAt && fault) {
      if (fault.kind === 'stall') return untilClosed(ex.signal);
      if (fault.kind === 'cut') return ex.cut();
      if (fault.kind === 'stream_error') {
        for (const event of fault.events) if (!(await ex.write(framer.encode(event)))) return;
        return ex.end();
      }
    }
    const event = events[i];
    if (!event) break;
    if (!(await sleep(i === 0 ? (options.firstByteMs ?? 0) : (options.betweenEventsMs ?? 0), ex.signal))) return;
    const frame = i === faultAt && fault?.kind === 'malformed' ? framer.malformed(event) : framer.encode(event);
    if (!(await ex.write(frame))) return;
  }
  ex.end();
}

const FILL = Buffer.alloc(64 * 1024, 'a');

/**
 * A valid-looking JSON body of exactly `bytes` bytes: `prefix`, then filler characters inside a
 * JSON string, then `suffix`. Sent with a Content-Length, 64 KiB at a time.
 */
export async function sendFilledBody(ex: Exchange, contentType: string, prefix: string, suffix: string, bytes: number, options: BodyOptions = {}): Promise<void> {
  const head = Buffer.from(prefix, 'utf8');
  const tail = Buffer.from(suffix, 'utf8');
  const total = Math.max(bytes, head.length + tail.length);
  if (!(await sleep(options.beforeHeadMs ?? 0, ex.signal))) return;
  ex.sendHead(200, { 'content-type': contentType, 'content-length': total, ...options.headers });
  if (!(await ex.write(head))) return;
  for (let left = total - head.length - tail.length; left > 0; left -= FILL.length) {
    if (!(await ex.write(left >= FILL.length ? FILL : FILL.subarray(0, left)))) return;
  }
  ex.end(tail);
}

/** The filler text used by oversized streams, one piece per event. */
export function fillerPieces(bytes: number, pieceSize = 16 * 1024): string[] {
  const piece = 'a'.repeat(pieceSize);
  return Array.from({ length: Math.max(1, Math.ceil(bytes / pieceSize)) }, () => piece);
}
