/**
 * Message fields that tracegate's adapters add for round trips through other providers
 * (`reasoning_content`, Anthropic / Bedrock `thinking_blocks`, Gemini's `extra_content` on tool
 * calls), removed before a history goes to a server that rejects unknown fields.
 */
export type Body = Record<string, unknown>;
export type Message = Record<string, unknown>;

/** Fields tracegate adds to assistant messages and tool calls for other providers' round trips. */
const TRACEGATE_MESSAGE_FIELDS = ['reasoning_content', 'thinking_blocks'];

export function messages(body: Body): Message[] {
  return Array.isArray(body.messages) ? (body.messages as Message[]) : [];
}

/**
 * Removes fields that strict servers reject in a history written by other providers: the
 * reasoning fields, Gemini's `extra_content` on tool calls, and `extraFields`.
 */
export function stripForeignMessageFields(body: Body, extraFields: readonly string[] = []): void {
  body.messages = messages(body).map((m) => {
    const out: Message = { ...m };
    for (const f of [...TRACEGATE_MESSAGE_FIELDS, ...extraFields]) delete out[f];
    if (Array.isArray(out.tool_calls)) {
      out.tool_calls = (out.tool_calls as Message[]).map((tc) => {
        const { extra_content: _dropped, ...rest } = tc;
        return rest;
      });
    }
    return out;
  });
}
