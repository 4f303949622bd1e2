/** Small readers shared by the request-shape translations. */
export type Rec = Record<string, unknown>;

export function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string, or the `text` of text blocks joined (blocks of another kind skipped); undefined when there is none. */
export function blocksText(content: unknown, textType?: string): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter((b): b is Rec => isRec(b) && typeof b.text === 'string' && (textType === undefined || b.type === textType)).map((b) => b.text as string);
  return texts.length ? texts.join('') : undefined;
}
