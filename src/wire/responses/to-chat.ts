/**
 * Responses API request → chat-completions request (tracegate's normalized form).
 *
 * - `input` string → one user message; items → messages: `message` items (roles user, system,
 *   developer, assistant; parts `input_text`, `input_image`, `input_file`, `output_text`,
 *   `refusal`), `function_call` (joined into the preceding assistant message's `tool_calls`),
 *   `function_call_output` (a tool message), `reasoning` (its summary becomes the next assistant
 *   message's `reasoning_content`; tracegate's own `encrypted_content` restores the provider's
 *   thinking blocks). Outputs of hosted tools in the input (`web_search_call`, ...) are skipped.
 * - `instructions` → a leading system message (not carried over by `previous_response_id`).
 * - function `tools`, `tool_choice`, `parallel_tool_calls`; other tool types are returned as
 *   `hosted` for the caller's tool policy.
 * - `text.format` → `response_format`; `reasoning.effort` → `reasoning_effort`;
 *   `max_output_tokens` → `max_completion_tokens`; `temperature`, `top_p`; `user` /
 *   `safety_identifier` → `user`.
 * Accepted and not sent upstream: `store`, `include`, `prompt_cache_key`, `client_metadata`,
 * `metadata` (echoed on the response), `truncation`, `service_tier`.
 */
import { badInput as bad, isObj, str, type Json } from '../input-checks.js';
import type { ChatCompletionCreateParams, ChatMessage } from '../chat-request.js';
import type { ResponseCreateParams, ResponseTool } from './request.js';
import { decodeReasoningState } from './reasoning-state.js';

export interface ResponsesToChat {
  /** The chat request (history included). */
  params: ChatCompletionCreateParams;
  /** The messages made from this request's `input` (stored for `previous_response_id`). */
  inputMessages: ChatMessage[];
  /** Tools that are not function tools, as sent (the caller applies the tool policy). */
  hosted: ResponseTool[];
}


/** One content part of a message item → a chat content part. */
function chatPart(part: unknown, param: string): Json {
  if (!isObj(part)) throw bad(`${param}: expected an object`, param);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: str(part.text, `${param}.text`) };
    case 'refusal':
      return { type: 'text', text: str(part.refusal, `${param}.refusal`) };
    case 'input_image': {
      const url = part.image_url;
      if (typeof url !== 'string' || !url) {
        throw bad(`${param}: only images given by image_url (a URL or a data: URL) are supported; file_id needs the provider's file store`, `${param}.image_url`);
      }
      const detail = part.detail === 'low' || part.detail === 'high' ? part.detail : 'auto';
      return { type: 'image_url', image_url: { url, detail } };
    }
    case 'input_file': {
      if (typeof part.file_data !== 'string') throw bad(`${param}: only files given inline by file_data are supported`, `${param}.file_data`);
      const file: Json = { file_data: part.file_data };
      if (typeof part.filename === 'string') file.filename = part.filename;
      return { type: 'file', file };
    }
    default:
      throw bad(`${param}.type: unsupported content part type "${String(part.type)}"`, `${param}.type`);
  }
}

function textOnly(parts: Json[]): string {
  return parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function messageFromItem(item: Json, param: string): ChatMessage {
  const role = item.role;
  const content = item.content;
  let parts: Json[] | string;
  if (typeof content === 'string') parts = content;
  else if (Array.isArray(content)) parts = content.map((p, i) => chatPart(p, `${param}.content[${i}]`));
  else throw bad(`${param}.content: expected a string or an array of content parts`, `${param}.content`);
  switch (role) {
    case 'user':
      return { role: 'user', content: parts } as ChatMessage;
    case 'system':
    case 'developer': {
      if (typeof parts !== 'string' && parts.some((p) => p.type !== 'text')) throw bad(`${param}.content: a ${role} message may only hold text`, `${param}.content`);
      return { role, content: typeof parts === 'string' ? parts : textOnly(parts) } as ChatMessage;
    }
    case 'assistant':
      return { role: 'assistant', content: typeof parts === 'string' ? parts : textOnly(parts) };
    default:
      throw bad(`${param}.role: expected user, system, developer or assistant, got "${String(role)}"`, `${param}.role`);
  }
}

function outputText(output: unknown, param: string): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map((p, i) => (isObj(p) && typeof p.text === 'string' ? p.text : JSON.stringify(chatPart(p, `${param}[${i}]`)))).join('');
  throw bad(`${param}: expected a string or an array of content parts`, param);
}

/** Hosted tools' own items in a replayed conversation: nothing a chat model can take. */
const SKIPPED_ITEMS = new Set([
  'web_search_call',
  'file_search_call',
  'code_interpreter_call',
  'computer_call',
  'computer_call_output',
  'image_generation_call',
  'local_shell_call',
  'local_shell_call_output',
  'mcp_list_tools',
  'mcp_call',
  'mcp_approval_request',
  'mcp_approval_response',
  'tool_search_call',
  'tool_search_output',
]);

/** The `input` items → chat messages. */
export function inputMessages(input: ResponseCreateParams['input']): ChatMessage[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const out: ChatMessage[] = [];
  let pendingReasoning: { text?: string; blocks?: unknown[] } | undefined;
  const lastAssistant = (): Json | undefined => {
    const last = out[out.length - 1] as Json | undefined;
    return last && last.role === 'assistant' ? last : undefined;
  };
  const newAssistant = (): Json => {
    const m: Json = { role: 'assistant', content: null };
    if (pendingReasoning?.text) m.reasoning_content = pendingReasoning.text;
    if (pendingReasoning?.blocks) m.thinking_blocks = pendingReasoning.blocks;
    pendingReasoning = undefined;
    out.push(m as ChatMessage);
    return m;
  };
  input.forEach((raw, i) => {
    const param = `input[${i}]`;
    const item = raw as Json;
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const m = messageFromItem(item, param);
        if (m.role === 'assistant') {
          const prev = lastAssistant();
          // An assistant message right after its own reasoning: one chat message.
          const target = prev && prev.content === null && !prev.tool_calls ? prev : newAssistant();
          target.content = m.content;
        } else {
          out.push(m);
        }
        break;
      }
      case 'function_call': {
        const call = { id: str(item.call_id, `${param}.call_id`), type: 'function', function: { name: str(item.name, `${param}.name`), arguments: str(item.arguments, `${param}.arguments`) } };
        const prev = lastAssistant();
        const target = prev && !pendingReasoning ? prev : newAssistant();
        ((target.tool_calls as unknown[] | undefined) ?? (target.tool_calls = [])).push(call);
        break;
      }
      case 'function_call_output':
        out.push({ role: 'tool', tool_call_id: str(item.call_id, `${param}.call_id`), content: outputText(item.output, `${param}.output`) });
        break;
      case 'reasoning': {
        const summary = Array.isArray(item.summary) ? item.summary.map((s) => (isObj(s) && typeof s.text === 'string' ? s.text : '')).join('\n\n') : '';
        const blocks = typeof item.encrypted_content === 'string' ? decodeReasoningState(item.encrypted_content) : undefined;
        pendingReasoning = { ...(summary ? { text: summary } : {}), ...(blocks ? { blocks } : {}) };
        break;
      }
      case 'item_reference':
        throw bad(`${param}: item_reference is not supported; send the item itself or use previous_response_id`, `${param}.type`);
      default:
        if (typeof type === 'string' && SKIPPED_ITEMS.has(type)) break;
        throw bad(`${param}.type: unsupported input item type "${String(type)}"`, `${param}.type`);
    }
  });
  return out;
}

function chatToolChoice(choice: ResponseCreateParams['tool_choice'], hasFunctions: boolean): ChatCompletionCreateParams['tool_choice'] | undefined {
  if (choice === undefined || choice === null || !hasFunctions) return undefined;
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  // A hosted tool or an allowed_tools list: the model chooses.
  return 'auto';
}

/** Translates the request; `history` are the messages of `previous_response_id` (before this input). */
export function responsesToChat(params: ResponseCreateParams, history: readonly ChatMessage[] = []): ResponsesToChat {
  const input = inputMessages(params.input);
  const messages: ChatMessage[] = [];
  if (params.instructions) messages.push({ role: 'system', content: params.instructions });
  messages.push(...history, ...input);
  if (messages.length === 0) throw bad('input: expected a string or at least one input item', 'input');
  const chat: Json = { model: params.model, messages };
  const functions: Json[] = [];
  const hosted: ResponseTool[] = [];
  (params.tools ?? []).forEach((t, i) => {
    if (t.type !== 'function') {
      hosted.push(t);
      return;
    }
    const fn: Json = { name: str(t.name, `tools[${i}].name`) };
    if (typeof t.description === 'string') fn.description = t.description;
    if (isObj(t.parameters)) fn.parameters = t.parameters;
    if (typeof t.strict === 'boolean') fn.strict = t.strict;
    functions.push({ type: 'function', function: fn });
  });
  if (functions.length) chat.tools = functions;
  const choice = chatToolChoice(params.tool_choice, functions.length > 0);
  if (choice !== undefined) chat.tool_choice = choice;
  if (typeof params.parallel_tool_calls === 'boolean' && functions.length) chat.parallel_tool_calls = params.parallel_tool_calls;
  const format = params.text?.format;
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  else if (format?.type === 'json_schema') {
    const js: Json = { name: format.name, schema: format.schema };
    if (format.description) js.description = format.description;
    if (typeof format.strict === 'boolean') js.strict = format.strict;
    chat.response_format = { type: 'json_schema', json_schema: js };
  }
  const effort = params.reasoning?.effort;
  if (effort) chat.reasoning_effort = effort;
  if (params.max_output_tokens != null) chat.max_completion_tokens = params.max_output_tokens;
  if (params.temperature != null) chat.temperature = params.temperature;
  if (params.top_p != null) chat.top_p = params.top_p;
  const user = params.safety_identifier ?? params.user;
  if (user) chat.user = user;
  if (params.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return { params: chat as ChatCompletionCreateParams, inputMessages: input, hosted };
}
