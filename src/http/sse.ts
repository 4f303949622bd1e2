/**
 * Incremental Server-Sent Events decoder (WHATWG rules): LF, CR and CRLF line ends (a CR at the
 * end of one network chunk and an LF at the start of the next count once), multi-line `data:`,
 * comments, `event:`, `id:` and `retry:` fields, a leading BOM, and UTF-8 sequences split across
 * chunks. It holds only the current incomplete line and event, never the whole stream.
 * Unlike a browser it also dispatches a final event that lacks its closing blank line.
 */

export interface SseEvent {
  /** The `event:` name, if any. */
  event?: string;
  data: string;
  id?: string;
  retry?: number;
}

export class SseDecoder {
  /** The BOM is stripped below, once, whichever way the first text was decoded. */
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** The TextDecoder may hold the first bytes of a character split across reads. */
  private partial = false;
  private line = '';
  private skipLF = false;
  private started = false;
  private data = '';
  private hasData = false;
  private eventName: string | undefined;
  private id: string | undefined;
  private retry: number | undefined;

  /** Feeds bytes (or text) and returns the events completed by them. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SseEvent[] = [];
    this.scan(text, out);
    return out;
  }

  /**
   * UTF-8 to text. A read that ends with an ASCII byte (SSE reads end with a line end) and
   * follows no split character is decoded by Buffer's native decoder, a few times cheaper than
   * TextDecoder's streaming mode; the same replacement of invalid sequences either way.
   */
  private decode(chunk: Uint8Array): string {
    const n = chunk.length;
    if (n === 0) return '';
    const last = chunk[n - 1]!;
    if (!this.partial && last < 0x80 && Buffer.isBuffer(chunk)) return chunk.toString('utf8');
    this.partial = last >= 0x80;
    return this.decoder.decode(chunk, { stream: true });
  }

  /** Ends the stream: flushes a trailing line and a final event without its blank line. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    this.scan(this.decoder.decode(), out);
    if (this.line.length) {
      this.processLine(this.line, out);
      this.line = '';
    }
    this.dispatch(out);
    return out;
  }

  /**
   * Splits `text` into lines with `indexOf` (native scans) rather than a loop over every
   * character: a 20-chunk OpenAI stream is ~5 KB of text per request, read on the hot path.
   */
  private scan(text: string, out: SseEvent[]): void {
    const n = text.length;
    let i = 0;
    if (this.skipLF && n) {
      if (text.charCodeAt(0) === 10) i = 1;
      this.skipLF = false;
    }
    let cr = text.indexOf('\r', i);
    let lf = text.indexOf('\n', i);
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 ? lf : lf < cr ? lf : cr;
      const piece = text.slice(i, end);
      const full = this.line.length ? this.line + piece : piece;
      this.line = '';
      this.processLine(full, out);
      i = end + 1;
      if (end === cr) {
        if (i < n) {
          if (text.charCodeAt(i) === 10) i++;
        } else {
          this.skipLF = true;
        }
        cr = text.indexOf('\r', i);
      }
      if (lf !== -1 && lf < i) lf = text.indexOf('\n', i);
    }
    if (i < n) this.line += text.slice(i);
  }

  private processLine(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return; // comment
    if (line.startsWith('data:')) {
      // The common line, without the general field split below.
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.data = this.hasData ? `${this.data}\n${value}` : value;
      this.hasData = true;
      return;
    }
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.hasData) {
      const ev: SseEvent = { data: this.data };
      if (this.eventName !== undefined && this.eventName !== '') ev.event = this.eventName;
      if (this.id !== undefined) ev.id = this.id;
      if (this.retry !== undefined) ev.retry = this.retry;
      out.push(ev);
    }
    this.data = '';
    this.hasData = false;
    this.eventName = undefined;
    this.retry = undefined;
  }
}

/** Decodes an SSE byte stream into events, pulling from `body` only as events are consumed. */
export async function* decodeSseStream(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder();
  for await (const chunk of body) {
    for (const ev of decoder.push(chunk)) yield ev;
  }
  for (const ev of decoder.end()) yield ev;
}
