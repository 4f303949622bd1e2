/**
 * OpenAI chat params → Anthropic Messages request body.
 *
 * - system and developer messages (wherever they appear) → `system` text blocks;
 * - user / assistant turns → `messages`, consecutive same-role turns merged into one;
 * - assistant `tool_calls` → `tool_use` blocks; `tool` messages → `tool_result` blocks in a user
 *   turn (consecutive results share one turn, and come before any text in it);
 * - assistant `thinking_blocks` (as returned by this adapter) are sent back first, so extended
 *   thinking with tools keeps its signatures;
 * - images: data URLs → base64 source, http(s) URLs → url source; PDFs / text files → documents;
 * - `cache_control` on a content part, a message (its last block) or a tool is passed through;
 * - `response_format` (json_object / json_schema) → a forced tool whose input is the answer (the
 *   decoder turns that tool call back into JSON text content);
 * - `max_tokens` is required by Anthropic: the catalog's max output of the model is the default;
 * - `web_search_options` (chat completions' web search request) → Anthropic's server-side
 *   `web_search_20250305` tool (with `user_location`); the search runs on Anthropic's side and its
 *   blocks are skipped by the decoders, the answer text stays.
 */
import type {
  AssistantMessage,
  ChatCompletionCreateParams,
  ChatMessage,
  Tool,
  ToolChoice,
  UserMessage,
} from '../../wire/chat-request.js';
import type { Json } from '../decode-util.js';
import {
  blocksFirst,
  copyNative,
  mergeSameRole,
  parseDataUrl,
  parseToolArguments,
  reasoningBudget,
  rejectShapeParams,
  requestedMaxTokens,
  responseFormatTool,
  stopSequences,
  unsupported,
} from '../request-parts.js';
import type { Deployment } from '../types.js';

const PROVIDER = 'anthropic';
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic-native request fields a caller may set directly on the params. */
const NATIVE_FIELDS = ['top_k', 'container', 'mcp_servers', 'context_management'] as const;

export interface EncodedAnthropicRequest {
  body: Json;
  /** Name of the tool that carries `response_format`, when one was added. */
  jsonTool?: string;
}

type Block = Json;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

function withCache(block: Block, source: unknown): Block {
  const cc = (source as { cache_control?: unknown } | undefined)?.cache_control;
  return cc !== undefined ? { ...block, cache_control: cc } : block;
}

function textBlocks(content: string | readonly Json[] | null | undefined): Block[] {
  if (content == null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const out: Block[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') out.push(withCache({ type: 'text', text: part.text }, part));
  }
  return out;
}

function imageBlock(url: string, param: string): Block {
  const data = parseDataUrl(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw unsupported(PROVIDER, param, 'image URLs other than http(s) and data URLs');
}

function fileBlock(file: Json, param: string): Block {
  const raw = typeof file.file_data === 'string' ? file.file_data : undefined;
  if (!raw) throw unsupported(PROVIDER, param, 'file parts without inline `file_data` (OpenAI file ids)');
  const data = parseDataUrl(raw) ?? { mediaType: 'application/pdf', data: raw };
  const title = typeof file.filename === 'string' ? { title: file.filename } : {};
  if (data.mediaType === 'text/plain') {
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(data.data, 'base64').toString('utf8') }, ...title };
  }
  if (data.mediaType !== 'application/pdf') throw unsupported(PROVIDER, param, `documents of type ${data.mediaType} (PDF and plain text only)`);
  return { type: 'document', source: { type: 'base64', media_type: data.mediaType, data: data.data }, ...title };
}

function userBlocks(m: UserMessage, i: number): Block[] {
  if (typeof m.content === 'string') return textBlocks(m.content);
  const out: Block[] = [];
  m.content.forEach((part, j) => {
    const param = `messages[${i}].content[${j}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') out.push(withCache({ type: 'text', text: part.text }, part));
        break;
      case 'image_url':
        out.push(withCache(imageBlock(part.image_url.url, param), part));
        break;
      case 'file':
        out.push(withCache(fileBlock(part.file as Json, param), part));
        break;
      default:
        throw unsupported(PROVIDER, param, `content parts of type "${part.type}"`);
    }
  });
  return out;
}

function assistantBlocks(m: AssistantMessage, i: number): Block[] {
  const out: Block[] = [];
  const thinking = (m as { thinking_blocks?: unknown }).thinking_blocks;
  if (Array.isArray(thinking)) {
    for (const b of thinking as Json[]) {
      if (b?.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') {
        out.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
      } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') {
        out.push({ type: 'redacted_thinking', data: b.data });
      }
    }
  }
  out.push(...textBlocks(m.content as string | Json[] | null | undefined));
  (m.tool_calls ?? []).forEach((tc, j) => {
    const input = parseToolArguments(tc.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`, PROVIDER);
    out.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input });
  });
  return out;
}

function toolResultBlock(m: Extract<ChatMessage, { role: 'tool' }>): Block {
  const content = typeof m.content === 'string' ? m.content : textBlocks(m.content as Json[]);
  return { type: 'tool_result', tool_use_id: m.tool_call_id, content };
}

function applyMessageCache(blocks: Block[], m: ChatMessage): Block[] {
  const cc = (m as { cache_control?: unknown }).cache_control;
  if (cc === undefined || blocks.length === 0) return blocks;
  const last = blocks.length - 1;
  return blocks.map((b, k) => (k === last ? { ...b, cache_control: cc } : b));
}

function encodeMessages(messages: readonly ChatMessage[]): { system: Block[]; turns: Turn[] } {
  const system: Block[] = [];
  const turns: Turn[] = [];
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...applyMessageCache(textBlocks(m.content as string | Json[]), m));
        break;
      case 'user':
        turns.push({ role: 'user', content: applyMessageCache(userBlocks(m, i), m) });
        break;
      case 'assistant': {
        const blocks = applyMessageCache(assistantBlocks(m, i), m);
        if (blocks.length) turns.push({ role: 'assistant', content: blocks });
        break;
      }
      case 'tool':
        turns.push({ role: 'user', content: applyMessageCache([toolResultBlock(m)], m) });
        break;
      default:
        throw unsupported(PROVIDER, `messages[${i}].role`, `messages with role "${m.role}"`);
    }
  });
  // Within a user turn, tool results must come before anything else.
  const merged = mergeSameRole(turns, 'content').map((t) => ({ role: t.role, content: blocksFirst(t.content, (b) => b.type === 'tool_result') }));
  return { system, turns: merged };
}

function encodeTool(t: Tool): Block {
  const params = t.function.parameters ?? { type: 'object', properties: {} };
  const tool: Block = { name: t.function.name, input_schema: params };
  if (t.function.description) tool.description = t.function.description;
  return withCache(tool, t);
}

function encodeToolChoice(choice: ToolChoice | undefined): Block | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

function thinkingConfig(params: ChatCompletionCreateParams, maxTokens: number): Json | undefined {
  const native = (params as { thinking?: unknown }).thinking;
  if (native && typeof native === 'object') return native as Json;
  const budget = reasoningBudget(params.reasoning_effort);
  if (budget === undefined) return undefined;
  const fitted = Math.min(budget, maxTokens - 1);
  if (fitted < 1024) throw unsupported(PROVIDER, 'reasoning_effort', `extended thinking with max_tokens ${maxTokens} (it needs a budget of at least 1024 tokens below max_tokens)`);
  return { type: 'enabled', budget_tokens: fitted };
}

export function encodeAnthropicRequest(params: ChatCompletionCreateParams, d: Deployment, stream: boolean): EncodedAnthropicRequest {
  rejectShapeParams(params, PROVIDER);
  const { system, turns } = encodeMessages(params.messages);
  const maxTokens = requestedMaxTokens(params) ?? d.capabilities.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
  const body: Json = { model: d.model, max_tokens: maxTokens, messages: turns };
  if (system.length) body.system = system;
  if (stream) body.stream = true;
  if (params.temperature != null) body.temperature = params.temperature;
  if (params.top_p != null) body.top_p = params.top_p;
  const stop = stopSequences(params.stop);
  if (stop) body.stop_sequences = stop;
  if (params.user) body.metadata = { user_id: params.user };
  const thinking = thinkingConfig(params, maxTokens);
  if (thinking) body.thinking = thinking;
  copyNative(params as Record<string, unknown>, body, NATIVE_FIELDS);

  const tools = (params.tools ?? []).map(encodeTool);
  let toolChoice = tools.length ? encodeToolChoice(params.tool_choice) : undefined;
  const rf = responseFormatTool(params.response_format);
  let jsonTool: string | undefined;
  if (rf) {
    if (tools.some((t) => t.name === rf.name)) {
      throw unsupported(PROVIDER, 'response_format', `a response_format named like one of the tools ("${rf.name}")`);
    }
    jsonTool = rf.name;
    tools.push({ name: rf.name, description: rf.description, input_schema: rf.schema });
    // Extended thinking cannot be combined with a forced tool: the model is then asked, not forced.
    const forced = thinking?.type === 'enabled' ? { type: 'auto' } : params.tools?.length ? { type: 'any' } : { type: 'tool', name: rf.name };
    toolChoice = params.tool_choice !== undefined && params.tools?.length ? toolChoice : forced;
  }
  if (tools.length) {
    body.tools = tools;
    if (params.parallel_tool_calls === false) toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
    if (toolChoice?.type === 'none') delete toolChoice.disable_parallel_tool_use;
    if (toolChoice) body.tool_choice = toolChoice;
  }
  const webSearch = webSearchTool((params as { web_search_options?: unknown }).web_search_options);
  if (webSearch) body.tools = [...((body.tools as Json[] | undefined) ?? []), webSearch];
  return jsonTool ? { body, jsonTool } : { body };
}

/** Chat's `web_search_options` → Anthropic's web search server tool (undefined when absent). */
function webSearchTool(options: unknown): Json | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const tool: Json = { type: 'web_search_20250305', name: 'web_search' };
  const loc = (options as { user_location?: { approximate?: Record<string, unknown> } }).user_location?.approximate;
  if (loc && typeof loc === 'object') {
    const where: Json = { type: 'approximate' };
    for (const k of ['city', 'region', 'country', 'timezone']) if (typeof loc[k] === 'string') where[k] = loc[k];
    tool.user_location = where;
  }
  return tool;
}
