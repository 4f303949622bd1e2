/**
 * Finding the JSON in an answer. Models often wrap JSON in a Markdown code fence; the rule
 * (documented in docs/evals.md) is:
 *   - `strip` (default): when the whole answer (trimmed) is one fenced block (```json … ``` or
 *     ``` … ```, any language tag), its body is the JSON; otherwise the answer itself is.
 *   - `extract`: like `strip`, and an answer with prose around exactly one fenced block (tag
 *     `json` or none) uses that block's body.
 *   - `reject`: no unwrapping; a fence makes the JSON invalid.
 */
export type FenceRule = 'strip' | 'extract' | 'reject';

const WHOLE_FENCE = /^```[^\n`]*\n([\s\S]*?)\n?```$/;
const ANY_FENCE = /```([^\n`]*)\n([\s\S]*?)\n?```/g;

export interface JsonText {
  text: string;
  /** The JSON was taken out of a code fence. */
  unfenced: boolean;
}

export function jsonText(answer: string, rule: FenceRule): JsonText {
  const trimmed = answer.trim();
  if (rule === 'reject') return { text: trimmed, unfenced: false };
  const whole = WHOLE_FENCE.exec(trimmed);
  if (whole) return { text: whole[1]!.trim(), unfenced: true };
  if (rule === 'extract') {
    const blocks = [...trimmed.matchAll(ANY_FENCE)].filter((m) => ['', 'json', 'jsonc', 'json5'].includes(m[1]!.trim().toLowerCase()));
    if (blocks.length === 1) return { text: blocks[0]![2]!.trim(), unfenced: true };
  }
  return { text: trimmed, unfenced: false };
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse with an error message that says where it failed (no input echoed). */
export function parseJson(text: string): ParsedJson {
  if (text.trim() === '') return { ok: false, error: 'empty answer' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 messages quote the input ("Unexpected token 'x', \"...\" is not valid JSON"): keep only the position.
    const pos = /position (\d+)/.exec(message);
    const kind = /Unexpected end/.test(message) ? 'unexpected end of input' : /Unexpected token/.test(message) ? 'unexpected token' : 'syntax error';
    return { ok: false, error: `not valid JSON: ${kind}${pos ? ` at position ${pos[1]}` : ''}` };
  }
}
