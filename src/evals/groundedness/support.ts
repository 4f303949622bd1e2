/**
 * The deterministic support rule: a claim is supported by the context when
 *   1. lexical coverage — the share of the claim's content words (stop words removed, lightly
 *      stemmed; see words.ts) that occur among the context's content words — is at least
 *      `minCoverage` (default 0.7), and
 *   2. every number in the claim occurs in the context (see numbers.ts).
 * The context is all given documents together.
 */
import { numbersIn } from './numbers.js';
import { contentStems } from './words.js';

export interface ContextIndex {
  stems: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
}

export interface ClaimSupport {
  claim: string;
  supported: boolean;
  /** Share of the claim's content words found in the context (1 when it has none). */
  coverage: number;
  /** Content words not found in the context (stems). */
  missingWords: string[];
  /** Numbers of the claim not found in the context. */
  missingNumbers: string[];
}

export function indexContext(documents: readonly string[]): ContextIndex {
  const stems = new Set<string>();
  const numbers = new Set<string>();
  for (const doc of documents) {
    for (const s of contentStems(doc)) stems.add(s);
    for (const n of numbersIn(doc)) numbers.add(n);
  }
  return { stems, numbers };
}

export function checkClaim(claim: string, context: ContextIndex, minCoverage: number): ClaimSupport {
  const words = contentStems(claim);
  const missingWords = words.filter((w) => !context.stems.has(w));
  const coverage = words.length ? (words.length - missingWords.length) / words.length : 1;
  const missingNumbers = numbersIn(claim).filter((n) => !context.numbers.has(n));
  return { claim, supported: coverage >= minCoverage && missingNumbers.length === 0, coverage, missingWords, missingNumbers };
}
