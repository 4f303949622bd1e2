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
 * puts `"usage":null` back last when the client asked for `include_usage`. So a recorded text
 * has no `usage` member, or `,"usage":null}` as its end (the decoder cuts a `"usage":null`
 * found elsewhere, as OpenAI sends it before `obfuscation`; see `textWithNullUsage`), and
 * `forwardText` adds or cuts that tail. A recorded text is only valid while nobody mutates the
 * chunk: the router and the instrumentation only read them.
 *
 * The texts travel beside the chunks, not on them (a property would show in every consumer's
 * deep equality, a WeakMap entry per chunk cost a third of what it saved): the decoder keeps
 * them in a `ChunkTexts` queue in decode order, the router's stream moves each into its own
 * queue as it queues the chunk, and hands it out with the chunk.
 */

/** The last member of a chunk whose text carries `usage: null` (OpenAI with include_usage). */
export const NULL_USAGE_TAIL = ',"usage":null}';

/** Recorded texts in decode order, each with its chunk; taken in the same order. */
export class ChunkTexts {
  /** chunk, text, chunk, text, ... from `head` on. */
  private readonly items: unknown[] = [];
  private head = 0;

  /** Records `text` (one line: no CR or LF) as the serialization of `chunk` without its `usage`. */
  record(chunk: object, text: string): void {
    this.items.push(chunk, text);
  }

  /**
   * The text recorded for `chunk`, when it is the oldest recorded one (chunks are taken in decode
   * order; a chunk without a text leaves the queue as it is).
   */
  take(chunk: object): string | undefined {
    const items = this.items;
    if (this.head >= items.length || items[this.head] !== chunk) return undefined;
    const text = items[this.head + 1] as string;
    this.head += 2;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    }
    return text;
  }
}

/**
 * The text to send for a chunk whose recorded text is `text`, with `"usage":null` last when
 * `includeUsage` (and without a usage member otherwise).
 */
export function forwardText(text: string, includeUsage: boolean): string {
  if (text.endsWith(NULL_USAGE_TAIL)) return includeUsage ? text : `${text.slice(0, -NULL_USAGE_TAIL.length)}}`;
  return includeUsage ? `${text.slice(0, -1)}${NULL_USAGE_TAIL}` : text;
}
