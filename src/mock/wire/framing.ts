/**
 * How a dialect's stream events become bytes: server-sent events (OpenAI, Azure, Anthropic,
 * Gemini) or AWS event-stream messages (Bedrock). A dialect renders a list of `WireEvent`s and
 * its `Framer` encodes them one at a time, so the transport can pace, stall or cut between them.
 */
import { encodeMessage } from './eventstream.js';

export interface WireEvent {
  /** SSE `event:` name (Anthropic) or event-stream `:event-type` / `:exception-type`. */
  type?: string;
  /** Payload: a string is sent verbatim, anything else as JSON. */
  data: unknown;
  /** Event-stream only: an exception message rather than an event. */
  exception?: boolean;
}

export interface Framer {
  contentType: string;
  encode(event: WireEvent): string | Buffer;
  /** The same event made undecodable: truncated JSON, or a broken CRC. */
  malformed(event: WireEvent): string | Buffer;
}

export function payloadText(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

export interface SseOptions {
  /** Write an `event: <type>` line (Anthropic). */
  named: boolean;
  /** Line ending; Gemini sends CRLF. */
  eol: '\n' | '\r\n';
}

export function sseFramer(options: SseOptions): Framer {
  const frame = (event: WireEvent, data: string): string => {
    const { eol } = options;
    const head = options.named && event.type ? `event: ${event.type}${eol}` : '';
    return `${head}data: ${data}${eol}${eol}`;
  };
  return {
    contentType: 'text/event-stream; charset=utf-8',
    encode: (event) => frame(event, payloadText(event.data)),
    malformed: (event) => {
      const text = payloadText(event.data);
      return frame(event, text.slice(0, Math.max(1, Math.ceil(text.length / 2))));
    },
  };
}

export const eventStreamFramer: Framer = {
  contentType: 'application/vnd.amazon.eventstream',
  encode: (event) => encodeEvent(event, false),
  malformed: (event) => encodeEvent(event, true),
};

function encodeEvent(event: WireEvent, corruptCrc: boolean): Buffer {
  const type = event.type ?? 'unknown';
  const headers: Record<string, string> = event.exception
    ? { ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' }
    : { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' };
  return encodeMessage(headers, Buffer.from(payloadText(event.data), 'utf8'), { corruptCrc });
}
