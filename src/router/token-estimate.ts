/**
 * Prompt-token estimate without a tokenizer: used by the context-window pre-call check, TPM
 * admission, worst-case budget reservations, and the charge of a stream that ended before the
 * provider reported its usage.
 *
 * Heuristic (documented in docs/router.md), script-aware because the GPT, Claude and Gemini
 * tokenizers all spend far more tokens per character outside Latin script:
 * - ASCII (Latin letters, digits, punctuation, code): 4 characters per token;
 * - other alphabetic scripts (accented Latin, Greek, Cyrillic, Arabic, Hebrew...): 2 per token;
 * - scripts written without spaces or with syllable blocks (CJK ideographs, kana, Hangul, Thai,
 *   Lao, Khmer, Myanmar, Tibetan, the Indic scripts), CJK punctuation and full-width forms:
 *   1 token per character;
 * - characters outside the Basic Multilingual Plane (emoji, rare ideographs): 2 tokens each
 *   (one per UTF-16 code unit; emoji take 1 to 3 tokens).
 * Each group is rounded up separately. Plus 4 tokens per message, 85 per image part and 3 for the
 * reply priming. This over-estimates slightly for most text (so budgets are conservative) and is
 * within a small factor for any script, where `chars / 4` under-estimated CJK text four-fold.
 */

const PER_MESSAGE = 4;
const PER_IMAGE = 85;
const PRIMING = 3;

/** 1 token per character: the scripts without word spacing or with syllable blocks. */
function isDenseScript(c: number): boolean {
  return (
    (c >= 0x0900 && c <= 0x0dff) || // Devanagari .. Sinhala (Indic)
    (c >= 0x0e00 && c <= 0x0fff) || // Thai, Lao, Tibetan
    (c >= 0x1000 && c <= 0x109f) || // Myanmar
    (c >= 0x1100 && c <= 0x11ff) || // Hangul Jamo
    (c >= 0x1780 && c <= 0x17ff) || // Khmer
    (c >= 0x2e80 && c <= 0x9fff) || // CJK radicals, punctuation, kana, Bopomofo, CJK ideographs
    (c >= 0xa960 && c <= 0xa97f) || // Hangul Jamo extended
    (c >= 0xac00 && c <= 0xd7ff) || // Hangul syllables
    (c >= 0xf900 && c <= 0xfaff) || // CJK compatibility ideographs
    (c >= 0xfe30 && c <= 0xfe4f) || // CJK compatibility forms
    (c >= 0xff00 && c <= 0xffef) //   half- and full-width forms
  );
}

/** Estimated tokens of one text. */
export function textTokens(s: string): number {
  let ascii = 0;
  let alpha = 0;
  let dense = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) ascii++;
    else if (c >= 0xd800 && c <= 0xdfff) dense++; // each half of a surrogate pair: emoji and the like
    else if (isDenseScript(c)) dense++;
    else alpha++;
  }
  return Math.ceil(ascii / 4) + Math.ceil(alpha / 2) + dense;
}

function contentTokens(content: unknown): number {
  if (typeof content === 'string') return textTokens(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (!part || typeof part !== 'object') continue;
    const p = part as Record<string, unknown>;
    if (typeof p.text === 'string') n += textTokens(p.text);
    else if (typeof p.refusal === 'string') n += textTokens(p.refusal);
    else if (p.type === 'image_url') n += PER_IMAGE;
    else n += textTokens(JSON.stringify(p));
  }
  return n;
}

/** Estimated prompt tokens of a chat request (messages, tools, response format). */
export function estimateChatPromptTokens(params: Record<string, unknown>): number {
  let n = PRIMING;
  const messages = Array.isArray(params.messages) ? params.messages : [];
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    const msg = m as Record<string, unknown>;
    n += PER_MESSAGE + contentTokens(msg.content);
    if (typeof msg.name === 'string') n += textTokens(msg.name);
    if (Array.isArray(msg.tool_calls)) n += textTokens(JSON.stringify(msg.tool_calls));
  }
  if (Array.isArray(params.tools) && params.tools.length) n += textTokens(JSON.stringify(params.tools));
  if (params.response_format && typeof params.response_format === 'object') n += textTokens(JSON.stringify(params.response_format));
  return n;
}

/** Estimated input tokens of an embeddings request. */
export function estimateEmbeddingTokens(params: Record<string, unknown>): number {
  const input = params.input;
  if (typeof input === 'string') return textTokens(input);
  if (Array.isArray(input)) {
    let n = 0;
    for (const item of input) n += typeof item === 'string' ? textTokens(item) : Array.isArray(item) ? item.length : 0;
    return n;
  }
  return 0;
}

/** The output tokens the caller allows (`max_completion_tokens`, then `max_tokens`), if any. */
export function requestedMaxOutput(params: Record<string, unknown>): number | undefined {
  const v = params.max_completion_tokens ?? params.max_tokens;
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/**
 * Estimated output tokens of a (partial) completion: the text of every choice (content,
 * reasoning, refusal, tool-call names and arguments) at the same script-aware rates.
 */
export function estimateCompletionTokens(completion: { choices: ReadonlyArray<{ message: Record<string, unknown> }> }): number {
  let n = 0;
  for (const choice of completion.choices) {
    const m = choice.message;
    for (const field of ['content', 'reasoning_content', 'refusal'] as const) {
      const v = m[field];
      if (typeof v === 'string') n += textTokens(v);
    }
    if (Array.isArray(m.tool_calls)) {
      for (const tc of m.tool_calls as Array<{ function?: { name?: unknown; arguments?: unknown } }>) {
        if (typeof tc.function?.name === 'string') n += textTokens(tc.function.name);
        if (typeof tc.function?.arguments === 'string') n += textTokens(tc.function.arguments);
      }
    }
  }
  return n;
}
