/**
 * Prompt-token estimate without a tokenizer: used by the context-window pre-call check, TPM
 * admission and worst-case budget reservations.
 *
 * Heuristic (documented in docs/router.md): ceil(characters / 4) for every text field
 * (message content and names, tool-call arguments, tool definitions as JSON), plus 4 tokens per
 * message, 85 per image part, plus 3 for the reply priming. English prose averages about 4
 * characters per token with the GPT tokenizers, so this is close for prose and overestimates
 * dense code less than it underestimates CJK text; the context check therefore keeps a margin.
 */

const CHARS_PER_TOKEN = 4;
const PER_MESSAGE = 4;
const PER_IMAGE = 85;
const PRIMING = 3;

function textTokens(s: string): number {
  return Math.ceil(s.length / CHARS_PER_TOKEN);
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
