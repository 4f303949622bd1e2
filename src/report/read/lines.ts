/**
 * Lines of a byte stream, split on `\n` bytes before decoding (faster than `readline` for long
 * lines: no regular expression over the text, one UTF-8 decode per line). A trailing `\r` is
 * dropped; a last line without a newline is yielded too.
 */
import type { Readable } from 'node:stream';

export async function* readLines(stream: Readable, onChunk?: (bytes: number) => void): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onChunk?.(chunk.length);
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      let line: Buffer;
      if (pendingBytes > 0) {
        pending.push(chunk.subarray(start, nl));
        line = Buffer.concat(pending, pendingBytes + nl - start);
        pending = [];
        pendingBytes = 0;
      } else line = chunk.subarray(start, nl);
      const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
      yield line.toString('utf8', 0, end);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
    }
  }
  if (pendingBytes > 0) {
    const line = Buffer.concat(pending, pendingBytes);
    const end = line[line.length - 1] === 13 ? line.length - 1 : line.length;
    yield line.toString('utf8', 0, end);
  }
}
