/**
 * The route table: exact paths (with and without the `/v1` prefix, as OpenAI clients may be
 * configured either way) to a handler per method, plus `/v1/models/{id}`. An unknown path is a
 * 404, a known path with another method a 405 with `allow`.
 */
import type { Exchange, ProxyState } from '../context.js';
import { requestError } from '../errors.js';
import { chatCompletions } from './chat.js';
import { embeddings } from './embeddings.js';
import { liveness, readiness } from './health.js';
import { listModels, retrieveModel } from './models.js';
import { createResponse, deleteResponse, retrieveResponse } from './responses.js';

export type Handler = (state: ProxyState, ex: Exchange) => Promise<void>;

export interface Route {
  /** The canonical path, used in spans and logs. */
  readonly name: string;
  readonly methods: Readonly<Record<string, Handler>>;
  readonly allow: string;
  /** Served while draining (health checks). */
  readonly duringDrain: boolean;
}

function route(name: string, methods: Record<string, Handler>, duringDrain = false): Route {
  return { name, methods, allow: Object.keys(methods).join(', '), duringDrain };
}

const CHAT = route('/v1/chat/completions', { POST: chatCompletions });
const EMBEDDINGS = route('/v1/embeddings', { POST: embeddings });
const MODELS = route('/v1/models', { GET: listModels });
const RESPONSES = route('/v1/responses', { POST: createResponse });
// The Anthropic Messages ingress (its translators, wire/messages/*) loads with its first request.
const messages = () => import('./messages.js');
const MESSAGES = route('/v1/messages', { POST: async (state, ex) => (await messages()).createMessage(state, ex) });
const COUNT_TOKENS = route('/v1/messages/count_tokens', { POST: async (state, ex) => (await messages()).countTokens(state, ex) });
const LIVENESS = route('/health/liveness', { GET: liveness }, true);
const READINESS = route('/health/readiness', { GET: readiness }, true);

const ROUTES = new Map<string, Route>([
  ['/v1/chat/completions', CHAT],
  ['/chat/completions', CHAT],
  ['/v1/embeddings', EMBEDDINGS],
  ['/embeddings', EMBEDDINGS],
  ['/v1/responses', RESPONSES],
  ['/responses', RESPONSES],
  ['/v1/messages', MESSAGES],
  ['/messages', MESSAGES],
  ['/v1/messages/count_tokens', COUNT_TOKENS],
  ['/messages/count_tokens', COUNT_TOKENS],
  ['/v1/models', MODELS],
  ['/models', MODELS],
  ['/health/liveness', LIVENESS],
  ['/health/readiness', READINESS],
]);

const MODEL_PREFIXES = ['/v1/models/', '/models/'];
const RESPONSE_PREFIXES = ['/v1/responses/', '/responses/'];
const MODEL_BY_ID = route('/v1/models/{model}', { GET: (state, ex) => retrieveModel(state, ex, pathId(ex.req.url ?? '', MODEL_PREFIXES)) });
const RESPONSE_BY_ID = route('/v1/responses/{response_id}', {
  GET: (state, ex) => retrieveResponse(state, ex, pathId(ex.req.url ?? '', RESPONSE_PREFIXES)),
  DELETE: (state, ex) => deleteResponse(state, ex, pathId(ex.req.url ?? '', RESPONSE_PREFIXES)),
});

function pathId(url: string, prefixes: readonly string[]): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const prefix = prefixes.find((p) => path.startsWith(p))!;
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return path.slice(prefix.length);
  }
}

/** The route for a path (without the query string), or undefined. */
export function findRoute(path: string): Route | undefined {
  const r = ROUTES.get(path);
  if (r) return r;
  for (const p of MODEL_PREFIXES) if (path.startsWith(p) && path.length > p.length) return MODEL_BY_ID;
  for (const p of RESPONSE_PREFIXES) if (path.startsWith(p) && path.length > p.length && !path.includes('/', p.length)) return RESPONSE_BY_ID;
  return undefined;
}

export function notFound(method: string, path: string): Error {
  return requestError(404, `Invalid URL (${method} ${path.slice(0, 200)})`, 'unknown_url');
}

export function methodNotAllowed(method: string, r: Route): Error {
  return requestError(405, `method ${method} is not allowed on ${r.name} (allowed: ${r.allow})`, 'method_not_allowed');
}
