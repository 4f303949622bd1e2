/**
 * Anthropic Messages request → the chat shape the span mapping reads: `system` and content blocks
 * become messages (text, `tool_use` as tool calls, `tool_result` as tool messages), sampling
 * parameters keep their meaning (`stop_sequences` → `stop`), tools keep their names.
 */
import { blocksText, isRec, type Rec } from './util.js';


export function anthropicMessages(system: unknown, messages: unknown): Rec[] {
  const out: Rec[] = [];
  const sys = blocksText(system);
  if (sys !== undefined) out.push({ role: 'system', content: sys });
  for (const m of Array.isArray(messages) ? messages : []) {
    if (!isRec(m) || typeof m.role !== 'string') continue;
    if (typeof m.content === 'string') {
      out.push({ role: m.role, content: m.content });
      continue;
    }
    const blocks = Array.isArray(m.content) ? m.content.filter(isRec) : [];
    const toolCalls = blocks
      .filter((b) => b.type === 'tool_use')
      .map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }));
    for (const r of blocks.filter((b) => b.type === 'tool_result')) out.push({ role: 'tool', tool_call_id: r.tool_use_id, content: blocksText(r.content) ?? '' });
    const text = blocksText(blocks);
    if (text !== undefined || toolCalls.length) out.push({ role: m.role, content: text ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
  }
  return out;
}

export function anthropicParams(body: Rec): Rec {
  const out: Rec = { model: body.model, messages: anthropicMessages(body.system, body.messages) };
  for (const k of ['max_tokens', 'temperature', 'top_p']) if (body[k] != null) out[k] = body[k];
  if (Array.isArray(body.stop_sequences)) out.stop = body.stop_sequences;
  if (isRec(body.tool_choice)) out.tool_choice = body.tool_choice.type;
  if (Array.isArray(body.tools)) out.tools = body.tools.filter((t): t is Rec => isRec(t) && typeof t.name === 'string').map((t) => ({ type: 'function', function: { name: t.name } }));
  return out;
}
