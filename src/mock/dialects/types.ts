/** What every dialect module provides: routes, request reading, and wire rendering. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Answer, StreamPieces } from '../answer/answer.js';
import type { DialectName, Operation } from '../scenario/schema.js';
import type { Framer, WireEvent } from '../wire/framing.js';

export interface RouteMatch {
  operation: Operation;
  /** Model from the path (Azure deployment, Gemini / Bedrock model id, OpenAI GET /models/{id}). */
  model?: string;
  /** Streaming decided by the path (Gemini `:streamGenerateContent`, Bedrock `/converse-stream`). */
  stream?: boolean;
  /** Which endpoint of an operation (Gemini `embedContent` vs `batchEmbedContents`). */
  variant?: string;
}

export interface MockRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
}

/** What a dialect read from a request, in neutral terms. */
export interface RequestView {
  model: string;
  stream: boolean;
  promptText: string;
  lastUserText: string;
  embedInputs: string[];
  dimensions?: number;
  base64?: boolean;
  variant?: string;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage?: boolean;
  /** A request the real API would reject (missing model, messages, max_tokens ...). */
  problem?: ErrorSpec;
}

export type ErrorKind =
  | 'bad_request'
  | 'missing_auth'
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'timeout'
  | 'too_large'
  | 'rate_limit'
  | 'server'
  | 'unavailable'
  | 'overloaded'
  | 'context_window'
  | 'content_policy';

/** A dialect-neutral error; each dialect renders it with its own status, type names and body. */
export interface ErrorSpec {
  kind: ErrorKind;
  status?: number;
  message?: string;
  /** The dialect's own error type / code, overriding the default for the kind. */
  errorType?: string;
  param?: string;
  /** Rate limits: Gemini adds a RetryInfo detail with this delay. */
  retryAfterSeconds?: number;
  /** Context window: the prompt size and the limit to report. */
  tokens?: number;
  maxTokens?: number;
  model?: string;
}

export interface ErrorOut {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Extra facts recorded in the call log. */
export interface CallDetails {
  /** Gemini: the key came in `?key=` rather than a header. */
  keyInQuery?: boolean;
  /** Bedrock: the SigV4 credential scope. */
  aws?: { scheme: 'sigv4' | 'bearer'; region?: string; service?: string; accessKeyId?: string };
}

export interface Dialect {
  readonly name: DialectName;
  readonly framer: Framer;
  /** What a client's baseURL should be for this dialect, given the server URL. */
  baseURL(serverUrl: string): string;
  route(method: string, path: string, headers: IncomingHttpHeaders): RouteMatch | undefined;
  view(route: RouteMatch, request: MockRequest): RequestView;
  /** Protocol headers/query the API always requires, and credentials when `auth` is on. */
  checkRequest(request: MockRequest, options: { auth: boolean }): ErrorSpec | undefined;
  details(request: MockRequest): CallDetails;
  chat(answer: Answer, view: RequestView): unknown;
  chatStream(answer: Answer, view: RequestView, pieces: StreamPieces): WireEvent[];
  /** Vector length for an embeddings call (the request's own setting, else the model's default). */
  embeddingDimensions?(view: RequestView): number;
  embeddings?(vectors: number[][], view: RequestView): unknown;
  models?(ids: string[], route: RouteMatch): unknown;
  error(spec: ErrorSpec): ErrorOut;
  /** The event(s) a provider sends when a stream fails after it started. */
  streamError(spec: ErrorSpec): WireEvent[];
}

/** HTTP status → the neutral kind used when a `status` fault gives no body. */
export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 401:
      return 'auth';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 408:
    case 504:
      return 'timeout';
    case 413:
      return 'too_large';
    case 429:
      return 'rate_limit';
    case 503:
      return 'unavailable';
    case 529:
      return 'overloaded';
    default:
      return status >= 500 ? 'server' : 'bad_request';
  }
}

/** The status a kind gets unless the dialect or the spec says otherwise. */
export function defaultStatus(kind: ErrorKind): number {
  const table: Record<ErrorKind, number> = {
    bad_request: 400,
    missing_auth: 401,
    auth: 401,
    permission: 403,
    not_found: 404,
    timeout: 504,
    too_large: 413,
    rate_limit: 429,
    server: 500,
    unavailable: 503,
    overloaded: 503,
    context_window: 400,
    content_policy: 400,
  };
  return table[kind];
}

export function header(request: MockRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
