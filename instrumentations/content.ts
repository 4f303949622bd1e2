/**
 * Content capture (off by default): turns request messages and answers into the GenAI message
 * format (`gen_ai.input.messages` / `gen_ai.output.messages`), OpenInference `input.value` /
 * `output.value` and `llm.{input,output}_messages.*`. Every text goes through the redaction hook
 * and the size cap. Tool *names* are not content: `toolNames()` is used whether capture is on or off.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_INPUT_MIME_TYPE,
  ATTR_INPUT_VALUE,
  ATTR_OUTPUT_MIME_TYPE,
  ATTR_OUTPUT_VALUE,
  embeddingAttr,
  llmMessageAttr,
  llmToolCallAttr,
  llmToolSchemaAttr,
} from '../semconv/index.js';
import type { ContentKind, ResolvedConfig } from './config.js';

export const REDACTION_FAILED = '[redaction failed]';

/**
 * `gen_ai.provider.name`s of the APIs that take system instructions apart from the chat history
 * (Anthropic Messages `system`, Gemini `systemInstruction`, Bedrock Converse `system`): their
 * system and developer messages go to `gen_ai.system_instructions`, not `gen_ai.input.messages`.
 */
const SEPARATE_INSTRUCTIONS: ReadonlySet<string> = new Set(['anthropic', 'gcp.gemini', 'gcp.vertex_ai', 'gcp.gen_ai', 'aws.bedrock']);

const isInstruction = (m: unknown): boolean => isRec(m) && (m.role === 'system' || m.role === 'developer');

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies the redaction hook and the cap to one text. */
export class TextFilter {
  constructor(private readonly cfg: ResolvedConfig) {}

  text(value: string, kind: ContentKind): string {
    let v = value;
    if (this.cfg.redact) {
      try {
        const r = this.cfg.redact(v, kind);
        v = typeof r === 'string' ? r : REDACTION_FAILED;
      } catch {
        v = REDACTION_FAILED;
      }
    }
    const max = this.cfg.maxContentLength;
    return v.length > max ? `${v.slice(0, max)}…[truncated ${v.length - max} chars]` : v;
  }
}

type Part = Rec & { type: string };

interface GenAiMessage {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

/** Tool calls of an OpenAI message (`tool_calls` with `function`). */
function toolCallsOf(message: Rec): { id?: string; name: string; arguments: string }[] {
  const calls = message.tool_calls;
  if (!Array.isArray(calls)) return [];
  const out: { id?: string; name: string; arguments: string }[] = [];
  for (const c of calls) {
    if (!isRec(c)) continue;
    const fn = isRec(c.function) ? c.function : isRec(c.custom) ? c.custom : undefined;
    const name = fn && typeof fn.name === 'string' ? fn.name : '';
    const args = fn && typeof fn.arguments === 'string' ? fn.arguments : fn && typeof fn.input === 'string' ? fn.input : '';
    out.push({ ...(typeof c.id === 'string' ? { id: c.id } : {}), name, arguments: args });
  }
  return out;
}

/** Names of the tools the model chose, over all choices, in order. */
export function toolNames(completion: unknown): string[] {
  if (!isRec(completion) || !Array.isArray(completion.choices)) return [];
  const names: string[] = [];
  for (const choice of completion.choices) {
    if (!isRec(choice) || !isRec(choice.message)) continue;
    for (const call of toolCallsOf(choice.message)) if (call.name) names.push(call.name);
  }
  return names;
}

/** Names of the tools offered in a chat request. */
export function requestToolNames(params: Readonly<Rec>): string[] {
  const tools = params.tools;
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const t of tools) {
    if (!isRec(t)) continue;
    const fn = isRec(t.function) ? t.function : isRec(t.custom) ? t.custom : undefined;
    if (fn && typeof fn.name === 'string') names.push(fn.name);
  }
  return names;
}

/** Text of an OpenAI `content` (string, or array of parts: text parts joined). */
function plainText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.filter((p): p is Rec => isRec(p) && p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string);
    return texts.length ? texts.join('') : undefined;
  }
  return undefined;
}

/**
 * A finish reason in the GenAI output-messages schema: its well-known values are stop, length,
 * content_filter, tool_call and error, so OpenAI's `tool_calls` (and the legacy `function_call`)
 * become `tool_call`; any other value is kept as the provider gave it.
 */
export function outputFinishReason(reason: string): string {
  return reason === 'tool_calls' || reason === 'function_call' ? 'tool_call' : reason;
}

function parseArgs(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

export class ContentMapper {
  private readonly filter: TextFilter;

  constructor(cfg: ResolvedConfig) {
    this.filter = new TextFilter(cfg);
  }

  private contentParts(content: unknown, kind: ContentKind): Part[] {
    if (typeof content === 'string') return [{ type: 'text', content: this.filter.text(content, kind) }];
    if (!Array.isArray(content)) return [];
    const parts: Part[] = [];
    for (const p of content) {
      if (!isRec(p) || typeof p.type !== 'string') continue;
      if (p.type === 'text' && typeof p.text === 'string') parts.push({ type: 'text', content: this.filter.text(p.text, kind) });
      else if (p.type === 'image_url' && isRec(p.image_url) && typeof p.image_url.url === 'string') {
        const url = p.image_url.url;
        // Inline images are not recorded (size); their presence is.
        parts.push(url.startsWith('data:') ? { type: 'blob', modality: 'image', mime_type: url.slice(5, url.indexOf(';')) || null, content: '' } : { type: 'uri', modality: 'image', uri: url });
      } else if (p.type === 'input_audio') parts.push({ type: 'blob', modality: 'audio', content: '' });
      else if (p.type === 'refusal' && typeof p.refusal === 'string') parts.push({ type: 'text', content: this.filter.text(p.refusal, kind) });
      else parts.push({ type: p.type });
    }
    return parts;
  }

  private toolCallParts(message: Rec, kind: ContentKind): Part[] {
    return toolCallsOf(message).map((c) => ({
      type: 'tool_call',
      ...(c.id !== undefined ? { id: c.id } : {}),
      name: c.name,
      arguments: parseArgs(this.filter.text(c.arguments, kind)),
    }));
  }

  /** Request messages in the GenAI format. */
  inputMessages(messages: unknown): GenAiMessage[] {
    if (!Array.isArray(messages)) return [];
    const out: GenAiMessage[] = [];
    for (const m of messages) {
      if (!isRec(m) || typeof m.role !== 'string') continue;
      const msg: GenAiMessage = { role: m.role, parts: [] };
      if (typeof m.name === 'string') msg.name = m.name;
      if (m.role === 'tool') {
        const text = plainText(m.content);
        msg.parts.push({
          type: 'tool_call_response',
          ...(typeof m.tool_call_id === 'string' ? { id: m.tool_call_id } : {}),
          response: text === undefined ? null : this.filter.text(text, 'input'),
        });
      } else {
        msg.parts.push(...this.contentParts(m.content, 'input'));
        msg.parts.push(...this.toolCallParts(m, 'input'));
      }
      out.push(msg);
    }
    return out;
  }

  /** Answer choices in the GenAI format. */
  outputMessages(completion: unknown): GenAiMessage[] {
    if (!isRec(completion) || !Array.isArray(completion.choices)) return [];
    const out: GenAiMessage[] = [];
    for (const choice of completion.choices) {
      if (!isRec(choice) || !isRec(choice.message)) continue;
      const m = choice.message;
      const parts: Part[] = [];
      if (typeof m.reasoning_content === 'string' && m.reasoning_content) {
        parts.push({ type: 'reasoning', content: this.filter.text(m.reasoning_content, 'output') });
      }
      parts.push(...this.contentParts(m.content, 'output'));
      if (typeof m.refusal === 'string' && m.refusal) parts.push({ type: 'text', content: this.filter.text(m.refusal, 'output') });
      parts.push(...this.toolCallParts(m, 'output'));
      const msg: GenAiMessage = { role: typeof m.role === 'string' ? m.role : 'assistant', parts };
      if (typeof choice.finish_reason === 'string') msg.finish_reason = outputFinishReason(choice.finish_reason);
      out.push(msg);
    }
    return out;
  }

  /** Content attributes of a model call's CLIENT span at its start (router attempt or SDK call). */
  requestAttributes(operation: 'chat' | 'embeddings', params: Readonly<Rec>, genAiProvider: string): Attributes {
    return operation === 'chat' ? this.chatInputAttributes(params, genAiProvider) : this.embeddingInputAttributes(params);
  }

  /** Content attributes of a model call's CLIENT span once it answered. */
  responseAttributes(operation: 'chat' | 'embeddings', result: unknown): Attributes {
    return operation === 'chat' ? this.chatOutputAttributes(result) : this.embeddingOutputAttributes(result);
  }

  /** Attributes for the request side of a chat attempt span. */
  chatInputAttributes(params: Readonly<Rec>, genAiProvider?: string): Attributes {
    const all: unknown[] = Array.isArray(params.messages) ? params.messages : [];
    const separate = genAiProvider !== undefined && SEPARATE_INSTRUCTIONS.has(genAiProvider);
    const attrs: Attributes = {
      [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify(this.inputMessages(separate ? all.filter((m) => !isInstruction(m)) : all)),
      ...this.inputValue(params),
    };
    if (separate) {
      const parts = all.filter(isInstruction).flatMap((m) => this.contentParts((m as Rec).content, 'input'));
      if (parts.length) attrs[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(parts);
    }
    Object.assign(attrs, this.openInferenceMessages('input', params.messages, 'input'));
    if (Array.isArray(params.tools)) {
      params.tools.forEach((t, i) => {
        if (isRec(t)) attrs[llmToolSchemaAttr(i)] = this.filter.text(JSON.stringify(t), 'input');
      });
    }
    return attrs;
  }

  /** `input.value` and OpenInference `embedding.embeddings.<i>.embedding.text` of an embeddings request (string inputs). */
  embeddingInputAttributes(params: Readonly<Rec>): Attributes {
    const attrs: Attributes = this.inputValue(params);
    const input = params.input;
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((x) => typeof x === 'string') ? (input as string[]) : [];
    texts.forEach((text, i) => {
      attrs[embeddingAttr(i, 'text')] = this.filter.text(text, 'input');
    });
    return attrs;
  }

  /** OpenInference `embedding.embeddings.<i>.embedding.vector` of an embeddings answer (float vectors only). */
  embeddingOutputAttributes(result: unknown): Attributes {
    const attrs: Attributes = {};
    const data = isRec(result) ? result.data : undefined;
    if (!Array.isArray(data)) return attrs;
    data.forEach((d, i) => {
      if (!isRec(d) || !Array.isArray(d.embedding) || !d.embedding.every((x) => typeof x === 'number')) return;
      attrs[embeddingAttr(typeof d.index === 'number' ? d.index : i, 'vector')] = d.embedding as number[];
    });
    return attrs;
  }

  /** `input.value` for a call or attempt: the messages (chat) or input (embeddings), OpenAI shape. */
  inputValue(params: Readonly<Rec>): Attributes {
    let value: unknown;
    if (Array.isArray(params.messages)) {
      value = params.messages.map((m) => {
        if (!isRec(m)) return m;
        const copy: Rec = { ...m };
        const text = plainText(m.content);
        if (text !== undefined) copy.content = this.filter.text(text, 'input');
        else if (m.content !== undefined) copy.content = this.contentParts(m.content, 'input');
        if (Array.isArray(m.tool_calls)) {
          copy.tool_calls = toolCallsOf(m).map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: this.filter.text(c.arguments, 'input') } }));
        }
        return copy;
      });
      value = { messages: value };
    } else if (params.input !== undefined) {
      const input = params.input;
      value = {
        input: typeof input === 'string' ? this.filter.text(input, 'input') : Array.isArray(input) ? input.map((x) => (typeof x === 'string' ? this.filter.text(x, 'input') : x)) : input,
      };
    } else return {};
    return { [ATTR_INPUT_VALUE]: JSON.stringify(value), [ATTR_INPUT_MIME_TYPE]: 'application/json' };
  }

  /** Attributes for the answer side of a chat attempt span. */
  chatOutputAttributes(completion: unknown): Attributes {
    if (!isRec(completion) || !Array.isArray(completion.choices)) return {};
    const attrs: Attributes = {
      [ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(this.outputMessages(completion)),
      ...this.outputValue(completion),
    };
    const messages = completion.choices.map((c) => (isRec(c) ? c.message : undefined));
    Object.assign(attrs, this.openInferenceMessages('output', messages, 'output'));
    return attrs;
  }

  /** `output.value`: the first choice's text, or its tool calls as JSON when it has no text. */
  outputValue(completion: unknown): Attributes {
    if (!isRec(completion) || !Array.isArray(completion.choices)) return {};
    const first = completion.choices[0];
    if (!isRec(first) || !isRec(first.message)) return {};
    const text = plainText(first.message.content);
    if (text !== undefined && text !== '') return { [ATTR_OUTPUT_VALUE]: this.filter.text(text, 'output'), [ATTR_OUTPUT_MIME_TYPE]: 'text/plain' };
    const calls = toolCallsOf(first.message);
    if (calls.length === 0) return {};
    const value = calls.map((c) => ({ name: c.name, arguments: parseArgs(this.filter.text(c.arguments, 'output')) }));
    return { [ATTR_OUTPUT_VALUE]: JSON.stringify(value), [ATTR_OUTPUT_MIME_TYPE]: 'application/json' };
  }

  private openInferenceMessages(direction: 'input' | 'output', messages: unknown, kind: ContentKind): Attributes {
    const attrs: Attributes = {};
    if (!Array.isArray(messages)) return attrs;
    messages.forEach((m, i) => {
      if (!isRec(m)) return;
      attrs[llmMessageAttr(direction, i, 'role')] = typeof m.role === 'string' ? m.role : 'assistant';
      const text = plainText(m.content);
      if (text !== undefined) attrs[llmMessageAttr(direction, i, 'content')] = this.filter.text(text, kind);
      if (typeof m.tool_call_id === 'string') attrs[llmMessageAttr(direction, i, 'tool_call_id')] = m.tool_call_id;
      toolCallsOf(m).forEach((c, j) => {
        if (c.id !== undefined) attrs[llmToolCallAttr(direction, i, j, 'id')] = c.id;
        attrs[llmToolCallAttr(direction, i, j, 'function.name')] = c.name;
        attrs[llmToolCallAttr(direction, i, j, 'function.arguments')] = this.filter.text(c.arguments, kind);
      });
    });
    return attrs;
  }
}
