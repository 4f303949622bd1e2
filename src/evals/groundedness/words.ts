/**
 * Content words for lexical support: lower-cased word tokens without English stop words, reduced
 * by a light stemmer (plural and common verb/adverb endings), so "prices" matches "price" and
 * "shipped" matches "ships". Numbers, digits or number words, are not words here (see numbers.ts).
 */
import { NUMBER_WORDS } from './numbers.js';

// A compact English stop-word list: function words, auxiliaries, pronouns, and a few fillers.
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each either etc few for from further had has have having he her here hers herself him himself ' +
    'his how however i if in into is it its itself just may me might more most must my myself neither no nor not now of off on once ' +
    'only or other our ours ourselves out over own per same shall she should so some such than that the their theirs them themselves ' +
    'then there these they this those through thus to too under until up upon us very via was we were what when where whether which ' +
    'while who whom whose why will with within without would yet you your yours yourself yourselves ' +
    "s t d ll m re ve don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn can't won't it's i'm you're"
  ).split(/\s+/),
);

/** Light stemming: strips one common inflectional ending, keeping a stem of at least 3 letters. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && (w.endsWith('sses') || w.endsWith('shes') || w.endsWith('ches') || w.endsWith('xes') || w.endsWith('zes'))) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly', 'ment', 'ness']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      // "shipped" → "shipp" → "ship"; "stopped" → "stop"
      if (w.length >= 4 && w[w.length - 1] === w[w.length - 2] && !'lsz'.includes(w[w.length - 1]!)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Word tokens (letters, with inner apostrophes and hyphen-split), lower-cased. */
export function wordTokens(text: string): string[] {
  return (text.toLowerCase().normalize('NFKC').match(/[\p{L}][\p{L}\p{M}']*/gu) ?? []).map((t) => t.replace(/'+$/, ''));
}

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/** Stemmed content words of a text (stop words and one-letter tokens removed), in order, unique. */
export function contentStems(text: string): string[] {
  const out = new Set<string>();
  for (const t of wordTokens(text)) {
    const base = t.replace(/'s$/, '');
    if (base.length < 2 || isStopWord(base) || NUMBER_WORDS.has(base)) continue;
    out.add(stem(base));
  }
  return [...out];
}
