/**
 * Anthropic Messages API: POST /v1/messages (and GET /v1/models). Requires `x-api-key` (or an
 * OAuth `Authorization: Bearer`) and `anthropic-version`; the body needs model, max_tokens and
 * messages. Streams are named SSE events: message_start, content_block_start, ping,
 * content_block_delta, content_block_stop, message_delta, message_stop (and `error`).
 */
import { uncachedPrompt, type Answer } from '../answer/answer.js';
import { collectText } from '../answer/text.js';
import { sseFramer, type WireEvent } from '../wire/framing.js';
import { asRecord, defaultStatus, header, type Dialect, type ErrorKind, type ErrorSpec, type RequestView } from './types.js';

const STOP_REASON: Record<Answer['finish'], string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

function toolUseId(answer: Answer, index: number): string {
  return answer.toolCalls[index]?.id ?? `toolu_mock${answer.seq}_${index}`;
}

function usage(answer: Answer, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: uncachedPrompt(answer.usage),
    cache_creation_input_tokens: answer.usage.cacheCreation,
    cache_read_input_tokens: answer.usage.cached,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function contentBlocks(answer: Answer): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (answer.reasoning !== undefined) blocks.push({ type: 'thinking', thinking: answer.reasoning, signature: answer.reasoningSignature });
  if (answer.text !== '') blocks.push({ type: 'text', text: answer.text });
  answer.toolCalls.forEach((call, i) => blocks.push({ type: 'tool_use', id: toolUseId(answer, i), name: call.name, input: call.input }));
  return blocks;
}

const ERRORS: Record<ErrorKind, { status: number; type: string; message: (spec: ErrorSpec) => string }> = {
  bad_request: { status: 400, type: 'invalid_request_error', message: () => 'Invalid request (tracegate mock).' },
  missing_auth: { status: 401, type: 'authentication_error', message: () => 'x-api-key header is required' },
  auth: { status: 401, type: 'authentication_error', message: () => 'invalid x-api-key' },
  permission: { status: 403, type: 'permission_error', message: () => 'Your API key does not have permission to use the specified resource.' },
  not_found: { status: 404, type: 'not_found_error', message: (spec) => `model: ${spec.model ?? 'unknown'}` },
  timeout: { status: 504, type: 'timeout_error', message: () => 'Request timed out.' },
  too_large: { status: 413, type: 'request_too_large', message: () => 'Request exceeds the maximum allowed number of bytes.' },
  rate_limit: {
    status: 429,
    type: 'rate_limit_error',
    message: () => 'This request would exceed the rate limit for your organization of 50 requests per minute. Please reduce the rate of your requests.',
  },
  server: { status: 500, type: 'api_error', message: () => 'Internal server error' },
  unavailable: { status: 503, type: 'api_error', message: () => 'Service unavailable' },
  overloaded: { status: 529, type: 'overloaded_error', message: () => 'Overloaded' },
  context_window: {
    status: 400,
    type: 'invalid_request_error',
    message: (spec) => `prompt is too long: ${spec.tokens ?? (spec.maxTokens ?? 200000) + 1000} tokens > ${spec.maxTokens ?? 200000} maximum`,
  },
  content_policy: { status: 400, type: 'invalid_request_error', message: () => 'Output blocked by content filtering policy' },
};

function errorBody(spec: ErrorSpec): { status: number; body: unknown } {
  const entry = ERRORS[spec.kind];
  return {
    status: spec.status ?? entry.status ?? defaultStatus(spec.kind),
    body: { type: 'error', error: { type: spec.errorType ?? entry.type, message: spec.message ?? entry.message(spec) }, request_id: 'req_mock' },
  };
}

export const anthropic: Dialect = {
  name: 'anthropic',
  framer: sseFramer({ named: true, eol: '\n' }),
  baseURL: (url) => url,
  route(method, path, headers) {
    if (method === 'POST' && path === '/v1/messages') return { operation: 'chat' };
    // GET /v1/models is OpenAI's too; Anthropic clients always send anthropic-version.
    if (method === 'GET' && path === '/v1/models' && headers['anthropic-version']) return { operation: 'models' };
    return undefined;
  },
  view(route, request): RequestView {
    const body = asRecord(request.body);
    const model = typeof body.model === 'string' ? body.model : '';
    const view: RequestView = { model, stream: body.stream === true, promptText: '', lastUserText: '', embedInputs: [] };
    if (route.operation !== 'chat') return view;
    const messages = Array.isArray(body.messages) ? body.messages : undefined;
    if (!model) view.problem = { kind: 'bad_request', message: 'model: Field required' };
    else if (typeof body.max_tokens !== 'number') view.problem = { kind: 'bad_request', message: 'max_tokens: Field required' };
    else if (!messages) view.problem = { kind: 'bad_request', message: 'messages: Field required' };
    const lastUser = [...(messages ?? [])].reverse().find((message) => asRecord(message).role === 'user');
    view.promptText = [...collectText(body.system ?? []), ...collectText(messages ?? [])].join('\n');
    view.lastUserText = collectText(asRecord(lastUser).content ?? '').join('\n');
    return view;
  },
  checkRequest(request, { auth }) {
    if (auth && !header(request, 'x-api-key') && !/^Bearer\s+\S/i.test(header(request, 'authorization') ?? '')) return { kind: 'missing_auth' };
    if (!header(request, 'anthropic-version')) return { kind: 'bad_request', message: 'anthropic-version: header is required' };
    return undefined;
  },
  details: () => ({}),
  chat: (answer) => ({
    id: `msg_mock${answer.seq}`,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: contentBlocks(answer),
    stop_reason: STOP_REASON[answer.finish],
    stop_sequence: null,
    usage: usage(answer, answer.usage.completion),
  }),
  chatStream(answer, _view, pieces) {
    const events: WireEvent[] = [];
    const emit = (data: Record<string, unknown>) => events.push({ type: String(data.type), data });
    emit({
      type: 'message_start',
      message: { id: `msg_mock${answer.seq}`, type: 'message', role: 'assistant', model: answer.model, content: [], stop_reason: null, stop_sequence: null, usage: usage(answer, 1) },
    });
    let index = 0;
    const block = (start: Record<string, unknown>, deltas: Record<string, unknown>[]) => {
      emit({ type: 'content_block_start', index, content_block: start });
      if (index === 0) emit({ type: 'ping' });
      for (const delta of deltas) emit({ type: 'content_block_delta', index, delta });
      emit({ type: 'content_block_stop', index });
      index++;
    };
    if (answer.reasoning !== undefined) {
      block({ type: 'thinking', thinking: '', signature: '' }, [
        ...pieces.reasoning.map((thinking) => ({ type: 'thinking_delta', thinking })),
        { type: 'signature_delta', signature: answer.reasoningSignature },
      ]);
    }
    if (answer.text !== '') block({ type: 'text', text: '' }, pieces.text.map((text) => ({ type: 'text_delta', text })));
    answer.toolCalls.forEach((call, i) => {
      block(
        { type: 'tool_use', id: toolUseId(answer, i), name: call.name, input: {} },
        (pieces.arguments[i] ?? []).map((partial_json) => ({ type: 'input_json_delta', partial_json })),
      );
    });
    if (index === 0) emit({ type: 'ping' });
    const { service_tier: _tier, ...finalUsage } = usage(answer, answer.usage.completion);
    emit({ type: 'message_delta', delta: { stop_reason: STOP_REASON[answer.finish], stop_sequence: null }, usage: finalUsage });
    emit({ type: 'message_stop' });
    return events;
  },
  models: (ids) => ({
    data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids[ids.length - 1] ?? null,
  }),
  error(spec) {
    const { status, body } = errorBody(spec);
    const headers: Record<string, string> = { 'request-id': 'req_mock' };
    if (spec.kind === 'rate_limit') {
      headers['anthropic-ratelimit-requests-limit'] = '50';
      headers['anthropic-ratelimit-requests-remaining'] = '0';
    }
    return { status, headers, body };
  },
  streamError: (spec) => {
    const entry = spec.errorType ? { type: spec.errorType, message: spec.message ?? 'Stream error' } : { type: 'overloaded_error', message: spec.message ?? 'Overloaded' };
    return [{ type: 'error', data: { type: 'error', error: entry, request_id: 'req_mock' } }];
  },
};
