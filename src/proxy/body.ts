/**
 * Reading a JSON request body: content type and encoding checked, the size limited (413 as
 * soon as `content-length` or the bytes read pass it, without reading the rest), the nesting
 * depth limited (400 `nesting_too_deep` as soon as the bytes read pass it, before JSON.parse),
 * a deadline for slow senders (408), UTF-8 validated (400), JSON parsed (400) and required to
 * be an object. Errors are typed (BadRequestError with the status); a client that goes away
 * rejects with ClientGoneError, for which no response is written. A body whose HTTP framing
 * breaks (bad chunked encoding) fails with a 400 (`failBody`, called from the server's
 * `clientError` handler).
 */
import type { IncomingMessage } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { JsonDepthScanner, tooDeepError } from '../wire/nesting.js';
import type { ProxyState } from './context.js';
import { requestError } from './errors.js';

export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

export interface BodyLimits {
  /** Largest body in bytes. */
  maxBytes: number;
  /** Time allowed for the whole body to arrive, ms. */
  timeoutMs: number;
  /** Deepest object/array nesting accepted. */
  maxDepth: number;
}

/** The proxy's body limits: `server.bodyLimit`, `server.requestTimeoutMs`, the router's `maxRequestDepth`. */
export function bodyLimits(state: ProxyState): BodyLimits {
  return { maxBytes: state.settings.bodyLimit, timeoutMs: state.settings.requestTimeoutMs, maxDepth: state.router.maxRequestDepth };
}

/**
 * True while the request may still have body bytes on the wire: an answer sent now must close
 * the connection, or keep-alive would make the server read (and discard) the rest of the body,
 * however long it is.
 */
export function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

const framingFailures = new WeakMap<IncomingMessage, (err: Error) => void>();
const failedEarly = new WeakMap<IncomingMessage, Error>();

function malformedBody(): Error & BodyErrorMarks {
  const e = requestError(400, 'malformed HTTP request body (bad chunked encoding or framing)', 'bad_request') as Error & BodyErrorMarks;
  e.closeConnection = true;
  return e;
}

/** The HTTP parser failed inside this request's body: its reader fails with a 400 (now or when it starts). */
export function failBody(req: IncomingMessage): void {
  const fail = framingFailures.get(req);
  if (fail) fail(malformedBody());
  else failedEarly.set(req, malformedBody());
}

/** Errors after which the rest of the request is not read: the connection must close. */
export interface BodyErrorMarks {
  closeConnection?: boolean;
}

function mediaType(value: string | undefined): string {
  if (!value) return '';
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
}

function isJsonType(type: string): boolean {
  return type === '' || type === 'application/json' || type.endsWith('+json');
}

function tooLarge(maxBytes: number): Error & BodyErrorMarks {
  const e = requestError(413, `request body too large: the limit is ${maxBytes} bytes`, 'request_too_large') as Error & BodyErrorMarks;
  e.closeConnection = true;
  return e;
}

function readRaw(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const early = failedEarly.get(req);
    if (early) return reject(early);
    const chunks: Buffer[] = [];
    const depth = new JsonDepthScanner(limits.maxDepth);
    let size = 0;
    let settled = false;
    const finish = (err: Error | undefined, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      framingFailures.delete(req);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(value!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(tooLarge(limits.maxBytes));
      if (!depth.push(chunk)) {
        const e = tooDeepError(limits.maxDepth, null) as Error & BodyErrorMarks;
        e.closeConnection = true;
        return finish(e);
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = () => finish(new ClientGoneError());
    const onClose = () => finish(req.complete ? undefined : new ClientGoneError(), Buffer.concat(chunks, size));
    const timer = setTimeout(() => {
      const e = requestError(408, `the request body did not arrive within ${limits.timeoutMs} ms`, 'request_timeout') as Error & BodyErrorMarks;
      e.closeConnection = true;
      finish(e);
    }, limits.timeoutMs);
    framingFailures.set(req, (err) => finish(err));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Reads and parses the body of a JSON request; throws typed 4xx errors (see the module comment). */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<Record<string, unknown>> {
  const type = mediaType(req.headers['content-type']);
  if (!isJsonType(type)) {
    const e = requestError(415, `unsupported content-type "${type}": send the request as application/json`, 'unsupported_media_type') as Error & BodyErrorMarks;
    e.closeConnection = true;
    throw e;
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    const e = requestError(415, `unsupported content-encoding "${encoding}": send the body uncompressed`, 'unsupported_media_type') as Error & BodyErrorMarks;
    e.closeConnection = true;
    throw e;
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const raw = await readRaw(req, limits);
  if (raw.length === 0) throw requestError(400, 'the request body is empty: expected a JSON object', 'invalid_json');
  if (!isUtf8(raw)) throw requestError(400, 'the request body is not valid UTF-8', 'invalid_encoding');
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw requestError(400, `the request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`, 'invalid_json');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw requestError(400, 'the request body must be a JSON object', 'invalid_json');
  return value as Record<string, unknown>;
}
