/**
 * Gemini GenerateContentResponse → OpenAI ChatCompletion, plus the mappings the stream decoder
 * shares: finishReason, usage, tool-call ids, and the blocked-prompt check.
 *
 * - each candidate → a choice; text parts → `content`, thought parts → `reasoning_content`,
 *   functionCall parts → `tool_calls` (Gemini has no call ids, or an optional `id`: missing ones
 *   are derived from the response id, so they are stable for one response), the part's
 *   thoughtSignature → `extra_content.google.thought_signature` on the tool call;
 * - usage: Gemini's candidatesTokenCount excludes thoughts, so completion_tokens =
 *   candidates + thoughts (reasoning_tokens = thoughts) and prompt_tokens = prompt + tool-use
 *   prompt; cachedContentTokenCount → cached_tokens;
 * - a prompt blocked before any candidate (`promptFeedback.blockReason`) → ContentPolicyError.
 */
import { ContentPolicyError } from '../../errors.js';
import type { ChatCompletion, FinishReason, Usage } from '../../wire/chat-response.js';
import { argumentsText, asArray, asRecord, asString, invalidResponse, type Json } from '../decode-util.js';
import type { AdapterContext } from '../types.js';
import { buildUsage, count } from '../usage.js';

const FINISH_REASONS: Record<string, FinishReason> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
};

/** Maps a finishReason; STOP with function calls is `tool_calls`. Unknown values (OTHER, MALFORMED_FUNCTION_CALL...) → stop. */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  const mapped = (reason && FINISH_REASONS[reason]) || 'stop';
  return mapped === 'stop' && hasToolCalls ? 'tool_calls' : mapped;
}

/** True when a usageMetadata object carries token counts (stream chunks may carry only `trafficType`). */
export function hasTokenCounts(u: Json | undefined): boolean {
  return !!u && (count(u.promptTokenCount) !== undefined || count(u.candidatesTokenCount) !== undefined || count(u.totalTokenCount) !== undefined);
}

export function geminiUsage(u: Json | undefined): Usage | undefined {
  if (!hasTokenCounts(u)) return undefined;
  const m = u as Json;
  const thoughts = count(m.thoughtsTokenCount);
  const prompt = (count(m.promptTokenCount) ?? 0) + (count(m.toolUsePromptTokenCount) ?? 0);
  const completion = (count(m.candidatesTokenCount) ?? 0) + (thoughts ?? 0);
  return buildUsage({
    prompt,
    completion,
    total: count(m.totalTokenCount) ?? prompt + completion,
    cachedRead: count(m.cachedContentTokenCount),
    reasoning: thoughts,
  });
}

/** A tool-call id for a Gemini function call: its own `id`, else derived from the response id. */
export function toolCallId(fc: Json, responseId: string, candidate: number, index: number): string {
  const own = asString(fc.id);
  if (own) return own;
  const base = responseId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'gemini';
  return `call_${base}_${candidate}_${index}`;
}

export function signatureExtra(part: Json): Record<string, unknown> | undefined {
  const sig = asString(part.thoughtSignature);
  return sig ? { extra_content: { google: { thought_signature: sig } } } : undefined;
}

/** Throws ContentPolicyError when the prompt was blocked and no candidate came back. */
export function checkPromptBlocked(body: Json, ctx: AdapterContext): void {
  const reason = asString(asRecord(body.promptFeedback)?.blockReason);
  if (!reason || asArray(body.candidates).length > 0) return;
  const d = ctx.deployment;
  throw new ContentPolicyError(`${d.provider}: the prompt was blocked (${reason})`, {
    provider: d.provider,
    deployment: d.id,
    model: d.model,
    code: 'content_policy_violation',
    providerError: body.promptFeedback,
  });
}

type ResponseToolCall = NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']>[number];

export function decodeGeminiResponse(body: unknown, ctx: AdapterContext): ChatCompletion {
  const obj = asRecord(body);
  if (!obj || (obj.candidates !== undefined && !Array.isArray(obj.candidates))) throw invalidResponse(ctx, 'returned a body that is not a GenerateContentResponse', body);
  checkPromptBlocked(obj, ctx);
  const responseId = asString(obj.responseId) ?? '';
  const choices = asArray(obj.candidates).map((raw, i): ChatCompletion['choices'][number] => {
    const cand = asRecord(raw) ?? {};
    const index = count(cand.index) ?? i;
    let text: string | null = null;
    let reasoning: string | undefined;
    const toolCalls: ResponseToolCall[] = [];
    for (const p of asArray(asRecord(cand.content)?.parts)) {
      const part = asRecord(p);
      if (!part) continue;
      if (typeof part.text === 'string') {
        if (part.thought === true) reasoning = (reasoning ?? '') + part.text;
        else text = (text ?? '') + part.text;
      }
      const fc = asRecord(part.functionCall);
      if (fc) {
        const call: ResponseToolCall = {
          id: toolCallId(fc, responseId, index, toolCalls.length),
          type: 'function',
          function: { name: asString(fc.name) ?? '', arguments: argumentsText(fc.args) },
          ...signatureExtra(part),
        };
        toolCalls.push(call);
      }
    }
    const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text, refusal: null };
    if (reasoning !== undefined) message.reasoning_content = reasoning;
    if (toolCalls.length) message.tool_calls = toolCalls;
    const native = asString(cand.finishReason);
    const choice: ChatCompletion['choices'][number] = {
      index,
      message,
      finish_reason: native ? mapFinishReason(native, toolCalls.length > 0) : toolCalls.length ? 'tool_calls' : 'stop',
      logprobs: null,
    };
    if (native) (choice as Json).native_finish_reason = native;
    return choice;
  });
  return {
    id: responseId,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: asString(obj.modelVersion) || ctx.deployment.model,
    choices,
    usage: geminiUsage(asRecord(obj.usageMetadata)) ?? null,
  };
}
