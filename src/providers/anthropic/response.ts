/**
 * Anthropic Message → OpenAI ChatCompletion, plus the mappings the stream decoder shares:
 * stop_reason → finish_reason and usage.
 *
 * - text blocks → `content` (concatenated as they stream);
 * - thinking blocks → `reasoning_content`, and with their signatures (and redacted thinking) as
 *   `thinking_blocks`, which the request encoder accepts back;
 * - `tool_use` → `tool_calls` (`arguments` is the input as JSON text); the response_format tool's
 *   input becomes the JSON text `content` instead (preamble text is then dropped);
 * - server tools (`server_tool_use`, `*_tool_result`) ran on Anthropic's side: not tool calls.
 * - usage: prompt_tokens = input + cache_read + cache_creation; the cache figures in details.
 */
import type { ChatCompletion, FinishReason, Usage } from '../../wire/chat-response.js';
import { argumentsText, asArray, asRecord, asString, invalidResponse, type Json } from '../decode-util.js';
import type { AdapterContext } from '../types.js';
import { buildUsage, count } from '../usage.js';

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  // A server-tool turn paused by Anthropic (long web search / code execution): send the answer back
  // as an assistant turn to let it continue. The caller sees `stop` with native `pause_turn`.
  pause_turn: 'stop',
};

export function mapStopReason(reason: string | null | undefined): FinishReason {
  return (reason && STOP_REASONS[reason]) || 'stop';
}

export function anthropicUsage(u: Json | undefined): Usage | undefined {
  if (!u) return undefined;
  const input = count(u.input_tokens) ?? 0;
  const cacheRead = count(u.cache_read_input_tokens) ?? 0;
  const cacheWrite = count(u.cache_creation_input_tokens) ?? 0;
  const reasoning = count(asRecord(u.output_tokens_details)?.thinking_tokens);
  return buildUsage({
    prompt: input + cacheRead + cacheWrite,
    completion: count(u.output_tokens) ?? 0,
    cachedRead: cacheRead,
    cacheWrite,
    reasoning: reasoning || undefined,
  });
}

export function decodeAnthropicMessage(body: unknown, ctx: AdapterContext, jsonTool: string | undefined): ChatCompletion {
  const msg = asRecord(body);
  if (!msg || !Array.isArray(msg.content)) throw invalidResponse(ctx, 'returned a body that is not a message', body);
  let text = '';
  let hasText = false;
  let reasoning: string | undefined;
  let jsonText: string | undefined;
  const thinkingBlocks: Json[] = [];
  const toolCalls: NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']> = [];
  for (const raw of asArray(msg.content)) {
    const block = asRecord(raw);
    if (!block) continue;
    switch (block.type) {
      case 'text':
        text += asString(block.text) ?? '';
        hasText = true;
        break;
      case 'thinking':
        reasoning = (reasoning ?? '') + (asString(block.thinking) ?? '');
        thinkingBlocks.push({ type: 'thinking', thinking: asString(block.thinking) ?? '', signature: asString(block.signature) ?? '' });
        break;
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: asString(block.data) ?? '' });
        break;
      case 'tool_use': {
        const name = asString(block.name) ?? '';
        if (jsonTool !== undefined && name === jsonTool) jsonText = (jsonText ?? '') + argumentsText(block.input);
        else toolCalls.push({ id: asString(block.id) ?? '', type: 'function', function: { name, arguments: argumentsText(block.input) } });
        break;
      }
      default:
        break; // server tools and their results ran on Anthropic's side
    }
  }
  const stopReason = asString(msg.stop_reason);
  let finish = mapStopReason(stopReason);
  let content: string | null = hasText ? text : null;
  if (jsonText !== undefined) {
    content = jsonText;
    if (toolCalls.length === 0 && finish === 'tool_calls') finish = 'stop';
  }
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content, refusal: null };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (thinkingBlocks.length) (message as Json).thinking_blocks = thinkingBlocks;
  if (toolCalls.length) message.tool_calls = toolCalls;
  const choice: ChatCompletion['choices'][number] = { index: 0, message, finish_reason: finish, logprobs: null };
  if (stopReason) (choice as Json).native_finish_reason = stopReason;
  const out: ChatCompletion = {
    id: asString(msg.id) ?? '',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: asString(msg.model) || ctx.deployment.model,
    choices: [choice],
    usage: anthropicUsage(asRecord(msg.usage)) ?? null,
  };
  return out;
}
