/**
 * OpenAI chat params → Gemini `generateContent` request body.
 *
 * - system / developer messages → `systemInstruction`; user → `user` contents; assistant → `model`;
 *   tool messages → `functionResponse` parts in a user turn, named after the assistant tool call
 *   with that id (Gemini matches results by function name); consecutive same-role turns merged;
 * - images: data URLs → `inlineData`, http(s) / gs:// URLs → `fileData` (MIME type from the
 *   extension); audio parts and PDF files → `inlineData`;
 * - tool calls carry Gemini's thought signature back (`extra_content.google.thought_signature`, as
 *   this adapter returns it); Gemini 3 requires one on a turn's first function call, so a call
 *   without it gets Google's documented `skip_thought_signature_validator` placeholder;
 * - tools → `functionDeclarations` with the JSON Schema reduced to Gemini's subset; tool_choice →
 *   `functionCallingConfig` (AUTO / ANY / NONE, a named function → ANY + allowedFunctionNames);
 * - sampling → `generationConfig` (temperature 0 kept), json modes → responseMimeType /
 *   responseSchema, `reasoning_effort` → `thinkingConfig` (with thought summaries included).
 */
import type { ChatCompletionCreateParams, ChatMessage, Tool, ToolChoice, UserMessage } from '../../wire/chat-request.js';
import { asRecord, type Json } from '../decode-util.js';
import {
  copyNative,
  mergeSameRole,
  parseDataUrl,
  parseToolArguments,
  reasoningBudget,
  rejectShapeParams,
  requestedMaxTokens,
  stopSequences,
  textParts,
  unsupported,
} from '../request-parts.js';
import type { Deployment } from '../types.js';
import { bareModel } from './model-name.js';
import { toGeminiResponseSchema, toGeminiSchema } from './schema.js';

const PROVIDER = 'gemini';
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

interface Content {
  role: 'user' | 'model';
  parts: Json[];
}

/** The bare model id (`models/gemini-2.5-flash` → `gemini-2.5-flash`). */

function isGemini3(model: string): boolean {
  return /^gemini-3/.test(bareModel(model));
}

function mimeFromUrl(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME_BY_EXTENSION[ext] ?? 'image/jpeg';
}

function mediaPart(url: string, param: string): Json {
  const data = parseDataUrl(url);
  if (data) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  if (/^(https?|gs):\/\//i.test(url)) return { fileData: { mimeType: mimeFromUrl(url), fileUri: url } };
  throw unsupported(PROVIDER, param, 'image URLs other than http(s), gs:// and data URLs');
}

function userParts(m: UserMessage, i: number): Json[] {
  if (typeof m.content === 'string') return m.content === '' ? [] : [{ text: m.content }];
  return m.content.map((part, j): Json => {
    const param = `messages[${i}].content[${j}]`;
    switch (part.type) {
      case 'text':
        return { text: part.text };
      case 'image_url':
        return mediaPart(part.image_url.url, param);
      case 'input_audio':
        return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
      case 'file': {
        const raw = typeof part.file.file_data === 'string' ? part.file.file_data : undefined;
        if (!raw) throw unsupported(PROVIDER, param, 'file parts without inline `file_data` (OpenAI file ids)');
        return mediaPart(raw.startsWith('data:') ? raw : `data:application/pdf;base64,${raw}`, param);
      }
      default:
        throw unsupported(PROVIDER, param, `content parts of type "${(part as { type: string }).type}"`);
    }
  });
}

function thoughtSignature(tc: unknown): string | undefined {
  const google = asRecord(asRecord(asRecord(tc)?.extra_content)?.google);
  const sig = google?.thought_signature;
  return typeof sig === 'string' && sig ? sig : undefined;
}

/** A tool result as the `response` object Gemini wants: a JSON object as is, anything else wrapped. */
function functionResponse(text: string): Json {
  try {
    const value = JSON.parse(text) as unknown;
    const obj = asRecord(value);
    if (obj) return obj;
  } catch {
    /* plain text */
  }
  return { content: text };
}

function encodeContents(messages: readonly ChatMessage[], model: string): { system: Json[]; contents: Content[] } {
  const system: Json[] = [];
  const contents: Content[] = [];
  const toolNames = new Map<string, string>();
  const gemini3 = isGemini3(model);
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const text of textParts(m.content)) system.push({ text });
        break;
      case 'user':
        contents.push({ role: 'user', parts: userParts(m, i) });
        break;
      case 'assistant': {
        const parts: Json[] = textParts(m.content as string | null).filter((t) => t !== '').map((text) => ({ text }));
        (m.tool_calls ?? []).forEach((tc, j) => {
          toolNames.set(tc.id, tc.function.name);
          const args = parseToolArguments(tc.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`, PROVIDER);
          const part: Json = { functionCall: { name: tc.function.name, args } };
          const sig = thoughtSignature(tc) ?? (gemini3 && j === 0 ? SKIP_SIGNATURE : undefined);
          if (sig) part.thoughtSignature = sig;
          parts.push(part);
        });
        if (parts.length) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const name = toolNames.get(m.tool_call_id);
        if (name === undefined) {
          throw unsupported(PROVIDER, `messages[${i}].tool_call_id`, `a tool result whose tool_call_id ("${m.tool_call_id}") matches no earlier assistant tool call (Gemini needs the function name)`);
        }
        const text = textParts(m.content).join('');
        contents.push({ role: 'user', parts: [{ functionResponse: { name, response: functionResponse(text) } }] });
        break;
      }
      default:
        throw unsupported(PROVIDER, `messages[${i}].role`, `messages with role "${m.role}"`);
    }
  });
  return { system, contents: mergeSameRole(contents, 'parts') };
}

function encodeTool(t: Tool): Json {
  const decl: Json = { name: t.function.name };
  if (t.function.description) decl.description = t.function.description;
  const parameters = toGeminiSchema(t.function.parameters);
  if (parameters) decl.parameters = parameters;
  return decl;
}

function encodeToolChoice(choice: ToolChoice | undefined): Json | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
}

function thinkingConfig(params: ChatCompletionCreateParams, model: string): Json | undefined {
  const effort = params.reasoning_effort;
  if (!effort) return undefined;
  if (effort === 'none') return { thinkingBudget: 0 };
  if (isGemini3(model)) {
    const pro = /^gemini-3[.\d]*-pro/.test(bareModel(model));
    const level = pro ? (effort === 'medium' || effort === 'high' ? 'high' : 'low') : effort;
    return { thinkingLevel: level, includeThoughts: true };
  }
  const budget = reasoningBudget(effort);
  return budget === undefined ? undefined : { thinkingBudget: budget, includeThoughts: true };
}

function generationConfig(params: ChatCompletionCreateParams, model: string): Json {
  const g: Json = {};
  if (params.temperature != null) g.temperature = params.temperature;
  if (params.top_p != null) g.topP = params.top_p;
  const topK = (params as { top_k?: unknown }).top_k;
  if (typeof topK === 'number') g.topK = topK;
  const max = requestedMaxTokens(params);
  if (max !== undefined) g.maxOutputTokens = max;
  const stop = stopSequences(params.stop);
  if (stop) g.stopSequences = stop;
  if (params.seed != null) g.seed = params.seed;
  if (params.n != null) g.candidateCount = params.n;
  if (params.presence_penalty != null) g.presencePenalty = params.presence_penalty;
  if (params.frequency_penalty != null) g.frequencyPenalty = params.frequency_penalty;
  const rf = params.response_format;
  if (rf?.type === 'json_object') g.responseMimeType = 'application/json';
  if (rf?.type === 'json_schema') {
    g.responseMimeType = 'application/json';
    if (rf.json_schema.schema) g.responseSchema = toGeminiResponseSchema(rf.json_schema.schema);
  }
  const thinking = asRecord((params as { thinkingConfig?: unknown }).thinkingConfig) ?? thinkingConfig(params, model);
  if (thinking) g.thinkingConfig = thinking;
  const native = asRecord((params as { generationConfig?: unknown }).generationConfig);
  if (native) Object.assign(g, native);
  return g;
}

export function encodeGeminiRequest(params: ChatCompletionCreateParams, d: Deployment): Json {
  rejectShapeParams(params, PROVIDER, { n: true });
  const { system, contents } = encodeContents(params.messages, d.model);
  const body: Json = { contents };
  if (system.length) body.systemInstruction = { parts: system };
  if (params.tools?.length) {
    body.tools = [{ functionDeclarations: params.tools.map(encodeTool) }];
    const fcc = encodeToolChoice(params.tool_choice);
    if (fcc) body.toolConfig = { functionCallingConfig: fcc };
  }
  const g = generationConfig(params, d.model);
  if (Object.keys(g).length) body.generationConfig = g;
  copyNative(params as Record<string, unknown>, body, ['safetySettings', 'cachedContent', 'labels']);
  return body;
}
