/**
 * Chat completion → Anthropic `Message`: content blocks `thinking` (with the provider's
 * signature when it has one, else an empty signature), `redacted_thinking`, `text`,
 * `tool_use` (arguments parsed into `input`); `stop_reason` from the finish reason; usage with
 * `input_tokens` excluding cache reads and writes, as Anthropic counts them.
 */
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, FinishReason, Usage } from '../chat-response.js';

type Json = Record<string, unknown>;

export function newMessageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

export function stopReason(finish: FinishReason | null | undefined): string {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export function messagesUsage(u: Usage | null | undefined): Json {
  if (!u) return { input_tokens: 0, output_tokens: 0 };
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const written = u.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, u.prompt_tokens - cached - written),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
    output_tokens: u.completion_tokens,
  };
}

/** Tool arguments as JSON text → the `input` object (a non-object becomes `{}` with the text kept). */
export function toolInput(args: string): Json {
  if (!args.trim()) return {};
  try {
    const v: unknown = JSON.parse(args);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : { value: v };
  } catch {
    return { _raw_arguments: args };
  }
}

/** The thinking blocks of a message: the provider's own (signed), else its reasoning text unsigned. */
export function thinkingBlocks(reasoning: string | null | undefined, blocks: unknown): Json[] {
  if (Array.isArray(blocks) && blocks.length) {
    return (blocks as Json[]).filter((b) => b && (b.type === 'thinking' || b.type === 'redacted_thinking'));
  }
  return reasoning ? [{ type: 'thinking', thinking: reasoning, signature: '' }] : [];
}

export function chatToMessage(completion: ChatCompletion, model: string, id = newMessageId()): Json {
  const choice = completion.choices[0];
  const m = choice?.message;
  const content: Json[] = thinkingBlocks(m?.reasoning_content, (m as { thinking_blocks?: unknown } | undefined)?.thinking_blocks);
  if (m?.content) content.push({ type: 'text', text: m.content });
  if (m?.refusal) content.push({ type: 'text', text: m.refusal });
  for (const tc of m?.tool_calls ?? []) content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: toolInput(tc.function.arguments) });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: messagesUsage(completion.usage),
  };
}
