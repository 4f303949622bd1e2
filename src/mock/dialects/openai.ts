/**
 * OpenAI (api.openai.com/v1): POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models.
 * Credentials: `Authorization: Bearer <key>`. The `/v1` prefix is optional, so clients whose
 * baseURL is the bare server URL work too.
 */
import { sseFramer, type WireEvent } from '../wire/framing.js';
import {
  bearerToken,
  chatCompletion,
  chatCompletionChunks,
  defaultEmbeddingDimensions,
  embeddingList,
  modelList,
  openAiErrorBody,
  openAiRateLimitHeaders,
  readOpenAiRequest,
} from './openai-wire.js';
import { defaultStatus, type Dialect, type ErrorOut, type ErrorSpec, type RouteMatch } from './types.js';

export function routeOpenAi(method: string, path: string, prefix: RegExp): RouteMatch | undefined {
  const match = prefix.exec(path);
  if (!match) return undefined;
  const rest = path.slice(match[0].length);
  if (method === 'POST' && rest === '/chat/completions') return { operation: 'chat' };
  if (method === 'POST' && rest === '/embeddings') return { operation: 'embeddings' };
  if (method === 'GET' && rest === '/models') return { operation: 'models' };
  const single = /^\/models\/([^/]+)$/.exec(rest);
  if (method === 'GET' && single) return { operation: 'models', model: decodeURIComponent(single[1]!) };
  return undefined;
}

export const openai: Dialect = {
  name: 'openai',
  framer: sseFramer({ named: false, eol: '\n' }),
  baseURL: (url) => `${url}/v1`,
  route: (method, path) => routeOpenAi(method, path, /^(\/v1)?/),
  view: (route, request) => readOpenAiRequest(route, request),
  checkRequest(request, { auth }) {
    if (auth && !bearerToken(request)) return { kind: 'missing_auth' };
    return undefined;
  },
  details: () => ({}),
  chat: (answer) => chatCompletion(answer),
  chatStream: (answer, view, pieces) => chatCompletionChunks(answer, view, pieces),
  embeddingDimensions: (view) => view.dimensions ?? defaultEmbeddingDimensions(view.model),
  embeddings: (vectors, view) => embeddingList(vectors, view),
  models: (ids, route) => modelList(ids, route),
  error(spec): ErrorOut {
    const status = spec.status ?? defaultStatus(spec.kind);
    const headers = spec.kind === 'rate_limit' ? openAiRateLimitHeaders() : {};
    return { status, headers: { ...headers, 'x-request-id': 'req_mock' }, body: openAiErrorBody(spec) };
  },
  streamError: (spec: ErrorSpec): WireEvent[] => [{ data: openAiErrorBody(spec) }],
};
