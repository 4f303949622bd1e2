/**
 * One upstream attempt: encode with the adapter, send on the pooled transport with the
 * deployment's timeouts, decode or classify. Publishes the attempt on the attempt channel.
 * Unary operations (chat without streaming, embeddings) finish here; streaming attempts are
 * opened here and handed to `ChatCompletionStream` (see stream.ts) once the first chunk is in.
 */
import type { Cost, DeploymentRef } from '../call-info.js';
import { attemptChannel, firstChunkChannel, publishSettled, publishStart, runInScope, type AttemptEvent } from '../channels.js';
import { InvalidResponseError, TimeoutError, TracegateError, internalError, isTracegateError, scrubSecrets, type TimeoutKind } from '../errors.js';
import { AttemptSignal } from '../http/attempt-signal.js';
import { acceptsStreamMediaType, createFramer, type EventFramer } from '../http/framing.js';
import { destroyBody, mapTransportError, mediaType, readBody, sendRequest, transportReady, type UpstreamResponse } from '../http/transport.js';
import { computeCost } from '../providers/catalog/cost.js';
import { getProvider } from '../providers/registry.js';
import type { AdapterContext, ChatStreamDecoder, Deployment, HttpRequestSpec, OverrideFields, ProviderAdapter } from '../providers/types.js';
import type { ChatCompletionChunk, Usage } from '../wire/chat-response.js';
import type { CallState } from './call-state.js';
import { nextId } from './ids.js';
import { recordAttempt } from './outcome.js';
import { applyExtras } from './overrides.js';
import { estimateCompletionTokens } from './token-estimate.js';
import type { StreamEnd } from './stream.js';

const ERROR_BODY_LIMIT = 1 << 20;

export interface AttemptPlan {
  deployment: Deployment;
  /** Alias this attempt serves. */
  alias: string;
  fallbackDepth: number;
  retryReason?: string;
  waitMs: number;
  /** The request in OpenAI shape for this deployment (its overrides applied). */
  params: Record<string, unknown>;
  /** Names of the deployment's overrides applied to this attempt (`defaults.temperature`, `system.prepend`). */
  overrides?: readonly string[];
  /** The override fields of this attempt (the entry's, with its variant's): `extraBody`/`extraHeaders` are added to the encoded request. */
  extras?: OverrideFields;
  /** The deployment's override variant this attempt runs. */
  variant?: string;
}

const refs = new WeakMap<Deployment, DeploymentRef>();

/** The credential-free description of a deployment, computed once per deployment (read-only). */
export function deploymentRef(d: Deployment): DeploymentRef {
  let ref = refs.get(d);
  if (!ref) {
    ref = Object.freeze(buildRef(d));
    refs.set(d, ref);
  }
  return ref;
}

function buildRef(d: Deployment): DeploymentRef {
  const adapter = getProvider(d.provider);
  const ref: DeploymentRef = { id: d.id, name: d.name, provider: d.provider, genAiProvider: adapter.genAiProviderName, model: d.model };
  const base = d.baseURL ?? adapter.defaultBaseURL;
  if (base) {
    try {
      const u = new URL(base);
      ref.serverAddress = u.hostname;
      ref.serverPort = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    } catch {
      /* validated at construction */
    }
  }
  return ref;
}

function newAttemptEvent(call: CallState, plan: AttemptPlan, stream: boolean): AttemptEvent {
  const ev: AttemptEvent = {
    call: call.event,
    attemptId: nextId('att'),
    index: call.nextAttemptIndex++,
    deployment: deploymentRef(plan.deployment),
    alias: plan.alias,
    fallbackDepth: plan.fallbackDepth,
    waitMs: plan.waitMs,
    stream,
    params: plan.params,
    propagation: {},
    ...(plan.retryReason !== undefined ? { retryReason: plan.retryReason } : {}),
    ...(plan.overrides !== undefined ? { overrides: plan.overrides } : {}),
    ...(plan.variant !== undefined ? { variant: plan.variant } : {}),
  };
  return ev;
}

/**
 * Normalizes anything thrown during an attempt into a scrubbed, attributed TracegateError.
 * Transport errors were typed where they happened (sendRequest, readBody, the stream reader);
 * anything else untyped failed in tracegate's own code (encoding, decoding) and is an
 * InternalError, never a connection error.
 */
export function toAttemptError(err: unknown, signal: AttemptSignal, d: Deployment): TracegateError {
  let e: TracegateError = isTracegateError(err) ? err : internalError(err);
  if (signal.aborted && isTracegateError(signal.reason)) e = signal.reason;
  if (e.provider === undefined) e.provider = d.provider;
  if (e.deployment === undefined) e.deployment = d.id;
  if (e.model === undefined) e.model = d.model;
  return scrubSecrets(e, d.secrets);
}

/** Publishes the attempt's settle events and records it in the call info. */
function settleAttempt(call: CallState, ev: AttemptEvent, error?: TracegateError): void {
  publishSettled(attemptChannel, ev, error);
  recordAttempt(call.event.info, ev);
}

function withPropagation(encoded: HttpRequestSpec, ev: AttemptEvent, plan: AttemptPlan): HttpRequestSpec {
  const d = plan.deployment;
  const spec = applyExtras(encoded, plan.extras);
  if (!d.propagateTraceContext) return spec;
  const keys = Object.keys(ev.propagation);
  if (keys.length === 0) return spec;
  return { ...spec, headers: { ...spec.headers, ...ev.propagation } };
}

async function readErrorResponse(res: UpstreamResponse, signal: AttemptSignal, adapter: ProviderAdapter, ctx: AdapterContext): Promise<TracegateError> {
  let text = '';
  try {
    text = (await readBody(res, ERROR_BODY_LIMIT, signal, ctx.deployment.timeouts.connectMs)).toString('utf8');
  } catch (err) {
    if (isTracegateError(err) && err.errorClass !== 'invalid_response') return err;
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : text;
  } catch {
    /* keep text */
  }
  return adapter.classifyError({ status: res.status, headers: res.headers, body, text }, ctx);
}

function parseJson(buf: Buffer, d: Deployment): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new InvalidResponseError(`${d.provider} returned a body that is not valid JSON: ${buf.toString('utf8', 0, 200)}`, {
      provider: d.provider,
      deployment: d.id,
      model: d.model,
      providerError: buf.toString('utf8', 0, 1000),
    });
  }
}

export interface UnaryOperation<T> {
  build(adapter: ProviderAdapter, ctx: AdapterContext): HttpRequestSpec | Promise<HttpRequestSpec>;
  decode(adapter: ProviderAdapter, body: unknown, ctx: AdapterContext): T;
  /** Usage of the decoded result (for cost), plus fields for the attempt event. */
  describe(result: T, ev: AttemptEvent): Usage | undefined;
}

export interface AttemptOutcome<T> {
  result: T;
  event: AttemptEvent;
  /**
   * Present when the settle was deferred (`holdOpen`): publishes the attempt's end. The caller
   * must call it exactly once (post-call guardrails run while the attempt's span is still open,
   * so their evaluations land on it).
   */
  settle?: () => void;
}

export interface UnaryAttemptOptions {
  /** On success, leave the attempt unsettled and return `settle` (post-call guardrails run first). */
  holdOpen?: boolean;
}

/** A stream's first-token timeout: `streamFirstTokenMs` when set, else `firstTokenMs`. */
function streamFirstTokenMs(d: Deployment): number {
  return d.timeouts.streamFirstTokenMs ?? d.timeouts.firstTokenMs;
}

/** Runs a non-streaming attempt to completion. Throws a typed, scrubbed error. */
export async function runUnaryAttempt<T>(call: CallState, plan: AttemptPlan, op: UnaryOperation<T>, options: UnaryAttemptOptions = {}): Promise<AttemptOutcome<T>> {
  const d = plan.deployment;
  const ev = newAttemptEvent(call, plan, false);
  const started = performance.now();
  publishStart(attemptChannel, ev);
  const signal = new AttemptSignal(call.signal, call.deadlineAt, call.totalMs);
  try {
    const result = await runInScope(ev, async () => {
      const adapter = getProvider(d.provider);
      const ctx: AdapterContext = { deployment: d, stream: false };
      const spec = withPropagation(await op.build(adapter, ctx), ev, plan);
      const ready = transportReady();
      if (ready) await ready;
      signal.phase('first_token', d.timeouts.firstTokenMs);
      const res = await sendRequest(spec, { signal, connectTimeoutMs: d.timeouts.connectMs, ...(d.connections !== undefined ? { connections: d.connections } : {}) });
      ev.status = res.status;
      if (res.status >= 400) throw await readErrorResponse(res, signal, adapter, ctx);
      const type = mediaType(res.headers);
      if (type !== 'application/json' && !type.endsWith('+json')) {
        const head = (await readBody(res, ERROR_BODY_LIMIT, signal, d.timeouts.connectMs).catch(() => Buffer.alloc(0))).toString('utf8', 0, 200);
        throw new InvalidResponseError(`${d.provider} answered with content type "${type || 'none'}" instead of JSON: ${head}`, {
          status: 502,
          providerError: head,
        });
      }
      const buf = await readBody(res, call.maxResponseBytes, signal, d.timeouts.connectMs);
      signal.clearPhase();
      return op.decode(adapter, parseJson(buf, d), ctx);
    });
    const usage = op.describe(result, ev);
    ev.durationMs = performance.now() - started;
    ev.ttftMs = ev.durationMs;
    if (usage) {
      ev.usage = usage;
      ev.cost = computeCost(usage, d.price) as Cost | null;
    }
    ev.result = result;
    if (options.holdOpen) {
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        settleAttempt(call, ev);
      };
      return { result, event: ev, settle };
    }
    settleAttempt(call, ev);
    return { result, event: ev };
  } catch (err) {
    const e = toAttemptError(err, signal, d);
    ev.durationMs = performance.now() - started;
    if (ev.status === undefined || ev.status < 400) ev.status = e.status;
    settleAttempt(call, ev, e);
    throw e;
  } finally {
    signal.dispose();
  }
}

/** Reads normalized chunks from an upstream stream body, pulling only when asked. */
export class UpstreamChunkSource {
  private readonly iterator: AsyncIterator<unknown>;
  private readonly framer: EventFramer;
  private ended = false;
  /** An error met after good chunks of the same network read: thrown on the next call. */
  private pendingError: unknown;

  constructor(
    private readonly res: UpstreamResponse,
    framing: 'sse' | 'aws-eventstream',
    private readonly decoder: ChatStreamDecoder,
    readonly signal: AttemptSignal,
    private readonly deployment: Deployment,
  ) {
    this.iterator = (res.body as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    this.framer = createFramer(framing);
  }

  /**
   * The next non-empty batch of chunks, or null at the end. While waiting it arms the idle timer,
   * or the given phase (the first-token deadline before the first chunk).
   */
  async next(phase?: { kind: TimeoutKind; ms: number }): Promise<ChatCompletionChunk[] | null> {
    if (this.pendingError !== undefined) {
      const err = this.pendingError;
      this.pendingError = undefined;
      this.ended = true;
      throw toAttemptError(err, this.signal, this.deployment);
    }
    if (this.ended) return null;
    const d = this.deployment;
    for (;;) {
      if (this.decoder.done) {
        this.ended = true;
        this.drainRest();
        return null;
      }
      let item: IteratorResult<unknown>;
      this.signal.phase(phase?.kind ?? 'idle', phase?.ms ?? d.timeouts.idleMs);
      try {
        item = await this.iterator.next();
      } catch (err) {
        throw toAttemptError(mapTransportError(err, this.signal, d.timeouts.connectMs), this.signal, d);
      } finally {
        this.signal.clearPhase();
      }
      if (item.done) {
        this.ended = true;
        const out: ChatCompletionChunk[] = [];
        for (const ev of this.framer.end()) out.push(...this.decoder.push(ev));
        out.push(...this.decoder.end());
        return out;
      }
      const out: ChatCompletionChunk[] = [];
      try {
        for (const ev of this.framer.push(item.value as Uint8Array)) {
          out.push(...this.decoder.push(ev));
          if (this.decoder.done) break;
        }
      } catch (err) {
        // Deliver what came before the bad event first; the error follows on the next call.
        if (out.length === 0) throw toAttemptError(err, this.signal, d);
        this.pendingError = err;
      }
      if (out.length) return out;
    }
  }

  textOf(chunk: ChatCompletionChunk): string | undefined {
    return this.decoder.textOf?.(chunk);
  }

  destroy(): void {
    destroyBody(this.res.body);
  }

  /**
   * After the last event (`[DONE]`, `message_stop`...), reads what is left of the body in the
   * background — normally only the end of the chunked encoding — instead of destroying it: a
   * destroyed body costs an abort error with its stack trace on every stream (a measurable share
   * of a proxied stream's CPU), and closes the connection when the end had not arrived yet.
   * More than 64 KiB or 1 s of trailing bytes: destroyed.
   */
  private drainRest(): void {
    const it = this.iterator;
    let left = 64 * 1024;
    const timer = setTimeout(() => this.destroy(), 1000);
    timer.unref?.();
    void (async () => {
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          left -= (r.value as Uint8Array).length;
          if (left < 0) {
            this.destroy();
            break;
          }
        }
      } catch {
        // Destroyed or broken after the answer was complete: nothing to keep.
      } finally {
        clearTimeout(timer);
      }
    })();
  }
}

/** A chunk that carries something for the caller (not a bare role or keep-alive chunk). */
export function isMeaningfulChunk(chunk: ChatCompletionChunk): boolean {
  if (chunk.choices.length === 0) return chunk.usage != null;
  for (const c of chunk.choices) {
    const d = c.delta;
    if (c.finish_reason) return true;
    if (d.content || d.reasoning_content || d.refusal || (d.tool_calls && d.tool_calls.length)) return true;
  }
  return false;
}

export interface OpenedStream {
  event: AttemptEvent;
  source: UpstreamChunkSource;
  /** Chunks read before the first meaningful one, and that one. */
  buffered: ChatCompletionChunk[];
  /** The upstream ended while buffering. */
  ended: boolean;
  startedAt: number;
}

/**
 * Opens a streaming attempt and reads up to the first meaningful chunk, so that every failure
 * before content exists can still be retried or fallen back. Throws a typed error on failure
 * (the attempt has then been settled on the channel).
 */
export async function openStreamAttempt(call: CallState, plan: AttemptPlan): Promise<OpenedStream> {
  const d = plan.deployment;
  const ev = newAttemptEvent(call, plan, true);
  const startedAt = performance.now();
  publishStart(attemptChannel, ev);
  const signal = new AttemptSignal(call.signal, call.deadlineAt, call.totalMs);
  let source: UpstreamChunkSource | undefined;
  try {
    return await runInScope(ev, async () => {
      const adapter = getProvider(d.provider);
      const ctx: AdapterContext = { deployment: d, stream: true };
      const spec = withPropagation(await adapter.chatRequest(plan.params as never, ctx), ev, plan);
      const ready = transportReady();
      if (ready) await ready;
      signal.phase('first_token', streamFirstTokenMs(d));
      const res = await sendRequest(spec, { signal, connectTimeoutMs: d.timeouts.connectMs, ...(d.connections !== undefined ? { connections: d.connections } : {}) });
      ev.status = res.status;
      if (res.status >= 400) throw await readErrorResponse(res, signal, adapter, ctx);
      const type = mediaType(res.headers);
      if (!acceptsStreamMediaType(adapter.streamFraming, type)) {
        const head = (await readBody(res, ERROR_BODY_LIMIT, signal, d.timeouts.connectMs).catch(() => Buffer.alloc(0))).toString('utf8', 0, 200);
        throw new InvalidResponseError(`${d.provider} answered a stream request with content type "${type || 'none'}": ${head}`, {
          status: 502,
          providerError: head,
        });
      }
      source = new UpstreamChunkSource(res, adapter.streamFraming, adapter.chatStream(ctx), signal, d);
      const buffered: ChatCompletionChunk[] = [];
      let ended = false;
      // Until the first meaningful chunk, reads wait under the first-token deadline, not the idle timer.
      const firstTokenDeadline = Date.now() + streamFirstTokenMs(d);
      for (;;) {
        const left = firstTokenDeadline - Date.now();
        if (left <= 0) throw new TimeoutError('first_token', streamFirstTokenMs(d));
        const batch = await source.next({ kind: 'first_token', ms: left });
        if (batch === null) {
          ended = true;
          break;
        }
        buffered.push(...batch);
        if (batch.some(isMeaningfulChunk)) break;
      }
      ev.ttftMs = performance.now() - startedAt;
      if (firstChunkChannel.hasSubscribers) firstChunkChannel.publish({ attempt: ev, ttftMs: ev.ttftMs });
      return { event: ev, source, buffered, ended, startedAt };
    });
  } catch (err) {
    source?.destroy();
    const e = toAttemptError(err, signal, d);
    ev.durationMs = performance.now() - startedAt;
    if (ev.status === undefined || ev.status < 400) ev.status = e.status;
    ev.streamOutcome = 'error';
    settleAttempt(call, ev, e);
    signal.dispose();
    throw e;
  }
}

/**
 * Fills in a streaming attempt once its stream has ended (see ChatCompletionStream): duration,
 * usage, cost, response fields. `publishStreamAttempt` then settles it (post-call guardrails run
 * in between, while the attempt's span is still open).
 */
export function completeStreamAttempt(opened: OpenedStream, d: Deployment, end: StreamEnd, promptTokens: number): AttemptEvent {
  const ev = opened.event;
  const acc = end.accumulator;
  ev.durationMs = performance.now() - opened.startedAt;
  ev.streamOutcome = end.outcome;
  ev.delivered = end.delivered;
  const completion = acc.toCompletion();
  // The provider's usage when it arrived; else (an abort, a cut, a timeout before the usage
  // chunk) an estimate: the estimated prompt plus the text received so far. The provider bills
  // the stream either way, so it is charged to budgets, spans and metrics like a real usage.
  let usage = acc.lastUsage;
  if (!usage) {
    const out = estimateCompletionTokens(completion);
    usage = { prompt_tokens: promptTokens, completion_tokens: out, total_tokens: promptTokens + out };
    ev.usageEstimated = true;
  }
  ev.usage = usage;
  ev.cost = computeCost(usage, d.price) as Cost | null;
  if (completion.id) ev.responseId = completion.id;
  if (completion.model) ev.responseModel = completion.model;
  const finish = acc.finishReasons;
  if (finish.length) ev.finishReasons = finish;
  if (!end.error) ev.result = completion;
  return ev;
}

/** Publishes the end of a streaming attempt filled in by `completeStreamAttempt`. */
export function publishStreamAttempt(call: CallState, ev: AttemptEvent, error?: TracegateError): void {
  settleAttempt(call, ev, error);
}
