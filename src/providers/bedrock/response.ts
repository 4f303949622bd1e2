/**
 * Bedrock Converse response → OpenAI ChatCompletion, plus the mappings the stream decoder shares.
 *
 * - `text` blocks → content; `reasoningContent.reasoningText` → reasoning_content and
 *   `thinking_blocks` (with signatures; redacted reasoning too); `toolUse` → tool_calls (the
 *   response_format tool's input → JSON content);
 * - stopReason: end_turn / stop_sequence → stop, max_tokens / model_context_window_exceeded →
 *   length, tool_use → tool_calls, guardrail_intervened / content_filtered → content_filter;
 * - usage: inputTokens excludes cache reads and writes, so prompt_tokens = input + cacheRead +
 *   cacheWrite, with both cache figures in prompt_tokens_details.
 * Converse answers carry no id; one is generated.
 */
import { randomUUID } from 'node:crypto';
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
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export function mapStopReason(reason: string | undefined): FinishReason {
  return (reason && STOP_REASONS[reason]) || 'stop';
}

export function bedrockUsage(u: Json | undefined): Usage | undefined {
  if (!u) return undefined;
  const input = count(u.inputTokens) ?? 0;
  const cacheRead = count(u.cacheReadInputTokens) ?? count(u.cacheReadInputTokenCount) ?? 0;
  const cacheWrite = count(u.cacheWriteInputTokens) ?? count(u.cacheWriteInputTokenCount) ?? 0;
  return buildUsage({ prompt: input + cacheRead + cacheWrite, completion: count(u.outputTokens) ?? 0, cachedRead: cacheRead, cacheWrite });
}

export function newResponseId(): string {
  return `chatcmpl-bedrock-${randomUUID()}`;
}

type ResponseToolCall = NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']>[number];

export function decodeConverseResponse(body: unknown, ctx: AdapterContext, jsonTool: string | undefined): ChatCompletion {
  const obj = asRecord(body);
  const msg = asRecord(asRecord(obj?.output)?.message);
  if (!obj || !msg || !Array.isArray(msg.content)) throw invalidResponse(ctx, 'returned a body that is not a Converse response', body);
  let text: string | null = null;
  let reasoning: string | undefined;
  let jsonText: string | undefined;
  const thinkingBlocks: Json[] = [];
  const toolCalls: ResponseToolCall[] = [];
  for (const raw of asArray(msg.content)) {
    const block = asRecord(raw);
    if (!block) continue;
    if (typeof block.text === 'string') text = (text ?? '') + block.text;
    const rc = asRecord(block.reasoningContent);
    if (rc) {
      const rt = asRecord(rc.reasoningText);
      if (rt) {
        reasoning = (reasoning ?? '') + (asString(rt.text) ?? '');
        thinkingBlocks.push({ type: 'thinking', thinking: asString(rt.text) ?? '', signature: asString(rt.signature) ?? '' });
      } else if (typeof rc.redactedContent === 'string') thinkingBlocks.push({ type: 'redacted_thinking', data: rc.redactedContent });
    }
    const tu = asRecord(block.toolUse);
    if (tu) {
      const name = asString(tu.name) ?? '';
      if (jsonTool !== undefined && name === jsonTool) jsonText = (jsonText ?? '') + argumentsText(tu.input);
      else toolCalls.push({ id: asString(tu.toolUseId) ?? '', type: 'function', function: { name, arguments: argumentsText(tu.input) } });
    }
  }
  const stopReason = asString(obj.stopReason);
  let finish = mapStopReason(stopReason);
  if (jsonText !== undefined) {
    text = jsonText;
    if (toolCalls.length === 0 && finish === 'tool_calls') finish = 'stop';
  }
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text, refusal: null };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (thinkingBlocks.length) (message as Json).thinking_blocks = thinkingBlocks;
  if (toolCalls.length) message.tool_calls = toolCalls;
  const choice: ChatCompletion['choices'][number] = { index: 0, message, finish_reason: finish, logprobs: null };
  if (stopReason) (choice as Json).native_finish_reason = stopReason;
  return {
    id: newResponseId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: ctx.deployment.model,
    choices: [choice],
    usage: bedrockUsage(asRecord(obj.usage)) ?? null,
  };
}
