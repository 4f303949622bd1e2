/** Text helpers shared by every dialect: token estimates and splitting a reply into stream pieces. */

/** Deterministic token estimate: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Splits text into stream pieces. Without `count`, one piece per word (each keeps its leading
 * whitespace, like real token streams); with `count`, that many nearly equal pieces (fewer
 * when the text has fewer characters). Joining the pieces always gives back the text.
 */
export function splitPieces(text: string, count?: number): string[] {
  if (text === '') return [];
  if (count === undefined) {
    const words = text.match(/\s*\S+/g);
    if (!words) return [text];
    const joined = words.join('');
    if (joined.length < text.length) words[words.length - 1] += text.slice(joined.length);
    return words;
  }
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(count, chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(''));
  }
  return pieces;
}

/** Collects every string found under `text`/`content` keys (or bare strings in arrays). */
export function collectText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectText(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'text' || key === 'content' || key === 'parts' || key === 'input' || key === 'inputText') collectText(inner, out);
    }
  }
  return out;
}
