/**
 * `Groundedness`: the share of the answer's claims that the context supports.
 *  - `deterministic` (default; no model): claims are the answer's sentences (claims.ts); each is
 *    supported when its content words are covered by the context and all its numbers occur there
 *    (support.ts).
 *  - `judge`: the same claims are judged by an LLM judge alias through the Router (judge.ts).
 * Score = supported / claims (1 when the answer makes no claim). Default threshold 0.8.
 */
import { BadRequestError, ConfigError } from '../../errors.js';
import { checkThreshold, defineEvaluator, type Scored } from '../evaluator.js';
import { checkJudgeOptions, type JudgeOptions } from '../judge.js';
import { contextList } from '../response.js';
import type { EvaluatorBaseOptions, Evaluator } from '../types.js';
import { splitClaims } from './claims.js';
import { judgeClaims } from './judge.js';
import { checkClaim, indexContext } from './support.js';

export { splitClaims, splitSentences } from './claims.js';
export { checkClaim, indexContext, type ClaimSupport } from './support.js';
export { readClaimVerdicts, type JudgedClaim } from './judge.js';

export const GROUNDEDNESS_EVALUATOR_VERSION = '1';

export interface GroundednessOptions extends EvaluatorBaseOptions {
  /** Default `deterministic`. */
  method?: 'deterministic' | 'judge';
  /** For `judge`: the router and the judge alias. */
  judge?: JudgeOptions;
  /** Deterministic: least share of a claim's content words found in the context (default 0.7). */
  minCoverage?: number;
  /** Context used when the evaluation input gives none. */
  context?: string | readonly string[];
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export function Groundedness(options: GroundednessOptions = {}): Evaluator {
  const where = 'Groundedness';
  const method = options.method ?? 'deterministic';
  if (method !== 'deterministic' && method !== 'judge') throw new ConfigError(`${where}: method must be "deterministic" or "judge", got "${String(method)}"`);
  const judge = method === 'judge' ? checkJudgeOptions(options.judge, where) : undefined;
  const minCoverage = options.minCoverage ?? 0.7;
  if (typeof minCoverage !== 'number' || minCoverage < 0 || minCoverage > 1) throw new ConfigError(`${where}: minCoverage must be from 0 to 1`);
  const fixedContext = options.context !== undefined ? contextList(options.context) : undefined;

  return defineEvaluator({
    name: options.name ?? 'groundedness',
    version: GROUNDEDNESS_EVALUATOR_VERSION,
    threshold: checkThreshold(options.threshold ?? 0.8, where),
    annotatorKind: judge ? 'LLM' : 'CODE',
    labels: { pass: 'grounded', fail: 'ungrounded' },
    async score({ response, input }): Promise<Scored> {
      const context = input.context !== undefined ? contextList(input.context) : (fixedContext ?? []);
      if (context.length === 0) throw new BadRequestError('Groundedness needs the context the answer should be grounded in (`context`)', { param: 'context' });
      const claims = splitClaims(response.text);
      if (claims.length === 0) return { score: 1, explanation: 'the answer makes no factual claim', details: { claims: [] } };
      if (judge) {
        const verdicts = await judgeClaims(judge, claims, context, input.signal);
        const supported = verdicts.filter((v) => v.supported).length;
        const bad = verdicts.map((v, i) => ({ ...v, i })).filter((v) => !v.supported);
        const notes = bad.map((v) => `[${v.i + 1}] ${quote(v.claim)}${v.missing ? ' (no verdict)' : v.reason ? ` (${v.reason})` : ''}`);
        return {
          score: supported / claims.length,
          explanation: `${supported} of ${claims.length} claims supported${notes.length ? `; unsupported: ${notes.join('; ')}` : ''}`,
          details: { claims: verdicts },
        };
      }
      const index = indexContext(context);
      const checks = claims.map((c) => checkClaim(c, index, minCoverage));
      const supported = checks.filter((c) => c.supported).length;
      const notes = checks
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => !c.supported)
        .map(({ c, i }) => {
          const why = c.missingNumbers.length
            ? `number${c.missingNumbers.length > 1 ? 's' : ''} ${c.missingNumbers.join(', ')} not in the context`
            : `${Math.round(c.coverage * 100)}% of its words in the context, missing ${c.missingWords.slice(0, 5).join(', ')}`;
          return `[${i + 1}] ${quote(c.claim)} (${why})`;
        });
      return {
        score: supported / claims.length,
        explanation: `${supported} of ${claims.length} claims supported${notes.length ? `; unsupported: ${notes.join('; ')}` : ''}`,
        details: { claims: checks },
      };
    },
  });
}
