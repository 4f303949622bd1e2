/**
 * Numbers for numeric support: every number in a claim must appear in the context. Numbers are
 * read as values, so "1,200", "1200" and "1200.00" are the same, "$49.99" is 49.99, "15%" is 15,
 * "3rd" is 3, a date "2024-05-01" gives 2024, 5 and 1, and the words two … twelve, twenty and
 * thirty count as their values ("one" is left out: it is too often not a number).
 * A claim that changes a number of the context ("ships in 5 days" against "ships in 3 days") is
 * therefore not supported, however many words it shares.
 */

const WORD_NUMBERS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  twenty: 20,
  thirty: 30,
};

/** Words read as numbers (not as content words). */
export const NUMBER_WORDS: ReadonlySet<string> = new Set(Object.keys(WORD_NUMBERS));

// 1,234,567.89 | 1234.5 | .5 ; optional ordinal suffix
const NUMBER = /(?<![\p{L}\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:st|nd|rd|th)?(?![\p{L}\d])/gu;

function canonical(n: number): string {
  return String(Math.round(n * 1e9) / 1e9);
}

/** The numbers in a text, as canonical strings. */
export function numbersIn(text: string): string[] {
  const out = new Set<string>();
  // Split dates and ranges on '-' and '/' so "2024-05-01" and "3-5" give their parts.
  const spaced = text.normalize('NFKC').replace(/(\d)[-/–](?=\d)/g, '$1 ');
  for (const m of spaced.matchAll(NUMBER)) {
    const n = Number(m[1]!.replace(/,/g, ''));
    if (Number.isFinite(n)) out.add(canonical(n));
  }
  for (const w of text.toLowerCase().match(/\b[a-z]+\b/g) ?? []) {
    const v = WORD_NUMBERS[w];
    if (v !== undefined) out.add(canonical(v));
  }
  return [...out];
}
