/**
 * The stream a router call returns for `stream: true`: an async iterable of OpenAI
 * `ChatCompletionChunk`s. It is opened only after the first meaningful chunk arrived (so every
 * failure before content can be retried or fallen back), and after that it never splices: a
 * failure ends it with StreamInterruptedError saying how much was delivered.
 *
 * It ends exactly once, whichever way it ends: completed, upstream error, timeout, caller abort
 * (`stream.controller.abort()` or the call's signal), consumer `break`, or never iterated (the
 * `unconsumedMs` timer reclaims it). Backpressure: upstream is read only when the consumer pulls.
 */
import { attachCallInfo, type CallInfo } from '../call-info.js';
import { chunkChannel, type StreamOutcome } from '../channels.js';
import { AbortedError, StreamInterruptedError, TimeoutError, isTracegateError, type DeliveredSummary, type TracegateError } from '../errors.js';
import type { Deployment } from '../providers/types.js';
import { ChunkAccumulator } from '../wire/accumulate.js';
import type { ChatCompletion, ChatCompletionChunk } from '../wire/chat-response.js';
import type { AttemptEvent } from '../channels.js';
import type { AttemptSignal } from '../http/attempt-signal.js';
import { toAttemptError } from './attempt.js';

/** Where a stream's chunks come from: an upstream body, or a cached answer being replayed. */
export interface ChunkSource {
  readonly signal: AttemptSignal;
  /** The next non-empty batch, or null at the end. */
  next(): Promise<ChatCompletionChunk[] | null>;
  /** The upstream text of a chunk of a batch, asked once per chunk in order (src/wire/chunk-text.ts). */
  textOf?(chunk: ChatCompletionChunk): string | undefined;
  destroy(): void;
}

/** An opened stream: its first chunks are already read. */
export interface StreamStart {
  /** The upstream attempt (absent for a cache replay: no chunk events are published then). */
  event?: AttemptEvent;
  source: ChunkSource;
  buffered: ChatCompletionChunk[];
  ended: boolean;
}

export interface StreamEnd {
  outcome: StreamOutcome;
  error?: TracegateError;
  accumulator: ChunkAccumulator;
  delivered: DeliveredSummary;
}

export interface StreamOptions {
  includeUsage: boolean;
  unconsumedMs: number;
  info: CallInfo;
  /**
   * Called exactly once when the stream has ended. When it returns a promise, the consumer's
   * last `next()` (and `finalCompletion()`) resolve after it: the call is settled by then.
   */
  onEnd(end: StreamEnd): void | Promise<void>;
}

export class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  private ownController: AbortController | undefined;
  private readonly queue: ChatCompletionChunk[] = [];
  /** The upstream texts of the queued chunks (undefined: none), in step with `queue`. */
  private readonly texts: (string | undefined)[] = [];
  private currentText: string | undefined;
  private readonly accumulator = new ChunkAccumulator();
  private readonly delivered: DeliveredSummary = { chunks: 0, contentChars: 0, toolCalls: 0 };
  private upstreamEnded: boolean;
  private iterated = false;
  private pulling = false;
  private finished = false;
  private failure: TracegateError | undefined;
  private failureThrown = false;
  /**
   * The unconsumed timer: one timer per stream, not one per chunk. `deliveredAt` is when the
   * consumer last got a chunk (undefined while it is pulling); the timer, when it fires early
   * because chunks were delivered since it was armed, sets itself again for what is left.
   */
  private unconsumedTimer: NodeJS.Timeout | undefined;
  private deliveredAt: number | undefined;
  private readonly onUnconsumed = (): void => {
    this.unconsumedTimer = undefined;
    if (this.deliveredAt === undefined || this.finished) return;
    const ms = this.options.unconsumedMs;
    const left = this.deliveredAt + ms - Date.now();
    if (left > 0) this.startUnconsumedTimer(left);
    else this.opened.source.signal.abort(new TimeoutError('unconsumed', ms));
  };
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly opened: StreamStart,
    private readonly deployment: Deployment | undefined,
    private readonly options: StreamOptions,
  ) {
    attachCallInfo(this, options.info);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.upstreamEnded = opened.ended;
    this.enqueue(opened.buffered);
    const signal = opened.source.signal;
    signal.signal.addEventListener(
      'abort',
      () => {
        // While a pull is pending, that pull sees the error; otherwise end now.
        if (!this.pulling && !this.finished) {
          const reason = this.toError(signal.reason);
          this.failure = this.wrap(reason);
          this.finish(outcomeOf(reason), this.failure);
        }
      },
      { once: true },
    );
    this.armUnconsumed();
  }

  /** Aborting it cancels the upstream request at once. (Made on first use: most streams never need one.) */
  get controller(): AbortController {
    if (!this.ownController) {
      const controller = new AbortController();
      const signal = this.opened.source.signal;
      controller.signal.addEventListener('abort', () => signal.abort(new AbortedError('the stream was aborted by the caller')), { once: true });
      this.ownController = controller;
    }
    return this.ownController;
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.iterated) throw new TypeError('this stream has already been iterated; a stream can be consumed once');
    this.iterated = true;
    return {
      next: () => this.pull(),
      return: async () => {
        this.finish('cancelled');
        await this.done;
        return { done: true, value: undefined };
      },
    };
  }

  /** The whole answer as a ChatCompletion once the stream has ended (consumes it if nobody does). */
  async finalCompletion(): Promise<ChatCompletion> {
    if (!this.iterated) {
      for await (const _ of this) {
        /* drain */
      }
    }
    await this.done;
    if (this.failure) throw this.failure;
    return attachCallInfo(this.accumulator.toCompletion(), this.options.info);
  }

  /**
   * The upstream attempt serving this stream (deployment, alias, fallback depth, wait, time to
   * first chunk), known from the moment the stream is returned; undefined for a cache replay.
   * The proxy reads it to set its response headers before the stream has ended.
   */
  get servingAttempt(): Readonly<Pick<AttemptEvent, 'index' | 'deployment' | 'alias' | 'fallbackDepth' | 'waitMs' | 'ttftMs'>> | undefined {
    return this.opened.event;
  }

  /** What has been delivered to the consumer so far. */
  get deliveredSummary(): DeliveredSummary {
    return { ...this.delivered };
  }

  private async pull(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.finished) return this.afterEnd();
    this.clearUnconsumed();
    try {
      while (this.queue.length === 0) {
        if (this.upstreamEnded) {
          this.finish('completed');
          await this.done;
          return { done: true, value: undefined };
        }
        this.pulling = true;
        let batch: ChatCompletionChunk[] | null;
        try {
          batch = await this.opened.source.next();
        } finally {
          this.pulling = false;
        }
        if (this.finished) return this.afterEnd();
        if (batch === null) this.upstreamEnded = true;
        else this.enqueue(batch);
      }
      return { done: false, value: this.deliver() };
    } catch (err) {
      if (this.finished) return this.afterEnd();
      const e = this.toError(err);
      this.failure = this.wrap(e);
      this.finish(outcomeOf(e), this.failure);
      this.failureThrown = true;
      await this.done;
      throw this.failure;
    }
  }

  /**
   * @internal The next chunk already read from upstream, at once, with the same bookkeeping as
   * the iterator's `next()`; undefined when none is queued, a pull is pending or the stream has
   * ended (call `next()` then). The proxy writes the chunks of one network read this way
   * without a promise per chunk.
   */
  takeQueued(): ChatCompletionChunk | undefined {
    if (this.finished || this.pulling || !this.iterated || this.queue.length === 0) return undefined;
    return this.deliver();
  }

  /**
   * @internal The upstream's own text of the chunk delivered last, when decoding left it
   * unchanged (src/wire/chunk-text.ts): the proxy forwards it instead of serializing the chunk.
   */
  get deliveredText(): string | undefined {
    return this.currentText;
  }

  /** Hands out the oldest queued chunk. */
  private deliver(): ChatCompletionChunk {
    const chunk = this.queue.shift()!;
    this.currentText = this.texts.shift();
    this.count(chunk);
    if (this.opened.event && chunkChannel.hasSubscribers) chunkChannel.publish({ attempt: this.opened.event, chunk });
    this.armUnconsumed();
    return chunk;
  }

  private toError(err: unknown): TracegateError {
    const signal = this.opened.source.signal;
    if (this.deployment) return toAttemptError(err, signal, this.deployment);
    if (signal.aborted && isTracegateError(signal.reason)) return signal.reason;
    return isTracegateError(err) ? err : new AbortedError(undefined, { cause: err });
  }

  private afterEnd(): IteratorResult<ChatCompletionChunk> {
    if (this.failure && !this.failureThrown) {
      this.failureThrown = true;
      throw this.failure;
    }
    return { done: true, value: undefined };
  }

  /** Errors after content reached the caller say how much was delivered. */
  private wrap(e: TracegateError): TracegateError {
    if (e.errorClass === 'aborted' || e.errorClass === 'stream_interrupted') return e;
    return this.delivered.chunks > 0 ? new StreamInterruptedError(e, { ...this.delivered }) : e;
  }

  private enqueue(batch: ChatCompletionChunk[]): void {
    const source = this.opened.source;
    for (const chunk of batch) {
      this.accumulator.add(chunk);
      const text = source.textOf?.(chunk);
      if (!this.options.includeUsage) {
        if (chunk.choices.length === 0) continue; // the usage-only chunk the caller did not ask for
        if ('usage' in chunk) delete (chunk as { usage?: unknown }).usage;
      }
      this.queue.push(chunk);
      this.texts.push(text);
    }
  }

  private count(chunk: ChatCompletionChunk): void {
    this.delivered.chunks++;
    for (const c of chunk.choices) {
      this.delivered.contentChars += (c.delta.content?.length ?? 0) + (c.delta.refusal?.length ?? 0);
      for (const tc of c.delta.tool_calls ?? []) if (tc.id) this.delivered.toolCalls++;
    }
  }

  private armUnconsumed(): void {
    const ms = this.options.unconsumedMs;
    if (this.finished || !Number.isFinite(ms) || ms <= 0) return;
    this.deliveredAt = Date.now();
    if (this.unconsumedTimer === undefined) this.startUnconsumedTimer(ms);
  }

  private startUnconsumedTimer(ms: number): void {
    this.unconsumedTimer = setTimeout(this.onUnconsumed, ms);
    this.unconsumedTimer.unref?.();
  }

  /** The consumer is pulling: no unconsumed deadline until it gets its next chunk. */
  private clearUnconsumed(): void {
    this.deliveredAt = undefined;
  }

  private stopUnconsumedTimer(): void {
    this.deliveredAt = undefined;
    if (this.unconsumedTimer !== undefined) {
      clearTimeout(this.unconsumedTimer);
      this.unconsumedTimer = undefined;
    }
  }

  private finish(outcome: StreamOutcome, error?: TracegateError): void {
    if (this.finished) return;
    this.finished = true;
    this.stopUnconsumedTimer();
    if (outcome !== 'completed') this.opened.source.destroy();
    this.opened.source.signal.dispose();
    let pending: void | Promise<void>;
    try {
      pending = this.options.onEnd({
        outcome,
        ...(error ? { error } : {}),
        accumulator: this.accumulator,
        delivered: { ...this.delivered },
      });
    } catch {
      pending = undefined;
    }
    if (pending && typeof pending.then === 'function') pending.then(this.resolveDone, this.resolveDone);
    else this.resolveDone();
  }
}

function outcomeOf(e: unknown): StreamOutcome {
  if (isTracegateError(e)) {
    if (e.errorClass === 'aborted') return 'aborted';
    if (e instanceof TimeoutError && e.kind === 'unconsumed') return 'abandoned';
  }
  return 'error';
}
