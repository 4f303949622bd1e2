import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SseDecoder, decodeSseStream, type SseEvent } from '../../src/http/sse.js';

const enc = new TextEncoder();

function decodeAll(parts: (string | Uint8Array)[]): SseEvent[] {
  const d = new SseDecoder();
  const out: SseEvent[] = [];
  for (const p of parts) out.push(...d.push(p));
  out.push(...d.end());
  return out;
}

/** Splits bytes at every offset in turn (two pieces) and checks the events are unchanged. */
function expectSplitInvariant(bytes: Uint8Array, expected: SseEvent[]): void {
  for (let i = 0; i <= bytes.length; i++) {
    const got = decodeAll([bytes.subarray(0, i), bytes.subarray(i)]);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(`split at byte ${i} changed the events:\n${JSON.stringify(got).slice(0, 400)}`);
    }
  }
}

describe('SseDecoder', () => {
  it('decodes LF, CRLF and CR line endings the same way', () => {
    const lf = 'event: a\ndata: 1\n\ndata: 2\n\n';
    const expected = [{ event: 'a', data: '1' }, { data: '2' }];
    expect(decodeAll([lf])).toEqual(expected);
    expect(decodeAll([lf.replace(/\n/g, '\r\n')])).toEqual(expected);
    expect(decodeAll([lf.replace(/\n/g, '\r')])).toEqual(expected);
  });

  it('joins multi-line data with newlines and ignores comments and unknown fields', () => {
    const text = ': keep-alive\ndata: first\ndata:second\nfoo: bar\ndata:  two spaces\n\n';
    expect(decodeAll([text])).toEqual([{ data: 'first\nsecond\n two spaces' }]);
  });

  it('reads id and retry, ignores a retry that is not a number, and strips a leading BOM', () => {
    expect(decodeAll(['\uFEFFid: 7\nretry: 1500\ndata: x\n\nretry: soon\ndata: y\n\n'])).toEqual([
      { data: 'x', id: '7', retry: 1500 },
      { data: 'y', id: '7' },
    ]);
  });

  it('does not dispatch an event without data, and resets the event name after each dispatch', () => {
    expect(decodeAll(['event: ping\n\nevent: x\ndata: 1\n\ndata: 2\n\n'])).toEqual([{ event: 'x', data: '1' }, { data: '2' }]);
  });

  it('treats a field without a colon as a field with an empty value', () => {
    expect(decodeAll(['data\n\n'])).toEqual([{ data: '' }]);
  });

  it('dispatches a final event that lacks its blank line', () => {
    expect(decodeAll(['data: {"a":1}\n\ndata: [DONE]'])).toEqual([{ data: '{"a":1}' }, { data: '[DONE]' }]);
  });

  it('counts a CR at the end of one chunk and an LF at the start of the next as one line end', () => {
    expect(decodeAll(['data: a\r', '\n\r', '\ndata: b\r\n\r\n'])).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('gives the same events for mixed CR, LF and CRLF line ends split at every offset and in three pieces', () => {
    const text = 'data: a\r\ndata: b\rid: 7\n\r: c\revent: e\ndata:x\r\n\ndata: data: y\n\rdata\r\r\n';
    const expected = [{ data: 'a\nb', id: '7' }, { data: 'x', event: 'e', id: '7' }, { data: 'data: y', id: '7' }, { data: '', id: '7' }];
    expect(decodeAll([text])).toEqual(expected);
    const bytes = enc.encode(text);
    expectSplitInvariant(bytes, expected);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        expect(decodeAll([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)])).toEqual(expected);
      }
    }
  });

  it('decodes Buffer reads (the native path) as TextDecoder does: split characters, invalid bytes, one BOM', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('data: héllo — 你好 🚀\n\ndata: bad '),
      Buffer.from([0xc3, 0x28, 0x20, 0xf0, 0x9f, 0x98, 0x20, 0xff, 0x0a, 0x0a]),
      Buffer.from('data: \ufeffkept\n\ndata: end 🚀'),
    ]);
    const expected = [{ data: 'héllo — 你好 🚀' }, { data: 'bad \ufffd( \ufffd \ufffd' }, { data: '\ufeffkept' }, { data: 'end 🚀' }];
    expect(decodeAll([new Uint8Array(bytes)])).toEqual(expected);
    for (let i = 0; i <= bytes.length; i++) {
      for (const j of [i, Math.min(bytes.length, i + 1), Math.min(bytes.length, i + 2), Math.min(bytes.length, i + 5)]) {
        expect(decodeAll([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)])).toEqual(expected);
      }
    }
  });

  it('reassembles UTF-8 characters split across chunks', () => {
    const bytes = enc.encode('data: héllo — 你好 🚀\n\n');
    expectSplitInvariant(bytes, [{ data: 'héllo — 你好 🚀' }]);
  });

  it('gives the same events for a recorded OpenAI stream split at every byte offset', () => {
    const lines = readFileSync(new URL('../fixtures/providers/openai/openai-text.chunks.txt', import.meta.url), 'utf8').trim().split('\n').slice(0, 40);
    const raw = lines.map((l) => `data: ${l}\r\n\r\n`).join('') + 'data: [DONE]\r\n\r\n';
    const expected = [...lines.map((data) => ({ data })), { data: '[DONE]' }];
    expectSplitInvariant(enc.encode(raw), expected);
  });

  it('gives the same events for a recorded raw SSE transcript split at every byte offset', () => {
    const raw = readFileSync(new URL('../fixtures/providers/openai-compatible/anthropic-fallback-tool-call.sse', import.meta.url));
    const expected = decodeAll([raw]);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.at(-1)).toEqual({ data: '[DONE]' });
    expectSplitInvariant(new Uint8Array(raw), expected);
  });

  it('gives the same events for a recorded Anthropic stream (named events) fed one byte at a time', () => {
    const lines = readFileSync(new URL('../fixtures/providers/anthropic/anthropic-text.chunks.txt', import.meta.url), 'utf8').trim().split('\n');
    const raw = lines.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join('');
    const bytes = enc.encode(raw);
    const oneByOne = decodeAll(Array.from(bytes, (b) => Uint8Array.of(b)));
    expect(oneByOne).toEqual(lines.map((l) => ({ event: JSON.parse(l).type, data: l })));
  });

  it('pulls from the body only as events are consumed (no whole-stream buffering)', async () => {
    let produced = 0;
    async function* body() {
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield enc.encode(`data: ${i}\n\n`);
      }
    }
    const it = decodeSseStream(body());
    const first = await it.next();
    expect(first.value).toEqual({ data: '0' });
    expect(produced).toBeLessThanOrEqual(2);
    await it.return(undefined);
  });
});
