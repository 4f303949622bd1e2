/**
 * OpenAI chat params → Bedrock Converse request body (the same body serves ConverseStream).
 *
 * - system / developer messages → `system` text blocks; user / assistant → `messages`, adjacent
 *   same-role turns merged (Converse requires alternation), tool results first in their turn;
 * - assistant `tool_calls` → `toolUse` blocks; `tool` messages → `toolResult` blocks in a user turn;
 *   `thinking_blocks` (as this adapter returns them) → `reasoningContent`, signatures kept;
 * - images must be bytes: data URLs (png / jpeg / gif / webp) → `image.source.bytes`, `s3://` URLs →
 *   `s3Location`; http(s) URLs are rejected (Bedrock does not fetch them); PDFs → `document`;
 * - `cache_control` on a part or message → a `cachePoint` block after it;
 * - tools → `toolConfig.tools[].toolSpec`, tool_choice → `toolChoice` (auto / any / tool); Converse has
 *   no "none": with tool_choice "none" the tools are left out, unless the history holds tool blocks
 *   (Converse then requires a toolConfig) — the model is then not prevented from calling a tool;
 *   a history with tool blocks and no `tools` gets minimal tool specs for the names it uses;
 * - sampling → `inferenceConfig`; `response_format` → a forced tool (as for Anthropic);
 *   `reasoning_effort` → Claude's `thinking` in `additionalModelRequestFields` (Claude models only).
 */
import type { AssistantMessage, ChatCompletionCreateParams, ChatMessage, Tool, ToolChoice, UserMessage } from '../../wire/chat-request.js';
import { asRecord, type Json } from '../decode-util.js';
import {
  blocksFirst,
  mergeSameRole,
  parseDataUrl,
  parseToolArguments,
  reasoningBudget,
  rejectShapeParams,
  requestedMaxTokens,
  responseFormatTool,
  stopSequences,
  textParts,
  unsupported,
} from '../request-parts.js';
import type { Deployment } from '../types.js';

const PROVIDER = 'bedrock';
const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };
/** Native Converse fields a caller may set directly on the params. */
const NATIVE_FIELDS = ['guardrailConfig', 'promptVariables', 'additionalModelResponseFieldPaths', 'performanceConfig', 'requestMetadata'] as const;

type Block = Json;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

export interface EncodedConverseRequest {
  body: Json;
  jsonTool?: string;
}

/** Claude on Bedrock (`anthropic.claude-…`, with or without a cross-region prefix, or an ARN naming one). */
export function isClaude(model: string): boolean {
  return model.includes('anthropic.claude');
}

function cachePoint(source: unknown): Block[] {
  return (source as { cache_control?: unknown } | undefined)?.cache_control !== undefined ? [{ cachePoint: { type: 'default' } }] : [];
}

function textBlocks(content: string | readonly Json[] | null | undefined): Block[] {
  if (content == null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const out: Block[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') out.push({ text: part.text }, ...cachePoint(part));
  }
  return out;
}

function imageBlock(url: string, param: string): Block {
  const data = parseDataUrl(url);
  if (data) {
    const format = IMAGE_FORMATS[data.mediaType];
    if (!format) throw unsupported(PROVIDER, param, `images of type ${data.mediaType} (png, jpeg, gif and webp only)`);
    return { image: { format, source: { bytes: data.data } } };
  }
  if (/^s3:\/\//i.test(url)) {
    const ext = url.split('.').pop()?.toLowerCase() ?? '';
    return { image: { format: IMAGE_FORMATS[`image/${ext}`] ?? 'png', source: { s3Location: { uri: url } } } };
  }
  throw unsupported(PROVIDER, param, 'image URLs: Bedrock needs the image bytes (send a data URL) or an s3:// location');
}

function userBlocks(m: UserMessage, i: number): Block[] {
  if (typeof m.content === 'string') return textBlocks(m.content);
  const out: Block[] = [];
  m.content.forEach((part, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (part.type === 'text') {
      if (part.text !== '') out.push({ text: part.text });
    } else if (part.type === 'image_url') out.push(imageBlock(part.image_url.url, param));
    else if (part.type === 'file') {
      const raw = typeof part.file.file_data === 'string' ? part.file.file_data : undefined;
      const data = raw ? (parseDataUrl(raw) ?? { mediaType: 'application/pdf', data: raw }) : undefined;
      if (!data || data.mediaType !== 'application/pdf') throw unsupported(PROVIDER, param, 'file parts other than inline PDFs');
      const name = (typeof part.file.filename === 'string' ? part.file.filename : `document-${i}-${j}`).replace(/[^A-Za-z0-9 ()[\]-]/g, '-');
      out.push({ document: { format: 'pdf', name, source: { bytes: data.data } } });
    } else throw unsupported(PROVIDER, param, `content parts of type "${part.type}"`);
    out.push(...cachePoint(part));
  });
  return out;
}

function assistantBlocks(m: AssistantMessage, i: number): Block[] {
  const out: Block[] = [];
  const thinking = (m as { thinking_blocks?: unknown }).thinking_blocks;
  if (Array.isArray(thinking)) {
    for (const b of thinking as Json[]) {
      if (b?.type === 'thinking' && typeof b.thinking === 'string') {
        const reasoningText: Json = { text: b.thinking };
        if (typeof b.signature === 'string' && b.signature) reasoningText.signature = b.signature;
        out.push({ reasoningContent: { reasoningText } });
      } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') {
        out.push({ reasoningContent: { redactedContent: b.data } });
      }
    }
  }
  out.push(...textBlocks(m.content as string | Json[] | null | undefined));
  (m.tool_calls ?? []).forEach((tc, j) => {
    const input = parseToolArguments(tc.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`, PROVIDER);
    out.push({ toolUse: { toolUseId: tc.id, name: tc.function.name, input } });
  });
  return out;
}

function encodeMessages(messages: readonly ChatMessage[]): { system: Block[]; turns: Turn[]; toolNames: Set<string> } {
  const system: Block[] = [];
  const turns: Turn[] = [];
  const toolNames = new Set<string>();
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(m.content as string | Json[]), ...cachePoint(m));
        break;
      case 'user':
        turns.push({ role: 'user', content: [...userBlocks(m, i), ...cachePoint(m)] });
        break;
      case 'assistant': {
        for (const tc of m.tool_calls ?? []) toolNames.add(tc.function.name);
        const blocks = assistantBlocks(m, i);
        if (blocks.length) turns.push({ role: 'assistant', content: [...blocks, ...cachePoint(m)] });
        break;
      }
      case 'tool': {
        const text = textParts(m.content).join('');
        turns.push({ role: 'user', content: [{ toolResult: { toolUseId: m.tool_call_id, content: [{ text }] } }, ...cachePoint(m)] });
        break;
      }
      default:
        throw unsupported(PROVIDER, `messages[${i}].role`, `messages with role "${m.role}"`);
    }
  });
  const merged = mergeSameRole(turns, 'content').map((t) => ({ role: t.role, content: blocksFirst(t.content, (b) => b.toolResult !== undefined) }));
  return { system, turns: merged, toolNames };
}

function toolSpec(name: string, description: string | undefined, schema: unknown): Block {
  const spec: Json = { name, inputSchema: { json: schema ?? { type: 'object', properties: {} } } };
  if (description) spec.description = description;
  return { toolSpec: spec };
}

function encodeToolChoice(choice: ToolChoice | undefined): Json | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
}

function inferenceConfig(params: ChatCompletionCreateParams, maxTokens: number | undefined): Json {
  const c: Json = {};
  if (maxTokens !== undefined) c.maxTokens = maxTokens;
  if (params.temperature != null) c.temperature = params.temperature;
  if (params.top_p != null) c.topP = params.top_p;
  const stop = stopSequences(params.stop);
  if (stop) c.stopSequences = stop;
  return c;
}

export function encodeConverseRequest(params: ChatCompletionCreateParams, d: Deployment): EncodedConverseRequest {
  rejectShapeParams(params, PROVIDER);
  const { system, turns, toolNames } = encodeMessages(params.messages);
  const body: Json = { messages: turns };
  if (system.length) body.system = system;

  const additional: Json = { ...asRecord((params as { additionalModelRequestFields?: unknown }).additionalModelRequestFields) };
  let maxTokens = requestedMaxTokens(params);
  const budget = reasoningBudget(params.reasoning_effort);
  if (budget !== undefined && isClaude(d.model) && additional.thinking === undefined) {
    maxTokens ??= d.capabilities.maxOutputTokens;
    const max = maxTokens ?? 4096;
    const fitted = Math.min(budget, max - 1);
    if (fitted < 1024) throw unsupported(PROVIDER, 'reasoning_effort', `extended thinking with max_tokens ${max} (it needs a budget of at least 1024 tokens below max_tokens)`);
    maxTokens = max;
    additional.thinking = { type: 'enabled', budget_tokens: fitted };
  }
  const topK = (params as { top_k?: unknown }).top_k;
  if (typeof topK === 'number' && additional.top_k === undefined) additional.top_k = topK;
  const config = inferenceConfig(params, maxTokens);
  if (Object.keys(config).length) body.inferenceConfig = config;
  if (Object.keys(additional).length) body.additionalModelRequestFields = additional;
  for (const k of NATIVE_FIELDS) {
    const v = (params as Record<string, unknown>)[k];
    if (v !== undefined) body[k] = v;
  }

  const historyHasTools = toolNames.size > 0 || turns.some((t) => t.content.some((b) => b.toolResult !== undefined));
  const userTools: Tool[] = params.tool_choice === 'none' && !historyHasTools ? [] : (params.tools ?? []);
  const tools = userTools.map((t) => toolSpec(t.function.name, t.function.description, t.function.parameters));
  let toolChoice = userTools.length ? encodeToolChoice(params.tool_choice) : undefined;
  const rf = responseFormatTool(params.response_format);
  let jsonTool: string | undefined;
  if (rf) {
    if (userTools.some((t) => t.function.name === rf.name)) throw unsupported(PROVIDER, 'response_format', `a response_format named like one of the tools ("${rf.name}")`);
    jsonTool = rf.name;
    tools.push(toolSpec(rf.name, rf.description, rf.schema));
    const thinking = additional.thinking !== undefined;
    if (!(params.tool_choice !== undefined && userTools.length)) toolChoice = thinking ? { auto: {} } : userTools.length ? { any: {} } : { tool: { name: rf.name } };
  }
  if (historyHasTools) {
    const declared = new Set(tools.map((t) => (t.toolSpec as Json).name));
    for (const name of toolNames) if (!declared.has(name)) tools.push(toolSpec(name, undefined, { type: 'object' }));
  }
  if (tools.length) body.toolConfig = toolChoice ? { tools, toolChoice } : { tools };
  return jsonTool ? { body, jsonTool } : { body };
}
