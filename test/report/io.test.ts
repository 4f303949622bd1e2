/** The line splitter under the streaming reader, and the progress line (TTY only). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readFileLines, readLines } from '../../src/report/read/lines.js';
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

  it('reads a file through one reused buffer: lines longer than the buffer, split characters, \\r\\n, no last newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracegate-lines-'));
    try {
      const long = 'x'.repeat(1000) + 'é€𝄞';
      const expected = ['{"a":1}', long, '', '{"b":"é€𝄞"}', long + long, '{"c":3}'];
      const file = join(dir, 'lines.txt');
      writeFileSync(file, expected.join('\r\n'));
      let bytes = 0;
      for (const chunkBytes of [4, 5, 7, 64, 1 << 20]) {
        const out: string[] = [];
        bytes = 0;
        for await (const l of readFileLines(file, (n) => (bytes += n), chunkBytes)) out.push(l);
        expect(out).toEqual(expected);
        expect(bytes).toBe(Buffer.byteLength(expected.join('\r\n')));
      }
      writeFileSync(file, 'one\ntwo\n');
      const out: string[] = [];
      for await (const l of readFileLines(file, undefined, 4)) out.push(l);
      expect(out).toEqual(['one', 'two']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
