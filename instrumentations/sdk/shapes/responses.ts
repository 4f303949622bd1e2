/**
 * OpenAI Responses API ↔ the chat shape the span mapping reads: request `input`/`instructions`
 * become messages, `max_output_tokens` becomes `max_tokens`, function tools keep their names;
 * a `Response` becomes a completion (text of `message` items, `function_call` items as tool
 * calls, `status` as finish reason) with chat-style usage (cached and reasoning tokens included).
 */
import { blocksText, isRec, type Rec } from './util.js';
import type { Usage } from '../../../src/wire/chat-response.js';



export function responsesParams(body: Rec): Rec {
  const messages: Rec[] = [];
  if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
  const input = body.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRec(item)) continue;
      if (item.type === 'function_call_output') messages.push({ role: 'tool', tool_call_id: item.call_id, content: typeof item.output === 'string' ? item.output : JSON.stringify(item.output) });
      else if (item.type === 'function_call') messages.push({ role: 'assistant', content: null, tool_calls: [{ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }] });
      else if (typeof item.role === 'string') messages.push({ role: item.role, content: blocksText(item.content) ?? '' });
    }
  }
  const out: Rec = { model: body.model, messages };
  for (const k of ['temperature', 'top_p', 'parallel_tool_calls', 'tool_choice']) if (body[k] != null) out[k] = body[k];
  if (body.max_output_tokens != null) out.max_tokens = body.max_output_tokens;
  const effort = isRec(body.reasoning) ? body.reasoning.effort : undefined;
  if (typeof effort === 'string') out.reasoning_effort = effort;
  const format = isRec(body.text) && isRec(body.text.format) ? body.text.format.type : undefined;
  if (format === 'json_schema' || format === 'json_object' || format === 'text') out.response_format = { type: format };
  if (Array.isArray(body.tools)) {
    out.tools = body.tools.filter((t): t is Rec => isRec(t) && typeof t.name === 'string').map((t) => ({ type: 'function', function: { name: t.name } }));
  }
  return out;
}

export function responsesUsage(u: unknown): Usage | undefined {
  if (!isRec(u)) return undefined;
  const input = typeof u.input_tokens === 'number' ? u.input_tokens : 0;
  const output = typeof u.output_tokens === 'number' ? u.output_tokens : 0;
  const usage: Usage = { prompt_tokens: input, completion_tokens: output, total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : input + output };
  const cached = isRec(u.input_tokens_details) ? u.input_tokens_details.cached_tokens : undefined;
  const reasoning = isRec(u.output_tokens_details) ? u.output_tokens_details.reasoning_tokens : undefined;
  if (typeof cached === 'number' && cached > 0) usage.prompt_tokens_details = { cached_tokens: cached };
  if (typeof reasoning === 'number' && reasoning > 0) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

/** A `Response` object as a chat completion. */
export function responseAsCompletion(r: unknown): Rec | undefined {
  if (!isRec(r)) return undefined;
  let text: string | null = null;
  const toolCalls: Rec[] = [];
  for (const item of Array.isArray(r.output) ? r.output : []) {
    if (!isRec(item)) continue;
    if (item.type === 'message') {
      const t = blocksText(item.content);
      if (t !== undefined) text = (text ?? '') + t;
    } else if (item.type === 'function_call') {
      toolCalls.push({ id: item.call_id, type: 'function', function: { name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' } });
    }
  }
  const incomplete = r.status === 'incomplete';
  const finish = toolCalls.length ? 'tool_calls' : incomplete ? 'length' : r.status === 'failed' ? 'error' : 'stop';
  const message: Rec = { role: 'assistant', content: text };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return { id: r.id, object: 'chat.completion', model: r.model, choices: [{ index: 0, message, finish_reason: finish }], usage: responsesUsage(r.usage) ?? null };
}
