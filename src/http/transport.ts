/**
 * Sends one upstream HTTP request on the pooled dispatcher and maps every transport failure to a
 * typed error. Bodies are read incrementally; a full read is bounded by a byte limit.
 */
import type { Dispatcher } from 'undici';
import {
  ConnectionError,
  InvalidResponseError,
  TimeoutError,
  TracegateError,
  internalError,
  isTracegateError,
} from '../errors.js';
import type { AttemptSignal } from './attempt-signal.js';
import { getDispatcher, loadedUndici, loadUndici } from './dispatcher.js';

export interface HttpRequestSpec {
  method: 'POST' | 'GET';
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamResponse {
  status: number;
  headers: ResponseHeaders;
  body: Dispatcher.ResponseData['body'];
}

export interface SendOptions {
  signal: AttemptSignal;
  connectTimeoutMs: number;
  /** Pool size per origin (default 128). */
  connections?: number;
}

/**
 * Undefined once the HTTP client is loaded; until then the promise of its loading. An attempt
 * awaits it before its first-token timer starts, so loading undici never counts as upstream time.
 */
export function transportReady(): Promise<unknown> | undefined {
  return loadedUndici() ? undefined : loadUndici();
}

export async function sendRequest(spec: HttpRequestSpec, options: SendOptions): Promise<UpstreamResponse> {
  try {
    const { request } = loadedUndici() ?? (await loadUndici());
    const res = await request(spec.url, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body ?? null,
      signal: options.signal.signal,
      dispatcher: getDispatcher({ connectTimeoutMs: options.connectTimeoutMs, ...(options.connections !== undefined ? { connections: options.connections } : {}) }),
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    throw mapTransportError(err, options.signal, options.connectTimeoutMs);
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/** undici errors that reject the request itself (an invalid header value...), not the connection. */
const REQUEST_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_INVALID_RETURN_VALUE']);

/**
 * True for a failure of the network or the HTTP exchange: an undici error (`UND_ERR_*`), a
 * system error (`ECONNRESET`, `syscall` set), a TLS or stream error (`ERR_TLS_*`, certificate
 * codes, `ERR_STREAM_PREMATURE_CLOSE`), an abort. A RangeError, TypeError or schema error
 * from tracegate's own code (or anything else without such a code) is not.
 */
export function isTransportFailure(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; syscall?: unknown; name?: unknown; cause?: { code?: unknown } };
  if (e.name === 'AbortError') return true;
  if (typeof e.syscall === 'string') return true;
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  if (!code || REQUEST_CODES.has(code)) return false;
  return (
    CONNECTION_CODES.has(code) ||
    code.startsWith('UND_ERR_') ||
    /^E[A-Z]+$/.test(code) ||
    /^ERR_(TLS|SSL|SOCKET|STREAM|HTTP|OSSL)_/.test(code) ||
    /CERT|SIGNATURE|ISSUER|SELF_SIGNED/.test(code)
  );
}

/**
 * Classifies an error thrown by undici (or by reading its body): a transport failure is a
 * ConnectionError or a TimeoutError; anything else (our own code failing, an invalid request
 * option) is an InternalError, which is never retried or counted against the deployment.
 */
export function mapTransportError(err: unknown, signal: AttemptSignal, connectTimeoutMs: number): TracegateError {
  if (signal.aborted && isTracegateError(signal.reason)) return signal.reason;
  if (isTracegateError(err)) return err;
  if (!isTransportFailure(err)) return internalError(err);
  const e = err as { code?: string; message?: string; name?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError('connect', connectTimeoutMs, { cause: err });
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new TimeoutError('headers', 0, { cause: err });
  if (code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError('idle', 0, { cause: err });
  const message = e?.message ?? String(err);
  if (code && CONNECTION_CODES.has(code)) return new ConnectionError(`connection error (${code}): ${message}`, { cause: err });
  return new ConnectionError(`connection error: ${message}`, { cause: err });
}

/** Reads a whole body, failing with InvalidResponseError past `limit` bytes. */
export async function readBody(
  res: UpstreamResponse,
  limit: number,
  signal: AttemptSignal,
  connectTimeoutMs: number,
): Promise<Buffer> {
  const declared = Number(headerOf(res.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    destroyBody(res.body);
    throw new InvalidResponseError(`response body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  }
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) {
        destroyBody(res.body);
        throw new InvalidResponseError(`response body exceeds the limit of ${limit} bytes`);
      }
      parts.push(buf);
    }
  } catch (err) {
    if (err instanceof InvalidResponseError) throw err;
    throw mapTransportError(err, signal, connectTimeoutMs);
  }
  return Buffer.concat(parts, size);
}

/** Destroys a body we no longer want; the resulting abort error is expected and swallowed. */
export function destroyBody(body: UpstreamResponse['body']): void {
  body.on('error', () => {});
  body.destroy();
}

export function headerOf(headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The media type of a response, lower-cased, without parameters. */
export function mediaType(headers: ResponseHeaders): string {
  return (headerOf(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}
