/**
 * AWS Bedrock Runtime: POST /model/{modelId}/converse (JSON), /converse-stream (AWS
 * event-stream binary framing), /invoke (Titan `inputText` and Cohere `texts` embeddings).
 * Model ids may contain `:` and arrive URL-encoded. Credentials: a SigV4
 * `Authorization: AWS4-HMAC-SHA256 Credential=…` header plus `x-amz-date` (shape only; the
 * signature is not verified), or a Bedrock API key as `Authorization: Bearer`.
 * Errors: `{"message"}` with `x-amzn-errortype: <Name>:http://internal.amazon.com/coral/com.amazon.bedrock/`.
 */
import { uncachedPrompt, type Answer } from '../answer/answer.js';
import { collectText, estimateTokens } from '../answer/text.js';
import { eventStreamFramer, type WireEvent } from '../wire/framing.js';
import { asRecord, header, type CallDetails, type Dialect, type ErrorKind, type ErrorSpec, type MockRequest, type RequestView } from './types.js';

const PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const SIGV4 = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;
const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

const STOP_REASON: Record<Answer['finish'], string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'content_filtered' };

function stopReason(answer: Answer): string {
  return answer.promptBlocked ? 'guardrail_intervened' : STOP_REASON[answer.finish];
}

function toolUseId(answer: Answer, index: number): string {
  return answer.toolCalls[index]?.id ?? `tooluse_mock${answer.seq}_${index}`;
}

function usage(answer: Answer): Record<string, number> {
  const { prompt, completion, cached, cacheCreation } = answer.usage;
  return {
    inputTokens: uncachedPrompt(answer.usage),
    outputTokens: completion,
    totalTokens: prompt + completion,
    ...(cached ? { cacheReadInputTokens: cached } : {}),
    ...(cacheCreation ? { cacheWriteInputTokens: cacheCreation } : {}),
  };
}

const ERRORS: Record<ErrorKind, { status: number; type: string; message: string }> = {
  bad_request: { status: 400, type: 'ValidationException', message: 'Malformed input request, please reformat your input and try again.' },
  missing_auth: { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  auth: { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
  permission: { status: 403, type: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." },
  not_found: { status: 404, type: 'ResourceNotFoundException', message: 'Could not resolve the foundation model from the provided model identifier.' },
  timeout: { status: 408, type: 'ModelTimeoutException', message: 'Model has timed out in processing the request.' },
  too_large: { status: 400, type: 'ValidationException', message: 'Request payload is too large.' },
  rate_limit: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' },
  server: { status: 500, type: 'InternalServerException', message: 'The server encountered an internal error while processing the request.' },
  unavailable: { status: 503, type: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' },
  overloaded: { status: 503, type: 'ServiceUnavailableException', message: 'The model is currently overloaded. Please try again later.' },
  context_window: { status: 400, type: 'ValidationException', message: 'Input is too long for requested model.' },
  content_policy: { status: 400, type: 'ValidationException', message: 'The request was blocked by content filters.' },
};

function sigv4(request: MockRequest): RegExpExecArray | null {
  return SIGV4.exec(header(request, 'authorization') ?? '');
}

function textOf(blocks: unknown): string {
  return collectText(Array.isArray(blocks) ? blocks.map((block) => asRecord(block).text ?? asRecord(asRecord(block).toolResult).content ?? '') : []).join('\n');
}

export const bedrock: Dialect = {
  name: 'bedrock',
  framer: eventStreamFramer,
  baseURL: (url) => url,
  route(method, path) {
    const match = method === 'POST' ? PATH.exec(path) : null;
    if (!match) return undefined;
    const model = decodeURIComponent(match[1]!);
    if (match[2] === 'invoke') return { operation: 'embeddings', model };
    return { operation: 'chat', model, stream: match[2] === 'converse-stream' };
  },
  view(route, request): RequestView {
    const body = asRecord(request.body);
    const view: RequestView = { model: route.model ?? '', stream: route.stream === true, promptText: '', lastUserText: '', embedInputs: [] };
    if (route.operation === 'embeddings') {
      if (typeof body.inputText === 'string') {
        view.variant = 'titan';
        view.embedInputs = [body.inputText];
        if (typeof body.dimensions === 'number') view.dimensions = body.dimensions;
      } else if (Array.isArray(body.texts)) {
        view.variant = 'cohere';
        view.embedInputs = body.texts.map(String);
      } else {
        view.problem = { kind: 'bad_request', message: 'tracegate mock: InvokeModel supports embedding models only (Titan `inputText` or Cohere `texts`).' };
      }
      view.promptText = view.embedInputs.join('\n');
      return view;
    }
    const messages = Array.isArray(body.messages) ? body.messages.map(asRecord) : [];
    const lastUser = [...messages].reverse().find((message) => message.role === 'user');
    view.promptText = [textOf(body.system), ...messages.map((message) => textOf(message.content))].filter(Boolean).join('\n');
    view.lastUserText = textOf(lastUser?.content);
    return view;
  },
  checkRequest(request, { auth }) {
    if (!auth) return undefined;
    const authorization = header(request, 'authorization') ?? '';
    if (/^Bearer\s+\S/i.test(authorization)) return undefined;
    if (!authorization.startsWith('AWS4-HMAC-SHA256 Credential=')) return { kind: 'missing_auth' };
    if (!sigv4(request)) return { kind: 'auth', errorType: 'IncompleteSignatureException', message: 'Authorization header is malformed: bad Credential scope.' };
    if (!header(request, 'x-amz-date')) {
      return { kind: 'auth', errorType: 'IncompleteSignatureException', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
    }
    return undefined;
  },
  details(request): CallDetails {
    if (/^Bearer\s/i.test(header(request, 'authorization') ?? '')) return { aws: { scheme: 'bearer' } };
    const scope = sigv4(request);
    return scope ? { aws: { scheme: 'sigv4', region: scope[3]!, service: scope[4]!, accessKeyId: scope[1]! } } : {};
  },
  chat(answer) {
    const content: unknown[] = [];
    if (answer.reasoning !== undefined) content.push({ reasoningContent: { reasoningText: { text: answer.reasoning, signature: answer.reasoningSignature } } });
    if (answer.text !== '') content.push({ text: answer.text });
    answer.toolCalls.forEach((call, i) => content.push({ toolUse: { toolUseId: toolUseId(answer, i), name: call.name, input: call.input } }));
    return { output: { message: { role: 'assistant', content } }, stopReason: stopReason(answer), usage: usage(answer), metrics: { latencyMs: 1 } };
  },
  chatStream(answer, _view, pieces) {
    const events: WireEvent[] = [{ type: 'messageStart', data: { role: 'assistant' } }];
    let index = 0;
    const block = (start: unknown, deltas: unknown[]) => {
      const contentBlockIndex = index++;
      if (start) events.push({ type: 'contentBlockStart', data: { contentBlockIndex, start } });
      for (const delta of deltas) events.push({ type: 'contentBlockDelta', data: { contentBlockIndex, delta } });
      events.push({ type: 'contentBlockStop', data: { contentBlockIndex } });
    };
    if (answer.reasoning !== undefined) {
      block(undefined, [...pieces.reasoning.map((text) => ({ reasoningContent: { text } })), { reasoningContent: { signature: answer.reasoningSignature } }]);
    }
    if (answer.text !== '') block(undefined, pieces.text.map((text) => ({ text })));
    answer.toolCalls.forEach((call, i) => {
      block({ toolUse: { toolUseId: toolUseId(answer, i), name: call.name } }, (pieces.arguments[i] ?? []).map((input) => ({ toolUse: { input } })));
    });
    events.push({ type: 'messageStop', data: { stopReason: stopReason(answer) } });
    events.push({ type: 'metadata', data: { usage: usage(answer), metrics: { latencyMs: 1 } } });
    return events;
  },
  embeddingDimensions: (view) => view.dimensions ?? (view.variant === 'cohere' ? 1024 : view.model.includes('titan-embed-text-v1') ? 1536 : 1024),
  embeddings(vectors, view) {
    if (view.variant === 'cohere') return { id: 'mock-embedding', response_type: 'embeddings_floats', embeddings: vectors, texts: view.embedInputs };
    return { embedding: vectors[0] ?? [], embeddingsByType: { float: vectors[0] ?? [] }, inputTextTokenCount: estimateTokens(view.embedInputs[0] ?? '') };
  },
  error(spec: ErrorSpec) {
    const entry = ERRORS[spec.kind];
    const type = spec.errorType ?? entry.type;
    return {
      status: spec.status ?? entry.status,
      headers: { 'x-amzn-errortype': `${type}:${ERROR_NAMESPACE}`, 'x-amzn-requestid': 'mock-request-id' },
      body: { message: spec.message ?? entry.message },
    };
  },
  streamError(spec) {
    const type = spec.errorType ?? 'modelStreamErrorException';
    const message = spec.message ?? (type === 'throttlingException' ? 'Too many requests, please wait before trying again.' : 'The model encountered an error while streaming.');
    const data = type === 'modelStreamErrorException' ? { message, originalStatusCode: 500, originalMessage: message } : { message };
    return [{ type, data, exception: true }];
  },
};
