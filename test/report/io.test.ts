/** The line splitter under the streaming reader, and the progress line (TTY only). */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/report/read/lines.js';
import { createProgress, formatBytes } from '../../src/report/read/progress.js';

async function lines(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(Readable.from(chunks))) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits on newlines across chunks, drops \\r, keeps a last line without newline and multi-byte characters split between chunks', async () => {
    const text = Buffer.from('{"a":1}\r\n{"b":"é€𝄞"}\n\n{"c":3}', 'utf8');
    const whole = await lines([text]);
    expect(whole).toEqual(['{"a":1}', '{"b":"é€𝄞"}', '', '{"c":3}']);
    // Every split point, including inside a multi-byte character.
    for (let i = 1; i < text.length; i++) expect(await lines([text.subarray(0, i), text.subarray(i)])).toEqual(whole);
    const bytes = [...text].map((b) => Buffer.from([b]));
    expect(await lines(bytes)).toEqual(whole);
  });
});

describe('progress', () => {
  it('draws bytes read / total on a TTY, at most every interval, and clears the line at the end', () => {
    const writes: string[] = [];
    const p = createProgress('traces.jsonl', 2 * 1024 * 1024, { isTTY: true, write: (t) => writes.push(t) }, 0);
    p.update(1024 * 1024);
    p.done();
    expect(writes[0]).toMatch(/reading traces\.jsonl: 1\.0 MB \/ 2\.0 MB \(50%\)/);
    expect(writes[writes.length - 1]).toBe('\r\x1b[2K');
  });

  it('prints nothing when the stream is not a TTY', () => {
    const writes: string[] = [];
    const p = createProgress('x', 10, { isTTY: false, write: (t) => writes.push(t) }, 0);
    p.update(5);
    p.done();
    expect(writes).toEqual([]);
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3.5 * 1024 ** 3)).toBe('3.5 GB');
  });
});
