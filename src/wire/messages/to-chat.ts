/**
 * Anthropic Messages API request → chat-completions request (tracegate's normalized form).
 *
 * - `system` → a system message; user `text` / `image` (base64 or URL) / `document` (base64 PDF
 *   or plain text) blocks → content parts; `tool_result` blocks → tool messages (placed before
 *   the rest of their user turn); assistant `text`, `tool_use` (→ `tool_calls`), `thinking`
 *   (→ `reasoning_content`, and with a signature → `thinking_blocks`, so extended thinking with
 *   tools round-trips on Anthropic and Bedrock deployments), `redacted_thinking`.
 * - custom `tools` → function tools; server tools (`web_search_20250305`, `bash_…`, ...) are
 *   returned as `hosted` for the caller's tool policy. `tool_choice` auto/any/tool/none
 *   (`disable_parallel_tool_use` → `parallel_tool_calls: false`).
 * - `thinking.budget_tokens` → `reasoning_effort` (< 4096 low, < 16384 medium, else high);
 *   `max_tokens`, `stop_sequences` → `stop`, `temperature`, `top_p`, `metadata.user_id` → `user`.
 *   `top_k` has no chat equivalent and is dropped.
 */
import { badInput as bad, isObj, str, type Json } from '../input-checks.js';
import type { ChatCompletionCreateParams, ChatMessage } from '../chat-request.js';
import type { MessagesCreateParams } from './request.js';

export interface MessagesToChat {
  params: ChatCompletionCreateParams;
  /** Server tools and other non-custom tools, with their index in `tools`. */
  hosted: { tool: Json; param: string }[];
}


function sourceUrl(source: unknown, param: string): string {
  if (!isObj(source)) throw bad(`${param}.source: expected an object`, `${param}.source`);
  if (source.type === 'base64') return `data:${str(source.media_type, `${param}.source.media_type`)};base64,${str(source.data, `${param}.source.data`)}`;
  if (source.type === 'url') return str(source.url, `${param}.source.url`);
  throw bad(`${param}.source.type: unsupported source type "${String(source.type)}"`, `${param}.source.type`);
}

function userPart(block: Json, param: string): Json | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: str(block.text, `${param}.text`) };
    case 'image':
      return { type: 'image_url', image_url: { url: sourceUrl(block.source, param) } };
    case 'document': {
      const source = block.source as Json | undefined;
      if (source?.type === 'text') return { type: 'text', text: str(source.data, `${param}.source.data`) };
      const file: Json = { file_data: sourceUrl(source, param) };
      if (typeof block.title === 'string') file.filename = block.title;
      return { type: 'file', file };
    }
    default:
      throw bad(`${param}.type: unsupported content block type "${String(block.type)}" in a user message`, `${param}.type`);
  }
}

function toolResultText(content: unknown, param: string): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw bad(`${param}.content: expected a string or content blocks`, `${param}.content`);
  return content
    .map((b, i) => {
      if (isObj(b) && b.type === 'text') return str(b.text, `${param}.content[${i}].text`);
      if (isObj(b) && b.type === 'image') return '[image]';
      throw bad(`${param}.content[${i}].type: unsupported block in a tool result`, `${param}.content[${i}].type`);
    })
    .join('\n');
}

/** Blocks of server tools in a replayed conversation: nothing a chat model can take. */
const SKIPPED_BLOCKS = new Set(['server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result', 'mcp_tool_use', 'mcp_tool_result', 'container_upload']);

function userMessages(content: Json[] | string, param: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: Json[] = [];
  content.forEach((block, i) => {
    const p = `${param}.content[${i}]`;
    if (block.type === 'tool_result') {
      let text = toolResultText(block.content, p);
      if (block.is_error === true) text = `[tool error] ${text}`;
      tools.push({ role: 'tool', tool_call_id: str(block.tool_use_id, `${p}.tool_use_id`), content: text });
    } else if (!SKIPPED_BLOCKS.has(String(block.type))) {
      const part = userPart(block, p);
      if (part) parts.push(part);
    }
  });
  const out = [...tools];
  if (parts.length) out.push({ role: 'user', content: parts.every((x) => x.type === 'text') ? parts.map((x) => x.text as string).join('\n') : parts } as ChatMessage);
  return out;
}

function assistantMessage(content: Json[] | string, param: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  let reasoning = '';
  const toolCalls: Json[] = [];
  const blocks: Json[] = [];
  content.forEach((block, i) => {
    const p = `${param}.content[${i}]`;
    switch (block.type) {
      case 'text':
        text += str(block.text, `${p}.text`);
        break;
      case 'tool_use':
        toolCalls.push({ id: str(block.id, `${p}.id`), type: 'function', function: { name: str(block.name, `${p}.name`), arguments: JSON.stringify(block.input ?? {}) } });
        break;
      case 'thinking': {
        const thinking = str(block.thinking, `${p}.thinking`);
        reasoning += thinking;
        // Only a real signature goes back to the provider (tracegate writes '' for other providers' reasoning).
        if (typeof block.signature === 'string' && block.signature) blocks.push({ type: 'thinking', thinking, signature: block.signature });
        break;
      }
      case 'redacted_thinking':
        blocks.push({ type: 'redacted_thinking', data: str(block.data, `${p}.data`) });
        break;
      default:
        if (SKIPPED_BLOCKS.has(String(block.type))) break;
        throw bad(`${p}.type: unsupported content block type "${String(block.type)}" in an assistant message`, `${p}.type`);
    }
  });
  const m: Json = { role: 'assistant', content: text || null };
  if (toolCalls.length) m.tool_calls = toolCalls;
  if (reasoning) m.reasoning_content = reasoning;
  if (blocks.length) m.thinking_blocks = blocks;
  return m as ChatMessage;
}

function systemText(system: MessagesCreateParams['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((b) => b.text).join('\n');
}

function effortFor(thinking: MessagesCreateParams['thinking']): string | undefined {
  if (!thinking || thinking.type === 'disabled') return undefined;
  const budget = thinking.budget_tokens ?? 8192;
  return budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high';
}

export function messagesToChat(params: MessagesCreateParams): MessagesToChat {
  const messages: ChatMessage[] = [];
  const system = systemText(params.system);
  if (system) messages.push({ role: 'system', content: system });
  params.messages.forEach((m, i) => {
    const param = `messages[${i}]`;
    const content = m.content as Json[] | string;
    if (m.role === 'user') messages.push(...userMessages(content, param));
    else messages.push(assistantMessage(content, param));
  });
  if (!messages.some((m) => m.role !== 'system')) throw bad('messages: at least one message is required', 'messages');
  const chat: Json = { model: params.model, messages, max_tokens: params.max_tokens };
  const functions: Json[] = [];
  const hosted: MessagesToChat['hosted'] = [];
  (params.tools ?? []).forEach((t, i) => {
    if (t.type !== undefined && t.type !== 'custom') {
      hosted.push({ tool: t, param: `tools[${i}]` });
      return;
    }
    const fn: Json = { name: t.name };
    if (typeof t.description === 'string') fn.description = t.description;
    fn.parameters = isObj(t.input_schema) ? t.input_schema : { type: 'object', properties: {} };
    functions.push({ type: 'function', function: fn });
  });
  if (functions.length) {
    chat.tools = functions;
    const c = params.tool_choice;
    if (c) {
      if (c.type === 'auto') chat.tool_choice = 'auto';
      else if (c.type === 'any') chat.tool_choice = 'required';
      else if (c.type === 'none') chat.tool_choice = 'none';
      else chat.tool_choice = { type: 'function', function: { name: str(c.name, 'tool_choice.name') } };
      if (c.disable_parallel_tool_use === true) chat.parallel_tool_calls = false;
    }
  }
  const effort = effortFor(params.thinking);
  if (effort) chat.reasoning_effort = effort;
  if (params.stop_sequences?.length) {
    if (params.stop_sequences.length > 4) throw bad('stop_sequences: at most 4 are supported across providers', 'stop_sequences');
    chat.stop = params.stop_sequences;
  }
  if (params.temperature !== undefined) chat.temperature = params.temperature;
  if (params.top_p !== undefined) chat.top_p = params.top_p;
  if (params.metadata?.user_id) chat.user = params.metadata.user_id;
  if (params.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return { params: chat as ChatCompletionCreateParams, hosted };
}
