/**
 * Trace and span ids (lowercase hex, as `normalizeId` gives them) as uint32 words and back, without
 * allocating: typed-array tables key on the words instead of holding id strings.
 */

/** The uint32 of the 8 hex digits of `hex` from `at` (digits 0-9, a-f, A-F). */
export function hexWord(hex: string, at: number): number {
  let w = 0;
  for (let i = at; i < at + 8; i++) {
    const c = hex.charCodeAt(i);
    w = (w << 4) | (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return w >>> 0;
}

/** A uint32 as 8 lowercase hex digits. */
export function wordHex(w: number): string {
  return (w >>> 0).toString(16).padStart(8, '0');
}
