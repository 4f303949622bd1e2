/**
 * The OpenAI chat-completions / embeddings wire format, shared by the OpenAI and Azure
 * dialects: request reading, `chat.completion` bodies, `chat.completion.chunk` streams,
 * embeddings lists and `{"error":{message,type,param,code}}` bodies.
 */
import { type Answer, type AnswerUsage, type StreamPieces } from '../answer/answer.js';
import { vectorToBase64 } from '../answer/embedding.js';
import { collectText, estimateTokens } from '../answer/text.js';
import type { WireEvent } from '../wire/framing.js';
import { asRecord, type ErrorKind, type ErrorSpec, type MockRequest, type RequestView, type RouteMatch } from './types.js';

/** Azure's additions: filter results on the prompt and on each choice. */
export interface OpenAiFlavor {
  promptFilterResults?: (blocked: boolean) => unknown[];
  choiceFilterResults?: (filtered: boolean) => Record<string, unknown>;
}

const FINISH: Record<Answer['finish'], string> = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter' };

export function readOpenAiRequest(route: RouteMatch, request: MockRequest, modelFromPath?: string): RequestView {
  const body = asRecord(request.body);
  const model = modelFromPath ?? (typeof body.model === 'string' ? body.model : '');
  const view: RequestView = { model, stream: false, promptText: '', lastUserText: '', embedInputs: [] };
  if (route.operation === 'models') return { ...view, model: route.model ?? '' };
  if (!model) view.problem = { kind: 'bad_request', message: 'you must provide a model parameter', param: 'model' };
  if (route.operation === 'embeddings') {
    const input = body.input;
    const inputs = embeddingInputs(input);
    if (input === undefined) view.problem ??= { kind: 'bad_request', message: "Missing required parameter: 'input'.", param: 'input' };
    return {
      ...view,
      embedInputs: inputs,
      promptText: inputs.join('\n'),
      ...(typeof body.dimensions === 'number' ? { dimensions: body.dimensions } : {}),
      base64: body.encoding_format === 'base64',
    };
  }
  const messages = Array.isArray(body.messages) ? body.messages : undefined;
  if (!messages) view.problem ??= { kind: 'bad_request', message: "Missing required parameter: 'messages'.", param: 'messages' };
  const lastUser = [...(messages ?? [])].reverse().find((message) => asRecord(message).role === 'user');
  return {
    ...view,
    stream: body.stream === true,
    includeUsage: asRecord(body.stream_options).include_usage === true,
    promptText: collectText(messages ?? []).join('\n'),
    lastUserText: collectText(asRecord(lastUser).content ?? '').join('\n'),
  };
}

/** `input` may be a string, strings, a token array or token arrays; token arrays are embedded by their JSON text. */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || !input.length) return [];
  if (input.every((item) => typeof item === 'number')) return [JSON.stringify(input)];
  return input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

function usageBody(usage: AnswerUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function toolCallId(answer: Answer, index: number): string {
  return answer.toolCalls[index]?.id ?? `call_mock${answer.seq}_${index}`;
}

export function chatCompletion(answer: Answer, flavor: OpenAiFlavor = {}): unknown {
  const filtered = answer.finish === 'content_filter';
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: answer.text === '' && (answer.toolCalls.length || filtered) ? null : answer.text,
    refusal: null,
    annotations: [],
  };
  if (answer.reasoning !== undefined) message.reasoning_content = answer.reasoning;
  if (answer.toolCalls.length) {
    message.tool_calls = answer.toolCalls.map((call, i) => ({ id: toolCallId(answer, i), type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  return {
    id: `chatcmpl-mock${answer.seq}`,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: FINISH[answer.finish],
        ...(flavor.choiceFilterResults ? { content_filter_results: flavor.choiceFilterResults(filtered) } : {}),
      },
    ],
    usage: usageBody(answer.usage),
    ...(flavor.promptFilterResults ? { prompt_filter_results: flavor.promptFilterResults(false) } : {}),
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  };
}

export function chatCompletionChunks(answer: Answer, view: RequestView, pieces: StreamPieces, flavor: OpenAiFlavor = {}): WireEvent[] {
  const events: WireEvent[] = [];
  if (flavor.promptFilterResults) {
    events.push({ data: { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: flavor.promptFilterResults(false) } });
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): WireEvent => ({
    data: {
      id: `chatcmpl-mock${answer.seq}`,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: answer.model,
      system_fingerprint: 'fp_mock',
      choices: [
        {
          index: 0,
          delta,
          logprobs: null,
          finish_reason: finish,
          ...(flavor.choiceFilterResults ? { content_filter_results: flavor.choiceFilterResults(finish === 'content_filter') } : {}),
        },
      ],
      ...(view.includeUsage ? { usage: null } : {}),
    },
  });
  events.push(chunk({ role: 'assistant', content: '', refusal: null }));
  for (const piece of pieces.reasoning) events.push(chunk({ reasoning_content: piece }));
  for (const piece of pieces.text) events.push(chunk({ content: piece }));
  answer.toolCalls.forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: toolCallId(answer, index), type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of pieces.arguments[index] ?? []) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, FINISH[answer.finish]));
  if (view.includeUsage) {
    events.push({
      data: { id: `chatcmpl-mock${answer.seq}`, object: 'chat.completion.chunk', created: answer.created, model: answer.model, system_fingerprint: 'fp_mock', choices: [], usage: usageBody(answer.usage) },
    });
  }
  events.push({ data: '[DONE]' });
  return events;
}

export function embeddingList(vectors: number[][], view: RequestView): unknown {
  const tokens = view.embedInputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: view.base64 ? vectorToBase64(vector) : vector })),
    model: view.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

export function defaultEmbeddingDimensions(model: string): number {
  return model.includes('large') ? 3072 : 1536;
}

export function modelList(ids: string[], route: RouteMatch): unknown {
  const entry = (id: string) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'tracegate-mock' });
  return route.model ? entry(route.model) : { object: 'list', data: ids.map(entry) };
}

interface OpenAiErrorShape {
  type: string | null;
  code: string | null;
  message: string;
}

/** Error bodies as api.openai.com sends them (type `requests` for request-rate 429s, as observed). */
export function openAiErrorShape(spec: ErrorSpec): OpenAiErrorShape {
  const table: Record<ErrorKind, OpenAiErrorShape> = {
    bad_request: { type: 'invalid_request_error', code: null, message: 'Invalid request (tracegate mock).' },
    missing_auth: {
      type: 'invalid_request_error',
      code: null,
      message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    },
    auth: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
    permission: { type: 'invalid_request_error', code: 'insufficient_permissions', message: 'You have insufficient permissions for this operation.' },
    not_found: { type: 'invalid_request_error', code: 'model_not_found', message: `The model \`${spec.model ?? 'unknown'}\` does not exist or you do not have access to it.` },
    timeout: { type: 'server_error', code: null, message: 'Request timed out.' },
    too_large: { type: 'invalid_request_error', code: null, message: 'Request too large.' },
    rate_limit: { type: 'requests', code: 'rate_limit_exceeded', message: `Rate limit reached for ${spec.model ?? 'model'} on requests per min (RPM): Limit 3, Used 3, Requested 1.` },
    server: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
    unavailable: { type: 'server_error', code: null, message: 'The server is overloaded or not ready yet.' },
    overloaded: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
    context_window: {
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      message: `This model's maximum context length is ${spec.maxTokens ?? 128000} tokens. However, your messages resulted in ${spec.tokens ?? (spec.maxTokens ?? 128000) + 1000} tokens. Please reduce the length of the messages.`,
    },
    content_policy: {
      type: 'invalid_request_error',
      code: 'content_policy_violation',
      message: 'Your request was rejected as a result of our safety system.',
    },
  };
  const shape = table[spec.kind];
  return { ...shape, ...(spec.errorType ? { code: spec.errorType } : {}), ...(spec.message ? { message: spec.message } : {}) };
}

export function openAiErrorBody(spec: ErrorSpec): unknown {
  const shape = openAiErrorShape(spec);
  const param = spec.param ?? (spec.kind === 'context_window' ? 'messages' : null);
  return { error: { message: shape.message, type: shape.type, param, code: shape.code } };
}

export function openAiRateLimitHeaders(): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': '3',
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': '1s',
  };
}

export function bearerToken(request: MockRequest): string | undefined {
  const value = request.headers.authorization;
  const match = typeof value === 'string' ? /^Bearer\s+(\S+)/i.exec(value) : null;
  return match?.[1];
}
