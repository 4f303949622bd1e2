/**
 * Splitting an answer into claims: one claim per sentence or list item. Markdown emphasis, code
 * ticks, headings and list markers are removed first. A sentence ends at `.`, `!` or `?` followed
 * by a space and an upper-case letter, a digit or a quote, or at a line break; decimal points
 * ("3.5"), common abbreviations ("e.g.", "Dr.", "U.S.") and ellipses do not end one. Not claims:
 * questions, sentences with fewer than two content words and no number, and courtesy phrases
 * ("Hope this helps", "Let me know if ...").
 */
import { contentStems } from './words.js';
import { numbersIn } from './numbers.js';

const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|prof|inc|ltd|co|corp|jr|sr|st|no|approx|est|fig|u\.s|u\.k|a\.m|p\.m)\.$/i;

const COURTESY = /^(?:hope (?:this|that) helps|i hope (?:this|that) helps|let me know|feel free|happy to help|glad to help|thanks?(?: you)?\b|thank you|is there anything else|anything else i can|sure[,!.]?$|certainly[,!.]?$|of course[,!.]?$|great question)/i;

function cleanMarkdown(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? '')
    .replace(/(^|\s)[*_]([^*_\n]+)[*_](?=\s|[.,;:!?]|$)/g, '$1$2')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s*(?:[-*+•]|\d+[.)])\s+/gm, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

/** Sentences of a text (list items and lines are separate sentences). */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of cleanMarkdown(text).split(/\n+/)) {
    let current = '';
    const chars = [...line];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      current += c;
      if (c !== '.' && c !== '!' && c !== '?') continue;
      // Ellipsis or a run of terminators: keep reading.
      if (chars[i + 1] === '.' || chars[i + 1] === '!' || chars[i + 1] === '?') continue;
      // Decimal point: "3.5"
      if (c === '.' && /\d/.test(chars[i - 1] ?? '') && /\d/.test(chars[i + 1] ?? '')) continue;
      if (c === '.' && ABBREVIATIONS.test(current.trimEnd())) continue;
      // A closing quote or bracket belongs to the sentence.
      let j = i + 1;
      while (j < chars.length && /["'”’)\]]/.test(chars[j]!)) current += chars[j++]!;
      const next = chars.slice(j).join('');
      if (next === '' || /^\s+["'“‘([]?[\p{Lu}\d]/u.test(next)) {
        if (current.trim()) out.push(current.trim());
        current = '';
        i = j - 1;
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

/** Whether a sentence asserts something that could be checked against the context. */
export function isClaim(sentence: string): boolean {
  const s = sentence.trim();
  if (!s || s.endsWith('?')) return false;
  if (COURTESY.test(s)) return false;
  return contentStems(s).length >= 2 || numbersIn(s).length > 0;
}

/** The claims of an answer, in order. */
export function splitClaims(answer: string): string[] {
  return splitSentences(answer).filter(isClaim);
}
