/**
 * Google Gemini API (generativelanguage.googleapis.com): POST
 * /v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse (SSE `data:` events,
 * CRLF line ends, no [DONE]), :embedContent, :batchEmbedContents; GET /v1beta/models.
 * Credentials: `x-goog-api-key` header, or `?key=` (recorded as such), or an OAuth Bearer.
 */
import type { Answer } from '../answer/answer.js';
import { collectText } from '../answer/text.js';
import { sseFramer, type WireEvent } from '../wire/framing.js';
import { asRecord, header, type Dialect, type ErrorKind, type ErrorSpec, type RequestView } from './types.js';

const PATH = /^\/(v1beta|v1|v1alpha)\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)$/;
const FINISH: Record<Answer['finish'], string> = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP', content_filter: 'SAFETY' };
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

function usageMetadata(answer: Answer): Record<string, number> {
  const { prompt, completion, reasoning, cached } = answer.usage;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: Math.max(0, completion - reasoning),
    totalTokenCount: prompt + completion,
    ...(reasoning ? { thoughtsTokenCount: reasoning } : {}),
    ...(cached ? { cachedContentTokenCount: cached } : {}),
  };
}

function envelope(answer: Answer, candidate: Record<string, unknown> | undefined, withUsage: boolean): Record<string, unknown> {
  return {
    ...(candidate ? { candidates: [candidate] } : {}),
    ...(withUsage ? { usageMetadata: usageMetadata(answer) } : {}),
    modelVersion: answer.model,
    responseId: `mock-response-${answer.seq}`,
  };
}

function blockedPrompt(answer: Answer): Record<string, unknown> {
  return { promptFeedback: { blockReason: 'SAFETY', safetyRatings: SAFETY_RATINGS }, ...envelope(answer, undefined, true) };
}

function candidate(parts: unknown[], answer: Answer, final: boolean): Record<string, unknown> {
  const filtered = final && answer.finish === 'content_filter';
  return {
    ...(parts.length ? { content: { parts, role: 'model' } } : {}),
    ...(final ? { finishReason: FINISH[answer.finish] } : {}),
    index: 0,
    ...(filtered ? { safetyRatings: SAFETY_RATINGS } : {}),
  };
}

const ERRORS: Record<ErrorKind, { status: number; message: (spec: ErrorSpec) => string }> = {
  bad_request: { status: 400, message: () => 'Request contains an invalid argument.' },
  missing_auth: {
    status: 403,
    message: () => "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  },
  auth: { status: 401, message: () => 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.' },
  permission: { status: 403, message: () => 'The caller does not have permission' },
  not_found: { status: 404, message: (spec) => `models/${spec.model ?? 'unknown'} is not found for API version v1beta, or is not supported for generateContent.` },
  timeout: { status: 504, message: () => 'Deadline expired before operation could complete.' },
  too_large: { status: 400, message: () => 'Request payload size exceeds the limit: 20971520 bytes.' },
  rate_limit: { status: 429, message: () => 'You exceeded your current quota, please check your plan and billing details.' },
  server: { status: 500, message: () => 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting' },
  unavailable: { status: 503, message: () => 'The service is currently unavailable.' },
  overloaded: { status: 503, message: () => 'The model is overloaded. Please try again later.' },
  context_window: {
    status: 400,
    message: (spec) => `The input token count (${spec.tokens ?? (spec.maxTokens ?? 1048576) + 1000}) exceeds the maximum number of tokens allowed (${spec.maxTokens ?? 1048576}).`,
  },
  content_policy: { status: 400, message: () => 'The request was blocked because it violates the safety policy.' },
};

function errorBody(spec: ErrorSpec): { status: number; body: unknown } {
  const entry = ERRORS[spec.kind];
  const status = spec.status ?? entry.status;
  const details: unknown[] = [];
  if (spec.kind === 'rate_limit') {
    details.push({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] });
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${spec.retryAfterSeconds ?? 12}s` });
  }
  return {
    status,
    body: {
      error: {
        code: status,
        message: spec.message ?? entry.message(spec),
        status: spec.errorType ?? STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'),
        ...(details.length ? { details } : {}),
      },
    },
  };
}

function partsText(content: unknown): string {
  return collectText(asRecord(content).parts ?? []).join('\n');
}

export const gemini: Dialect = {
  name: 'gemini',
  framer: sseFramer({ named: false, eol: '\r\n' }),
  baseURL: (url) => url,
  route(method, path) {
    // Only the beta listing: GET /v1/models belongs to OpenAI.
    if (method === 'GET' && /^\/(v1beta|v1alpha)\/models$/.test(path)) return { operation: 'models' };
    const match = method === 'POST' ? PATH.exec(path) : null;
    if (!match) return undefined;
    const model = decodeURIComponent(match[2]!).replace(/^models\//, '');
    switch (match[3]) {
      case 'generateContent':
        return { operation: 'chat', model, stream: false };
      case 'streamGenerateContent':
        return { operation: 'chat', model, stream: true };
      case 'embedContent':
      case 'batchEmbedContents':
        return { operation: 'embeddings', model, variant: match[3] };
      default:
        return undefined;
    }
  },
  view(route, request): RequestView {
    const body = asRecord(request.body);
    const view: RequestView = { model: route.model ?? '', stream: route.stream === true, promptText: '', lastUserText: '', embedInputs: [], ...(route.variant ? { variant: route.variant } : {}) };
    if (route.operation === 'embeddings') {
      const requests = route.variant === 'batchEmbedContents' ? (Array.isArray(body.requests) ? body.requests.map(asRecord) : []) : [body];
      view.embedInputs = requests.map((item) => partsText(item.content));
      view.promptText = view.embedInputs.join('\n');
      const dims = requests[0]?.outputDimensionality;
      if (typeof dims === 'number') view.dimensions = dims;
      if (!requests.length || requests.some((item) => item.content === undefined)) view.problem = { kind: 'bad_request', message: '* BatchEmbedContentsRequest.requests: content is not specified' };
      return view;
    }
    if (route.operation !== 'chat') return view;
    const contents = Array.isArray(body.contents) ? body.contents.map(asRecord) : undefined;
    if (!contents) view.problem = { kind: 'bad_request', message: '* GenerateContentRequest.contents: contents is not specified' };
    else if (route.stream && request.query.get('alt') !== 'sse') {
      view.problem = { kind: 'bad_request', message: 'tracegate mock: streamGenerateContent is served only as SSE; add ?alt=sse' };
    }
    const lastUser = [...(contents ?? [])].reverse().find((content) => content.role === undefined || content.role === 'user');
    view.promptText = [partsText(body.systemInstruction), ...(contents ?? []).map(partsText)].filter(Boolean).join('\n');
    view.lastUserText = partsText(lastUser);
    return view;
  },
  checkRequest(request, { auth }) {
    if (auth && !header(request, 'x-goog-api-key') && !request.query.get('key') && !/^Bearer\s+\S/i.test(header(request, 'authorization') ?? '')) {
      return { kind: 'missing_auth' };
    }
    return undefined;
  },
  details: (request) => (request.query.has('key') ? { keyInQuery: true } : {}),
  chat(answer) {
    if (answer.promptBlocked) return blockedPrompt(answer);
    const parts: unknown[] = [];
    if (answer.reasoning !== undefined) parts.push({ text: answer.reasoning, thought: true });
    if (answer.text !== '') parts.push({ text: answer.text });
    for (const call of answer.toolCalls) parts.push({ functionCall: { name: call.name, args: call.input } });
    return envelope(answer, candidate(parts, answer, true), true);
  },
  chatStream(answer, _view, pieces) {
    if (answer.promptBlocked) return [{ data: blockedPrompt(answer) }];
    const partsList: unknown[][] = [
      ...pieces.reasoning.map((text) => [{ text, thought: true }]),
      ...pieces.text.map((text) => [{ text }]),
      ...answer.toolCalls.map((call) => [{ functionCall: { name: call.name, args: call.input } }]),
    ];
    if (!partsList.length) partsList.push([]);
    return partsList.map((parts, i) => {
      const final = i === partsList.length - 1;
      return { data: envelope(answer, candidate(parts, answer, final), final) } satisfies WireEvent;
    });
  },
  embeddingDimensions: (view) => view.dimensions ?? (view.model.includes('gemini-embedding') ? 3072 : 768),
  embeddings: (vectors, view) => (view.variant === 'batchEmbedContents' ? { embeddings: vectors.map((values) => ({ values })) } : { embedding: { values: vectors[0] ?? [] } }),
  models: (ids) => ({
    models: ids.map((id) => ({ name: `models/${id}`, version: '001', displayName: id, supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'] })),
  }),
  error(spec) {
    const { status, body } = errorBody(spec);
    return { status, headers: {}, body };
  },
  streamError: (spec) => [{ data: errorBody(spec).body }],
};
