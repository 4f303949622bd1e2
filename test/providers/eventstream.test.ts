import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventStreamDecoder, toStreamEvent } from '../../src/http/eventstream.js';
import { encodeEventStreamMessage } from '../helpers/eventstream.js';
import { createFramer } from '../../src/http/framing.js';
import { splitAt } from './helpers.js';

function messages(): Buffer[] {
  return [
    encodeEventStreamMessage({ ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' }, '{"role":"assistant"}'),
    encodeEventStreamMessage({ ':event-type': 'contentBlockDelta', ':message-type': 'event' }, JSON.stringify({ contentBlockIndex: 0, delta: { text: 'héllo ✓' } })),
    encodeEventStreamMessage({ ':message-type': 'exception', ':exception-type': 'throttlingException' }, '{"message":"slow down"}'),
    encodeEventStreamMessage({}, ''),
  ];
}

function decodeAll(pieces: Buffer[]) {
  const decoder = new EventStreamDecoder();
  const out = pieces.flatMap((p) => decoder.push(p));
  decoder.end();
  return out.map((m) => ({ headers: m.headers, payload: Buffer.from(m.payload).toString('utf8') }));
}

describe('AWS event-stream decoding', () => {
  const bytes = Buffer.concat(messages());
  const expected = [
    { headers: { ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' }, payload: '{"role":"assistant"}' },
    { headers: { ':event-type': 'contentBlockDelta', ':message-type': 'event' }, payload: '{"contentBlockIndex":0,"delta":{"text":"héllo ✓"}}' },
    { headers: { ':message-type': 'exception', ':exception-type': 'throttlingException' }, payload: '{"message":"slow down"}' },
    { headers: {}, payload: '' },
  ];

  it('round-trips encode → decode', () => {
    expect(decodeAll([bytes])).toEqual(expected);
  });

  it('decodes the same messages whatever the split: every byte offset, and byte by byte', () => {
    for (let i = 1; i < bytes.length; i++) expect(decodeAll(splitAt(bytes, [i]))).toEqual(expected);
    expect(decodeAll([...bytes].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it('decodes every header type', () => {
    const name = (n: string) => Buffer.concat([Buffer.from([n.length]), Buffer.from(n)]);
    const u16 = (n: number) => {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(n);
      return b;
    };
    const i32 = Buffer.alloc(4);
    i32.writeInt32BE(-5);
    const i64 = Buffer.alloc(8);
    i64.writeBigInt64BE(1234567890123n);
    const headers = Buffer.concat([
      name('t'), Buffer.from([0]),
      name('f'), Buffer.from([1]),
      name('b'), Buffer.from([2, 0xff]),
      name('s'), Buffer.from([3]), u16(300),
      name('i'), Buffer.from([4]), i32,
      name('l'), Buffer.from([5]), i64,
      name('y'), Buffer.from([6]), u16(2), Buffer.from([1, 2]),
      name('str'), Buffer.from([7]), u16(2), Buffer.from('ok'),
      name('ts'), Buffer.from([8]), i64,
      name('u'), Buffer.from([9]), Buffer.alloc(16, 7),
    ]);
    const total = 12 + headers.length + 4;
    const msg = Buffer.alloc(total);
    msg.writeUInt32BE(total, 0);
    msg.writeUInt32BE(headers.length, 4);
    msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
    headers.copy(msg, 12);
    msg.writeUInt32BE(crc32(msg.subarray(0, total - 4)), total - 4);
    const [m] = new EventStreamDecoder().push(msg);
    expect(m!.headers).toEqual({
      t: true,
      f: false,
      b: -1,
      s: 300,
      i: -5,
      l: 1234567890123n,
      y: new Uint8Array([1, 2]),
      str: 'ok',
      ts: new Date(1234567890123),
      u: new Uint8Array(16).fill(7),
    });
  });

  it('a bad prelude CRC is an InvalidResponseError', () => {
    const bad = Buffer.from(bytes);
    bad[8] = bad[8]! ^ 0xff;
    expect(() => new EventStreamDecoder().push(bad)).toThrow(expect.objectContaining({ errorClass: 'invalid_response', message: expect.stringContaining('prelude') }));
  });

  it('a bad message CRC (or a corrupted payload byte) is an InvalidResponseError', () => {
    const first = messages()[0]!;
    const badCrc = Buffer.from(first);
    badCrc[badCrc.length - 1] = badCrc[badCrc.length - 1]! ^ 0x01;
    expect(() => new EventStreamDecoder().push(badCrc)).toThrow(expect.objectContaining({ errorClass: 'invalid_response', message: expect.stringContaining('message checksum') }));
    const badPayload = Buffer.from(first);
    badPayload[badPayload.length - 6] = 0x41;
    expect(() => new EventStreamDecoder().push(badPayload)).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
  });

  it('impossible lengths and truncated bodies are InvalidResponseErrors', () => {
    const tiny = Buffer.alloc(12);
    tiny.writeUInt32BE(8, 0);
    tiny.writeUInt32BE(0, 4);
    tiny.writeUInt32BE(crc32(tiny.subarray(0, 8)), 8);
    expect(() => new EventStreamDecoder().push(tiny)).toThrow(expect.objectContaining({ errorClass: 'invalid_response' }));
    const decoder = new EventStreamDecoder();
    decoder.push(bytes.subarray(0, bytes.length - 3));
    expect(() => decoder.end()).toThrow(expect.objectContaining({ errorClass: 'invalid_response', message: expect.stringContaining('ended inside') }));
  });

  it('the registered framer turns messages into events, exceptions and errors', () => {
    const framer = createFramer('aws-eventstream');
    const error = encodeEventStreamMessage({ ':message-type': 'error', ':error-code': 'InternalFailure', ':error-message': 'boom' }, '');
    const events = [...framer.push(bytes), ...framer.push(error), ...framer.end()];
    expect(events.map((e) => [e.messageType, e.event])).toEqual([
      ['event', 'messageStart'],
      ['event', 'contentBlockDelta'],
      ['exception', 'throttlingException'],
      ['event', undefined],
      ['error', 'InternalFailure'],
    ]);
    expect(JSON.parse(events[4]!.data)).toEqual({ message: 'boom' });
    expect(toStreamEvent({ headers: { ':event-type': 'x' }, payload: new Uint8Array() }).data).toBe('');
  });
});
