/**
 * The Responses API `Response` object built from a chat completion: `output` items (`reasoning`
 * with its summary, `message` with `output_text` or `refusal`, `function_call`), `usage` with
 * `input_tokens_details.cached_tokens` and `output_tokens_details.reasoning_tokens`, `status`
 * (`incomplete` with `incomplete_details.reason` for a length or content-filter stop), and the
 * request's settings echoed as OpenAI does. The stream encoder (stream.ts) builds the same
 * object from the same pieces.
 */
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, FinishReason, Usage } from '../chat-response.js';
import type { ResponseCreateParams } from './request.js';
import { encodeReasoningState } from './reasoning-state.js';

type Json = Record<string, unknown>;

export type ResponseStatus = 'completed' | 'incomplete' | 'failed' | 'in_progress';

export interface ResponseObject extends Json {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  model: string;
  output: Json[];
  usage: Json | null;
}

/** `resp_…`, `msg_…`, `fc_…`, `rs_…`: random ids in OpenAI's style. */
export function newItemId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/** The Response with no output yet (status `in_progress`), echoing the request's settings. */
export function responseShell(params: ResponseCreateParams, id: string, createdAt: number, model: string): ResponseObject {
  const tools = (params.tools ?? []) as unknown[];
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: params.instructions ?? null,
    max_output_tokens: params.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: params.parallel_tool_calls ?? true,
    previous_response_id: params.previous_response_id ?? null,
    prompt_cache_key: params.prompt_cache_key ?? null,
    reasoning: { effort: params.reasoning?.effort ?? null, summary: params.reasoning?.summary ?? null },
    safety_identifier: params.safety_identifier ?? null,
    store: params.store !== false,
    temperature: params.temperature ?? 1,
    text: { format: params.text?.format ?? { type: 'text' }, ...(params.text?.verbosity ? { verbosity: params.text.verbosity } : {}) },
    tool_choice: params.tool_choice ?? 'auto',
    tools,
    top_p: params.top_p ?? 1,
    truncation: params.truncation ?? 'disabled',
    usage: null,
    user: params.user ?? null,
    metadata: params.metadata ?? {},
  };
}

/** Chat usage → Responses usage. */
export function responseUsage(u: Usage | null | undefined): Json | null {
  if (!u) return null;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

/** Status and incomplete_details for a finish reason. */
export function finishStatus(finish: FinishReason | null | undefined): { status: ResponseStatus; incomplete_details: Json | null } {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export function reasoningItem(id: string, text: string, blocks: readonly unknown[] | undefined, includeEncrypted: boolean): Json {
  const item: Json = { id, type: 'reasoning', summary: text ? [{ type: 'summary_text', text }] : [] };
  if (includeEncrypted && blocks?.length) item.encrypted_content = encodeReasoningState(blocks);
  return item;
}

export function outputTextPart(text: string): Json {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function messageItem(id: string, parts: Json[], status: 'in_progress' | 'completed' | 'incomplete'): Json {
  return { id, type: 'message', status, content: parts, role: 'assistant' };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: 'in_progress' | 'completed'): Json {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

/** True when the client asked for `reasoning.encrypted_content`. */
export function wantsEncryptedReasoning(params: ResponseCreateParams): boolean {
  return params.include?.includes('reasoning.encrypted_content') === true;
}

/** The finished Response for a (non-streaming) chat completion. */
export function chatToResponse(completion: ChatCompletion, params: ResponseCreateParams, id: string, createdAt: number): ResponseObject {
  const res = responseShell(params, id, createdAt, completion.model);
  const choice = completion.choices[0];
  const msg = choice?.message;
  const { status, incomplete_details } = finishStatus(choice?.finish_reason);
  const blocks = (msg as { thinking_blocks?: unknown[] } | undefined)?.thinking_blocks;
  if (msg?.reasoning_content || blocks?.length) {
    res.output.push(reasoningItem(newItemId('rs'), msg?.reasoning_content ?? '', blocks, wantsEncryptedReasoning(params)));
  }
  const parts: Json[] = [];
  if (msg?.content) parts.push(outputTextPart(msg.content));
  if (msg?.refusal) parts.push({ type: 'refusal', refusal: msg.refusal });
  if (parts.length) res.output.push(messageItem(newItemId('msg'), parts, status === 'completed' ? 'completed' : 'incomplete'));
  for (const tc of msg?.tool_calls ?? []) {
    res.output.push(functionCallItem(newItemId('fc'), tc.id, tc.function.name, tc.function.arguments, 'completed'));
  }
  res.status = status;
  res.incomplete_details = incomplete_details;
  res.usage = responseUsage(completion.usage);
  return res;
}
