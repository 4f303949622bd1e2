/**
 * Wrapping a method of a Stainless-generated SDK (`openai` 4–6, `@anthropic-ai/sdk`), whose calls
 * return an `APIPromise`. The wrapper never reads the response body itself: it returns
 * `apiPromise._thenUnwrap(observe)`, an APIPromise over the same response whose one parse goes
 * through the observer, so `.withResponse()`, `.asResponse()`, `.parse()` helpers and streams
 * keep working. HTTP and connection errors are seen on `responsePromise`. A stream's `iterator`
 * is replaced by an observing one (the SDK's async iterator, `tee()` and stream helpers all use it).
 * W3C trace context goes on the request (request option `headers`) when the client's base URL is
 * not the provider's public API, as the router does for custom base URLs.
 */
import * as S from '../../semconv/index.js';
import { headerValue } from './adapters.js';
import type { SdkInstrumentation } from './base.js';
import type { SdkCallEnd, SdkCallSpan, SdkCallStart } from './model-call.js';
import { observeIterator } from './stream.js';

type Rec = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

interface ApiPromiseLike {
  responsePromise: Promise<{ response?: { status?: number; headers?: unknown } }>;
  _thenUnwrap(transform: (data: unknown, props: { response?: { status?: number; headers?: unknown } }) => unknown): unknown;
}

function isApiPromise(v: unknown): v is ApiPromiseLike {
  return !!v && typeof (v as ApiPromiseLike)._thenUnwrap === 'function' && typeof (v as ApiPromiseLike).responsePromise?.then === 'function';
}

/** A stream accumulator: `item` per event, `end` builds the call's end. */
export interface StreamState<Item> {
  item(value: Item): void;
  end(): SdkCallEnd;
}

/** The per-SDK part: what an answer, a stream and an error mean. */
export interface StainlessCall<Item> {
  span: SdkCallSpan;
  stream: boolean;
  /** The end of a non-streamed call from its answer. */
  answer(data: unknown): SdkCallEnd;
  streamState(): StreamState<Item>;
  /** The error as tracegate classifies it. */
  classify(err: unknown): unknown;
  report(where: string, err: unknown): void;
}

/** One wrapped `create` method of a Stainless SDK. */
export interface StainlessMethod<Item> {
  /** The provider's own public hosts: no trace context is sent to them. */
  publicHosts: readonly string[];
  /** True when this call is to run untouched (e.g. the client traces itself). */
  skip?(client: Rec | undefined): boolean;
  describe(client: Rec | undefined, body: Rec): SdkCallStart;
  /** What answers, streams and errors of this call mean. */
  meaning(body: Rec): Pick<StainlessCall<Item>, 'answer' | 'streamState' | 'classify'>;
}

/** Wraps a Stainless `create(body, options)`: span, trace context headers, observed APIPromise. */
export function wrapStainlessMethod<Item>(inst: SdkInstrumentation, original: AnyFn, method: StainlessMethod<Item>): AnyFn {
  return function tracedCreate(this: { _client?: Rec }, ...args: unknown[]) {
    const body = args[0] as Rec | undefined;
    if (!body || typeof body !== 'object') return original.apply(this, args);
    const client = this?._client;
    if (method.skip?.(client)) return original.apply(this, args);
    const span = inst.begin(() => method.describe(client, body));
    if (!span) return original.apply(this, args);
    let callArgs = args;
    try {
      if (inst.resolved.traceContextPropagation && isCustomBaseURL(client?.baseURL, method.publicHosts)) callArgs = withTraceHeaders(args, 1, span.traceHeaders());
    } catch (err) {
      inst.report('trace context', err);
    }
    const call: StainlessCall<Item> = { span, stream: span.stream, ...method.meaning(body), report: (where, err) => inst.report(where, err) };
    let promise: unknown;
    try {
      promise = span.run(() => original.apply(this, callArgs));
    } catch (err) {
      span.end({ error: call.classify(err), thrown: err });
      throw err;
    }
    return observeApiPromise(promise, call);
  };
}

function proxied(headers: unknown): boolean {
  return headerValue(headers, S.TRACEGATE_PROXY_RESPONSE_HEADER) !== undefined;
}

/** Adds W3C trace context headers to the request options argument (copied, never mutated). */
export function withTraceHeaders(args: unknown[], index: number, headers: Record<string, string>): unknown[] {
  if (!headers.traceparent) return args;
  const out = [...args];
  const options = (out[index] && typeof out[index] === 'object' ? out[index] : {}) as Rec;
  const existing = options.headers && typeof options.headers === 'object' && !Array.isArray(options.headers) && typeof (options.headers as { get?: unknown }).get !== 'function' ? (options.headers as Rec) : undefined;
  if (options.headers !== undefined && options.headers !== null && !existing) return args; // a Headers instance or a list: left alone
  while (out.length < index) out.push(undefined);
  out[index] = { ...options, headers: { ...headers, ...existing } };
  return out;
}

/** True when `baseURL` is not one of the provider's own public hosts. */
export function isCustomBaseURL(baseURL: unknown, publicHosts: readonly string[]): boolean {
  if (typeof baseURL !== 'string') return false;
  try {
    return !publicHosts.includes(new URL(baseURL).hostname);
  } catch {
    return false;
  }
}

/** `server.address` / `server.port` of a base URL. */
export function serverOf(baseURL: unknown): { serverAddress?: string; serverPort?: number } {
  if (typeof baseURL !== 'string') return {};
  try {
    const u = new URL(baseURL);
    const port = u.port ? Number(u.port) : undefined;
    return { serverAddress: u.hostname, ...(port !== undefined ? { serverPort: port } : {}) };
  } catch {
    return {};
  }
}

/** Observes the APIPromise of one call; returns what the caller gets. */
export function observeApiPromise<Item>(promise: unknown, call: StainlessCall<Item>): unknown {
  const { span } = call;
  if (!isApiPromise(promise)) {
    // An SDK version with another promise shape: record the outcome without changing what is returned.
    Promise.resolve(promise).then(
      (data) => span.end(call.stream ? {} : { ...call.answer(data), answer: data as object }),
      (err) => span.end({ error: call.classify(err), thrown: err }),
    );
    return promise;
  }
  promise.responsePromise.then(undefined, (err: unknown) => {
    try {
      span.end({ status: (err as { status?: number }).status, error: call.classify(err), thrown: err, proxied: proxied((err as { headers?: unknown }).headers) });
    } catch (e) {
      call.report('sdk span end', e);
    }
  });
  return promise._thenUnwrap((data, props) => {
    try {
      const status = props?.response?.status;
      const viaProxy = proxied(props?.response?.headers);
      if (call.stream && data && typeof (data as { iterator?: unknown }).iterator === 'function') observeStream(data as { iterator: () => AsyncIterator<Item> }, call, status, viaProxy);
      else span.end({ ...call.answer(data), status, proxied: viaProxy, answer: data && typeof data === 'object' ? data : undefined });
    } catch (err) {
      call.report('sdk answer', err);
      if (!span.isEnded) span.end({});
    }
    return data;
  });
}

function observeStream<Item>(stream: { iterator: () => AsyncIterator<Item> }, call: StainlessCall<Item>, status: number | undefined, viaProxy: boolean): void {
  const original = stream.iterator;
  const { span } = call;
  stream.iterator = function (this: unknown) {
    const state = call.streamState();
    return observeIterator(
      original.call(this),
      {
        item: (value) => {
          span.firstChunk();
          state.item(value);
        },
        end: (outcome, error) => {
          const end = state.end();
          span.end({ ...end, status, proxied: viaProxy, streamOutcome: outcome, answer: stream, ...(error !== undefined ? { error: call.classify(error), thrown: error } : {}) });
        },
      },
      call.report,
    );
  };
}
