/**
 * AWS event-stream binary framing (`application/vnd.amazon.eventstream`), encode side.
 *
 * A message is: total length (u32 BE), headers length (u32 BE), prelude CRC-32 (of the
 * first 8 bytes), headers, payload, message CRC-32 (of everything before it). Each header
 * is: name length (u8), name (UTF-8), value type (u8; 7 = string), value length (u16 BE),
 * value. Only string headers are needed by Bedrock Runtime.
 */
import { crc32 } from 'node:zlib';

const STRING_TYPE = 7;

export interface EncodeOptions {
  /** Flip the message CRC so decoders must reject the message (the `malformed` fault). */
  corruptCrc?: boolean;
}

export function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_TYPE, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

export function encodeMessage(headers: Record<string, string>, payload: Uint8Array, options: EncodeOptions = {}): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = 12 + headerBytes.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(out, 12 + headerBytes.length);
  let messageCrc = crc32(out.subarray(0, total - 4));
  if (options.corruptCrc) messageCrc = (messageCrc ^ 0xffffffff) >>> 0;
  out.writeUInt32BE(messageCrc, total - 4);
  return out;
}
