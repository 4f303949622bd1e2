/**
 * `AnswerRelevancy`: does the answer address the question (the last user message of `input`)?
 *  - `embedding`: cosine similarity of the question's and the answer's embeddings, from one
 *    `router.embeddings.create({ model: alias, input: [question, answer] })` call (so it is routed
 *    and traced); score = max(0, cosine). Default threshold 0.7.
 *  - `judge`: an LLM judge alias rates relevance; its verdict (a 0..1 score, a 1–5 rating, or
 *    yes/no) becomes the score. Default threshold 0.5.
 */
import { BadRequestError, ConfigError, InvalidResponseError } from '../errors.js';
import { checkThreshold, defineEvaluator, type Scored } from './evaluator.js';
import { JUDGE_TAG, askJudge, pick, verdictReason, verdictScore, type EmbeddingsRouter, type JudgeRouter } from './judge.js';
import { questionText } from './response.js';
import type { EvaluatorBaseOptions, Evaluator } from './types.js';

export const ANSWER_RELEVANCY_EVALUATOR_VERSION = '1';

export interface AnswerRelevancyOptions extends EvaluatorBaseOptions {
  method: 'judge' | 'embedding';
  /** A tracegate Router with the alias below. */
  router: JudgeRouter | EmbeddingsRouter;
  /** The judge alias (chat) or the embeddings alias. */
  alias: string;
  /** Judge: rating scale when it answers a number above 1 (default: guessed, see docs). */
  scale?: 5 | 10;
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) throw new InvalidResponseError(`embeddings of different or zero length (${a.length}, ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function vectorOf(item: unknown): number[] {
  const e = (item as { embedding?: unknown })?.embedding;
  if (Array.isArray(e) && e.every((x) => typeof x === 'number')) return e as number[];
  if (typeof e === 'string') {
    const buf = Buffer.from(e, 'base64');
    const out: number[] = [];
    for (let i = 0; i + 4 <= buf.length; i += 4) out.push(buf.readFloatLE(i));
    return out;
  }
  throw new InvalidResponseError('the embeddings response has no vector');
}

const JUDGE_SYSTEM = [
  'You rate how relevant an answer is to a question: does it address what was asked?',
  'Ignore whether it is true; judge only relevance.',
  'Answer with JSON only: {"score": 0.0-1.0, "reason": "short reason"} where 1 is fully relevant and 0 is off-topic.',
].join('\n');

export function AnswerRelevancy(options: AnswerRelevancyOptions): Evaluator {
  const where = 'AnswerRelevancy';
  if (!options || (options.method !== 'judge' && options.method !== 'embedding')) throw new ConfigError(`${where}: method must be "judge" or "embedding"`);
  if (typeof options.alias !== 'string' || !options.alias) throw new ConfigError(`${where}: alias must name a router alias`);
  const method = options.method;
  const router = options.router as Partial<JudgeRouter & EmbeddingsRouter> | undefined;
  if (method === 'embedding' && typeof router?.embeddings?.create !== 'function') throw new ConfigError(`${where}: router must be a tracegate Router (embeddings)`);
  if (method === 'judge' && typeof router?.chat?.completions?.create !== 'function') throw new ConfigError(`${where}: router must be a tracegate Router (chat)`);

  return defineEvaluator({
    name: options.name ?? 'answer_relevancy',
    version: ANSWER_RELEVANCY_EVALUATOR_VERSION,
    threshold: checkThreshold(options.threshold ?? (method === 'embedding' ? 0.7 : 0.5), where),
    annotatorKind: method === 'judge' ? 'LLM' : 'CODE',
    labels: { pass: 'relevant', fail: 'irrelevant' },
    async score({ response, input }): Promise<Scored> {
      const question = questionText(input.input);
      if (!question.trim()) throw new BadRequestError('AnswerRelevancy needs the question (`input`: a string or the request messages)', { param: 'input' });
      const answer = response.text;
      if (!answer.trim()) return { score: 0, explanation: 'the answer has no text' };
      if (method === 'embedding') {
        const requestOptions: Record<string, unknown> = { tags: [JUDGE_TAG], ...(input.signal ? { signal: input.signal } : {}) };
        const res = (await router!.embeddings!.create({ model: options.alias, input: [question, answer], encoding_format: 'float' } as never, requestOptions as never)) as {
          data?: { index?: number; embedding?: unknown }[];
        };
        const data = [...(res?.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        if (data.length < 2) throw new InvalidResponseError('the embeddings response has fewer than two vectors');
        const sim = cosine(vectorOf(data[0]), vectorOf(data[1]));
        return { score: Math.max(0, sim), explanation: `cosine similarity ${sim.toFixed(3)}` };
      }
      const reply = await askJudge({ router: router as JudgeRouter, alias: options.alias }, JUDGE_SYSTEM, `Question:\n${question}\n\nAnswer:\n${answer}`, input.signal);
      const score = verdictScore(pick(reply.json, ['score', 'relevance', 'relevancy', 'rating', 'relevant', 'verdict', 'label']), options.scale);
      if (score === undefined) throw new InvalidResponseError(`the judge's verdict has no usable score: ${JSON.stringify(reply.json).slice(0, 120)}`);
      const reason = verdictReason(reply.json);
      return { score, explanation: `judge score ${score.toFixed(2)}${reason ? `: ${reason}` : ''}` };
    },
  });
}
