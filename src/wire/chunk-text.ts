/**
 * The upstream's own JSON text of a streamed chunk that decoding left unchanged, so the proxy
 * can write that text instead of serializing the parsed chunk again (`JSON.stringify` of every
 * chunk was a tenth of a proxied stream's CPU). The decoder parses and checks every chunk as
 * before (the router's bookkeeping, usage, caches and guardrails read the parsed object); it
 * records the text only when its normalizations changed nothing, so the text and the object are
 * the same JSON value. For the compact JSON that OpenAI and compatible servers send, the bytes
 * are the ones `JSON.stringify` would write (the tests hold the proxy to that).
 *
 * Only `usage` differs by construction: the decoder takes it off content chunks, and the proxy
 * puts `"usage":null` back last when the client asked for `include_usage`. So a text is
 * recorded only when it has no `usage` member, or ends with `,"usage":null}` (its last member),
 * and `chunkText` adds or cuts that tail. A chunk's recorded text is only valid while nobody
 * mutates the chunk: the router and the instrumentation only read them.
 */
import type { ChatCompletionChunk } from './chat-response.js';

const texts = new WeakMap<object, string>();

/** The last member of a chunk whose text carries `usage: null` (OpenAI with include_usage). */
export const NULL_USAGE_TAIL = ',"usage":null}';

/** Records `text` (one line: no CR or LF) as the serialization of `chunk` without its `usage`. */
export function setChunkText(chunk: object, text: string): void {
  texts.set(chunk, text);
}

/**
 * The text to send for `chunk`, with `"usage":null` last when `includeUsage` (and without a
 * usage member otherwise); undefined when the chunk has none recorded (serialize it then).
 */
export function chunkText(chunk: ChatCompletionChunk, includeUsage: boolean): string | undefined {
  const text = texts.get(chunk);
  if (text === undefined) return undefined;
  if (text.endsWith(NULL_USAGE_TAIL)) return includeUsage ? text : `${text.slice(0, -NULL_USAGE_TAIL.length)}}`;
  return includeUsage ? `${text.slice(0, -1)}${NULL_USAGE_TAIL}` : text;
}
