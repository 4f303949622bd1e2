/** Turns a provider's stream body into framed events: SSE, or the AWS event-stream binary framing. */
import { InvalidResponseError } from '../errors.js';
import type { StreamEvent } from './stream-event.js';
import { SseDecoder } from './sse.js';

export interface EventFramer {
  push(chunk: Uint8Array): StreamEvent[];
  end(): StreamEvent[];
}

class SseFramer implements EventFramer {
  private readonly sse = new SseDecoder();
  push(chunk: Uint8Array): StreamEvent[] {
    return this.sse.push(chunk);
  }
  end(): StreamEvent[] {
    return this.sse.end();
  }
}

export type FramingKind = 'sse' | 'aws-eventstream';

const framers: Record<FramingKind, (() => EventFramer) | undefined> = {
  sse: () => new SseFramer(),
  'aws-eventstream': undefined,
};

/** Lets the AWS event-stream decoder register itself without the core importing it eagerly. */
export function registerFramer(kind: FramingKind, factory: () => EventFramer): void {
  framers[kind] = factory;
}

export function createFramer(kind: FramingKind): EventFramer {
  const factory = framers[kind];
  if (!factory) throw new InvalidResponseError(`no decoder for ${kind} streams`);
  return factory();
}

/** The media types a stream body of each framing may carry. */
export function acceptsStreamMediaType(kind: FramingKind, mediaType: string): boolean {
  if (kind === 'sse') return mediaType === 'text/event-stream';
  return mediaType === 'application/vnd.amazon.eventstream';
}
