/**
 * Azure OpenAI: POST /openai/deployments/{deployment}/chat/completions?api-version=… and
 * /embeddings (the model reported is the deployment name), plus the newer
 * /openai/v1/chat/completions, /openai/v1/embeddings, /openai/v1/models (model in the body,
 * api-version optional). Credentials: `api-key` header or `Authorization: Bearer`.
 * Azure adds content-filter results: `prompt_filter_results` (the first stream chunk has
 * `choices: []`), `content_filter_results` per choice, and `code: "content_filter"` errors.
 */
import { openai, routeOpenAi } from './openai.js';
import { bearerToken, chatCompletion, chatCompletionChunks, openAiErrorBody, openAiRateLimitHeaders, readOpenAiRequest, type OpenAiFlavor } from './openai-wire.js';
import { defaultStatus, header, type Dialect, type ErrorKind, type ErrorSpec, type MockRequest } from './types.js';

const CATEGORIES = ['hate', 'self_harm', 'sexual', 'violence'] as const;

function filterResults(filtered: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const category of CATEGORIES) {
    const hit = filtered && category === 'violence';
    out[category] = { filtered: hit, severity: hit ? 'high' : 'safe' };
  }
  return out;
}

const flavor: OpenAiFlavor = {
  promptFilterResults: (blocked) => [{ prompt_index: 0, content_filter_results: { ...filterResults(blocked), jailbreak: { filtered: false, detected: false } } }],
  choiceFilterResults: (filtered) => filterResults(filtered),
};

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

/** Azure's own `{"error":{"code","message"}}` bodies; other kinds pass OpenAI's shape through. */
const AZURE_ERRORS: Partial<Record<ErrorKind, { code: string; message: (spec: ErrorSpec) => string }>> = {
  missing_auth: { code: '401', message: () => 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.' },
  auth: {
    code: '401',
    message: () =>
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
  rate_limit: {
    code: '429',
    message: (spec) =>
      `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${spec.retryAfterSeconds ?? 1} second.`,
  },
  not_found: {
    code: 'DeploymentNotFound',
    message: () => 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  },
};

const CONTENT_FILTER_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

function azureErrorBody(spec: ErrorSpec): unknown {
  if (spec.kind === 'content_policy') {
    return {
      error: {
        message: spec.message ?? CONTENT_FILTER_MESSAGE,
        type: null,
        param: 'prompt',
        code: spec.errorType ?? 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { ...filterResults(true), jailbreak: { filtered: false, detected: false } } },
      },
    };
  }
  const entry = AZURE_ERRORS[spec.kind];
  if (!entry) return openAiErrorBody(spec);
  return { error: { code: spec.errorType ?? entry.code, message: spec.message ?? entry.message(spec) } };
}

function apiVersionMissing(request: MockRequest): boolean {
  return DEPLOYMENT_PATH.test(request.path) && !request.query.get('api-version');
}

export const azure: Dialect = {
  ...openai,
  name: 'azure',
  baseURL: (url) => url,
  route(method, path) {
    const deployment = DEPLOYMENT_PATH.exec(path);
    if (deployment) {
      if (method !== 'POST') return undefined;
      return { operation: deployment[2] === 'embeddings' ? 'embeddings' : 'chat', model: decodeURIComponent(deployment[1]!) };
    }
    return routeOpenAi(method, path, /^\/openai(\/v1)?(?=\/)/);
  },
  view: (route, request) => readOpenAiRequest(route, request, route.operation === 'models' ? undefined : route.model),
  checkRequest(request, { auth }) {
    if (auth && !header(request, 'api-key') && !bearerToken(request)) return { kind: 'missing_auth' };
    if (apiVersionMissing(request)) return { kind: 'bad_request', errorType: 'BadRequest', message: "Missing required query parameter 'api-version'." };
    return undefined;
  },
  chat: (answer) => chatCompletion(answer, flavor),
  chatStream: (answer, view, pieces) => chatCompletionChunks(answer, view, pieces, flavor),
  error(spec) {
    const status = spec.status ?? defaultStatus(spec.kind);
    const headers: Record<string, string> = spec.kind === 'rate_limit' ? openAiRateLimitHeaders() : {};
    return { status, headers: { ...headers, 'apim-request-id': 'mock-apim-request' }, body: azureErrorBody(spec) };
  },
};
