/**
 * Text sizes without a browser: an upper estimate of how wide a string is in the report's chart
 * font (system-ui, often DejaVu Sans on Linux, the widest of the usual ones). Layout that keeps
 * labels apart uses these estimates, so they err on the wide side.
 */

/** Width of one character in em. */
function charEm(ch: string): number {
  if (' .,:;\'|!iIjl()[]{}'.includes(ch)) return 0.36;
  if ('mwMW@%'.includes(ch)) return 0.98;
  if (/[A-Z]/.test(ch)) return 0.76;
  if (/[0-9]/.test(ch)) return 0.66;
  if (/[a-z$#&?_\-+=*/\\<>~^"`]/.test(ch)) return 0.64;
  const code = ch.codePointAt(0) ?? 0;
  // CJK, emoji and other wide scripts.
  if (code >= 0x1100) return 1.05;
  return 0.8;
}

/** Estimated width of `text` in px (SVG user units) at `fontSize`. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * fontSize;
}

/** `text`, cut with "…" so its estimated width is at most `maxWidth` ('' when not even "…" fits). */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  let w = textWidth('…', fontSize);
  if (w > maxWidth) return '';
  let out = '';
  for (const ch of chars) {
    const cw = charEm(ch) * fontSize;
    if (w + cw > maxWidth) break;
    out += ch;
    w += cw;
  }
  return out.trimEnd() + '…';
}
