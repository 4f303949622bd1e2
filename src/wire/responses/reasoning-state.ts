/**
 * A reasoning item's `encrypted_content` as tracegate writes it: the provider's thinking blocks
 * (Anthropic/Bedrock thinking with its signature, redacted thinking) as base64url JSON behind a
 * `tg1.` prefix, so a client that sends the item back (store: false with
 * `include: ["reasoning.encrypted_content"]`) lets extended thinking with tools keep its
 * signatures. Not encrypted: it holds only what the provider returned to this client.
 */
const PREFIX = 'tg1.';

export function encodeReasoningState(blocks: readonly unknown[]): string {
  return PREFIX + Buffer.from(JSON.stringify(blocks), 'utf8').toString('base64url');
}

/** The blocks, or undefined for anything tracegate did not write (OpenAI's own ciphertext). */
export function decodeReasoningState(text: string): unknown[] | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
