/**
 * A test-only AWS event-stream decoder, written independently of src/mock/wire so a shared bug
 * cannot hide: it checks both CRCs (with zlib.crc32).
 */
import { crc32 } from 'node:zlib';

export interface DecodedMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

export const referenceCrc32 = (data: Uint8Array): number => crc32(data) >>> 0;

export class EventStreamError extends Error {}

/** Decodes a whole buffer of messages; throws EventStreamError on a bad length or CRC. */
export function decodeEventStream(buffer: Buffer): DecodedMessage[] {
  const messages: DecodedMessage[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    if (buffer.length - offset < 16) throw new EventStreamError(`truncated prelude at ${offset}`);
    const total = buffer.readUInt32BE(offset);
    const headersLength = buffer.readUInt32BE(offset + 4);
    if (offset + total > buffer.length) throw new EventStreamError(`truncated message at ${offset}`);
    const preludeCrc = buffer.readUInt32BE(offset + 8);
    if (referenceCrc32(buffer.subarray(offset, offset + 8)) !== preludeCrc) throw new EventStreamError(`prelude CRC mismatch at ${offset}`);
    const messageCrc = buffer.readUInt32BE(offset + total - 4);
    if (referenceCrc32(buffer.subarray(offset, offset + total - 4)) !== messageCrc) throw new EventStreamError(`message CRC mismatch at ${offset}`);
    const headers: Record<string, string> = {};
    let h = offset + 12;
    const headersEnd = h + headersLength;
    while (h < headersEnd) {
      const nameLength = buffer.readUInt8(h);
      const name = buffer.toString('utf8', h + 1, h + 1 + nameLength);
      h += 1 + nameLength;
      const type = buffer.readUInt8(h);
      if (type !== 7) throw new EventStreamError(`unexpected header type ${type}`);
      const valueLength = buffer.readUInt16BE(h + 1);
      headers[name] = buffer.toString('utf8', h + 3, h + 3 + valueLength);
      h += 3 + valueLength;
    }
    messages.push({ headers, payload: buffer.subarray(headersEnd, offset + total - 4) });
    offset += total;
  }
  return messages;
}

/** Encodes one message with string headers (test upstreams that speak AWS event-stream). */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array | string): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(n.length + 4);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(7, n.length + 1); // header value type 7: string
    head.writeUInt16BE(v.length, n.length + 2);
    headerParts.push(head, v);
  }
  const headerBytes = Buffer.concat(headerParts);
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const prelude = 12;
  const total = prelude + headerBytes.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(referenceCrc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, prelude);
  body.copy(out, prelude + headerBytes.length);
  out.writeUInt32BE(referenceCrc32(out.subarray(0, total - 4)), total - 4);
  return out;
}
