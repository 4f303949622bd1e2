/**
 * Reading a JSON request body: content type and encoding checked, the size limited (413 as
 * soon as `content-length` or the bytes read pass it, without reading the rest), a deadline
 * for slow senders (408), UTF-8 validated (400), JSON parsed (400) and required to be an object.
 * Errors are typed (BadRequestError with the status); a client that goes away rejects with
 * ClientGoneError, for which no response is written.
 */
import type { IncomingMessage } from 'node:http';
import { isUtf8 } from 'node:buffer';
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
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | undefined, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
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
