/**
 * The call log: every request the mock received, with the fault applied and the status sent.
 * Credential values never enter it: only whether each credential was present.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CallDetails } from './dialects/types.js';
import type { DialectName, Operation, StepKind } from './scenario/schema.js';
import type { StepSource } from './scenario/state.js';

const SECRET_HEADERS = ['authorization', 'api-key', 'x-api-key', 'x-goog-api-key', 'x-amz-security-token', 'cookie'];
const SECRET_QUERY = ['key', 'api-key', 'X-Amz-Signature', 'X-Amz-Security-Token'];
export const REDACTED = '[redacted]';

export interface HeadersPresent {
  /** Any credential at all (header or `?key=`). */
  auth: boolean;
  authorization: boolean;
  'api-key': boolean;
  'x-api-key': boolean;
  'x-goog-api-key': boolean;
  /** Gemini key sent in the URL (`?key=`). */
  queryKey: boolean;
}

export interface MockCallRecord {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  method: string;
  path: string;
  /** Query parameters, credentials redacted. */
  query: Record<string, string>;
  protocol: 'http/1.1' | 'h2';
  dialect: DialectName | 'unknown';
  operation: Operation | 'unknown';
  model: string;
  stream: boolean;
  /** The fault kind applied (absent for a normal answer). */
  fault?: StepKind;
  /** Where the step came from: header, queue (enqueue), sequence, probability, default. */
  source?: StepSource;
  /** The fixture replayed, `<family>/<name>`. */
  replay?: string;
  /** The status sent; 0 while none was sent (hang, or still waiting). */
  status: number;
  /** When the connection closed before the answer was complete (the client went away), ms since the epoch. */
  closedEarlyAt?: number;
  headersPresent: HeadersPresent;
  /** Request headers, credential values replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** The parsed JSON request body (undefined when empty or not JSON). */
  body: unknown;
  /** Bedrock: SigV4 credential scope (`{ scheme, region, service }`). */
  aws?: CallDetails['aws'];
}

export interface CallFilter {
  model?: string;
  dialect?: string;
  operation?: string;
  /** A fault kind, or `'none'` (or `'ok'`) for calls answered without a fault. */
  fault?: string;
  status?: number;
  stream?: boolean;
}

export function newRecord(seq: number, method: string, path: string, query: URLSearchParams, headers: IncomingHttpHeaders, protocol: MockCallRecord['protocol']): MockCallRecord {
  const has = (name: string) => headers[name] !== undefined && headers[name] !== '';
  const present: HeadersPresent = {
    auth: false,
    authorization: has('authorization'),
    'api-key': has('api-key'),
    'x-api-key': has('x-api-key'),
    'x-goog-api-key': has('x-goog-api-key'),
    queryKey: query.has('key'),
  };
  present.auth = present.authorization || present['api-key'] || present['x-api-key'] || present['x-goog-api-key'] || present.queryKey;
  return {
    seq,
    at: Date.now(),
    method,
    path,
    query: redactQuery(query),
    protocol,
    dialect: 'unknown',
    operation: 'unknown',
    model: '',
    stream: false,
    status: 0,
    headersPresent: present,
    headers: redactHeaders(headers),
    body: undefined,
  };
}

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    out[name] = SECRET_HEADERS.includes(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function redactQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of query) out[name] = SECRET_QUERY.includes(name) ? REDACTED : value;
  return out;
}

export function matchesFilter(call: MockCallRecord, filter: CallFilter): boolean {
  if (filter.model !== undefined && call.model !== filter.model) return false;
  if (filter.dialect !== undefined && call.dialect !== filter.dialect) return false;
  if (filter.operation !== undefined && call.operation !== filter.operation) return false;
  if (filter.fault !== undefined && (call.fault ?? 'none') !== (filter.fault === 'ok' ? 'none' : filter.fault)) return false;
  if (filter.status !== undefined && call.status !== filter.status) return false;
  if (filter.stream !== undefined && call.stream !== filter.stream) return false;
  return true;
}
