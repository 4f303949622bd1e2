/**
 * The AWS event-stream binary framing (`application/vnd.amazon.eventstream`, used by Bedrock
 * ConverseStream), decoded incrementally: a message is a 12-byte prelude (total length, headers
 * length, CRC-32 of those 8 bytes), typed headers, the payload, and a CRC-32 of everything before
 * it. Both checksums are verified; a bad one, an impossible length, or a body that ends inside a
 * message is an InvalidResponseError. Bytes are held only until a message is complete.
 *
 * Importing this module registers the `aws-eventstream` framer (see framing.ts).
 */
import { InvalidResponseError } from '../errors.js';
import { crc32 } from 'node:zlib';
import type { StreamEvent } from './stream-event.js';
import { registerFramer, type EventFramer } from './framing.js';

const PRELUDE = 12;
const MIN_MESSAGE = PRELUDE + 4;
/** AWS caps a message at 16 MB and its headers at 128 KB. */
const MAX_MESSAGE = 16 * 1024 * 1024;
const MAX_HEADERS = 128 * 1024;

export type HeaderValue = string | number | boolean | bigint | Uint8Array | Date;

export interface EventStreamMessage {
  headers: Record<string, HeaderValue>;
  payload: Uint8Array;
}

function parseHeaders(buf: Buffer, start: number, end: number): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = {};
  let i = start;
  const need = (n: number) => {
    if (i + n > end) throw new InvalidResponseError('malformed event-stream headers (a header runs past its section)');
  };
  while (i < end) {
    need(1);
    const nameLen = buf.readUInt8(i++);
    need(nameLen + 1);
    const name = buf.toString('utf8', i, i + nameLen);
    i += nameLen;
    const type = buf.readUInt8(i++);
    let value: HeaderValue;
    switch (type) {
      case 0:
        value = true;
        break;
      case 1:
        value = false;
        break;
      case 2:
        need(1);
        value = buf.readInt8(i);
        i += 1;
        break;
      case 3:
        need(2);
        value = buf.readInt16BE(i);
        i += 2;
        break;
      case 4:
        need(4);
        value = buf.readInt32BE(i);
        i += 4;
        break;
      case 5:
        need(8);
        value = buf.readBigInt64BE(i);
        i += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const len = buf.readUInt16BE(i);
        i += 2;
        need(len);
        value = type === 7 ? buf.toString('utf8', i, i + len) : new Uint8Array(buf.subarray(i, i + len));
        i += len;
        break;
      }
      case 8:
        need(8);
        value = new Date(Number(buf.readBigInt64BE(i)));
        i += 8;
        break;
      case 9:
        need(16);
        value = new Uint8Array(buf.subarray(i, i + 16));
        i += 16;
        break;
      default:
        throw new InvalidResponseError(`malformed event-stream headers (unknown header type ${type})`);
    }
    headers[name] = value;
  }
  return headers;
}

/** Incremental decoder of event-stream bytes into messages. */
export class EventStreamDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before the next parse step can run. */
  private need = PRELUDE;

  push(chunk: Uint8Array): EventStreamMessage[] {
    if (chunk.length === 0) return [];
    this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.need) return [];
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const out: EventStreamMessage[] = [];
    let offset = 0;
    for (;;) {
      const left = buf.length - offset;
      if (left < PRELUDE) {
        this.need = PRELUDE;
        break;
      }
      const total = buf.readUInt32BE(offset);
      const headersLen = buf.readUInt32BE(offset + 4);
      if (crc32(buf.subarray(offset, offset + 8)) !== buf.readUInt32BE(offset + 8)) {
        throw new InvalidResponseError('event-stream prelude checksum mismatch');
      }
      if (total < MIN_MESSAGE || total > MAX_MESSAGE || headersLen > MAX_HEADERS || headersLen > total - MIN_MESSAGE) {
        throw new InvalidResponseError(`event-stream message has an impossible length (total ${total}, headers ${headersLen})`);
      }
      if (left < total) {
        this.need = total;
        break;
      }
      const end = offset + total;
      if (crc32(buf.subarray(offset, end - 4)) !== buf.readUInt32BE(end - 4)) {
        throw new InvalidResponseError('event-stream message checksum mismatch');
      }
      const headersEnd = offset + PRELUDE + headersLen;
      out.push({ headers: parseHeaders(buf, offset + PRELUDE, headersEnd), payload: new Uint8Array(buf.subarray(headersEnd, end - 4)) });
      offset = end;
    }
    const rest = buf.subarray(offset);
    this.pending = rest.length ? [Buffer.from(rest)] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  /** Throws when the body ended inside a message. */
  end(): void {
    if (this.pendingBytes > 0) throw new InvalidResponseError(`event stream ended inside a message (${this.pendingBytes} bytes left over)`);
  }
}

/** Turns a decoded message into the framed event adapters read. */
export function toStreamEvent(m: EventStreamMessage): StreamEvent {
  const h = m.headers;
  const messageType = typeof h[':message-type'] === 'string' ? h[':message-type'] : 'event';
  const text = Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString('utf8');
  if (messageType === 'error') {
    const code = typeof h[':error-code'] === 'string' ? h[':error-code'] : 'error';
    const message = typeof h[':error-message'] === 'string' ? h[':error-message'] : text;
    return { event: code, data: JSON.stringify({ message }), messageType };
  }
  const name = messageType === 'exception' ? h[':exception-type'] : h[':event-type'];
  const ev: StreamEvent = { data: text, messageType };
  if (typeof name === 'string') ev.event = name;
  return ev;
}

class EventStreamFramer implements EventFramer {
  private readonly decoder = new EventStreamDecoder();
  push(chunk: Uint8Array): StreamEvent[] {
    return this.decoder.push(chunk).map(toStreamEvent);
  }
  end(): StreamEvent[] {
    this.decoder.end();
    return [];
  }
}

registerFramer('aws-eventstream', () => new EventStreamFramer());
