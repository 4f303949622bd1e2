/**
 * Bedrock Converse input → the chat shape the span mapping reads: `system` and content blocks
 * become messages (`toolUse` as tool calls, `toolResult` as tool messages), `inferenceConfig`
 * its chat names, `toolConfig` tools their names.
 */
import { blocksText, isRec, type Rec } from './util.js';


export function converseParams(input: Rec): Rec {
  const messages: Rec[] = [];
  const system = blocksText(input.system);
  if (system !== undefined) messages.push({ role: 'system', content: system });
  for (const m of Array.isArray(input.messages) ? input.messages : []) {
    if (!isRec(m) || typeof m.role !== 'string') continue;
    const blocks = Array.isArray(m.content) ? m.content.filter(isRec) : [];
    for (const b of blocks) {
      if (!isRec(b.toolResult)) continue;
      const r = b.toolResult;
      messages.push({ role: 'tool', tool_call_id: r.toolUseId, content: blocksText(r.content) ?? (Array.isArray(r.content) ? JSON.stringify(r.content) : '') });
    }
    const calls = blocks
      .filter((b) => isRec(b.toolUse))
      .map((b) => {
        const u = b.toolUse as Rec;
        return { id: u.toolUseId, type: 'function', function: { name: u.name, arguments: JSON.stringify(u.input ?? {}) } };
      });
    const text = blocksText(blocks);
    if (text !== undefined || calls.length) messages.push({ role: m.role, content: text ?? null, ...(calls.length ? { tool_calls: calls } : {}) });
  }
  const out: Rec = { model: input.modelId, messages };
  const cfg = isRec(input.inferenceConfig) ? input.inferenceConfig : {};
  if (cfg.maxTokens != null) out.max_tokens = cfg.maxTokens;
  if (cfg.temperature != null) out.temperature = cfg.temperature;
  if (cfg.topP != null) out.top_p = cfg.topP;
  if (Array.isArray(cfg.stopSequences)) out.stop = cfg.stopSequences;
  const tools = isRec(input.toolConfig) && Array.isArray(input.toolConfig.tools) ? input.toolConfig.tools : [];
  const names = tools.filter((t): t is Rec => isRec(t) && isRec(t.toolSpec) && typeof t.toolSpec.name === 'string').map((t) => (t.toolSpec as Rec).name as string);
  if (names.length) out.tools = names.map((name) => ({ type: 'function', function: { name } }));
  return out;
}
