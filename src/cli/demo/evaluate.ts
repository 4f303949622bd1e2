/**
 * The demo's evaluators, from `tracegate/evals`: JSON schema validity of the answer, and
 * groundedness of its `answer` field against the knowledge base (deterministic method). Each
 * result is recorded on the answer's trace with `recordEvaluation` (the answer's span has ended,
 * so the bridge writes an `evaluation {name}` span, child of the answer's attempt span, linked to it).
 */
import type { CallInfo } from '../../call-info.js';
import { Groundedness } from '../../evals/groundedness/index.js';
import { JsonSchemaValidation } from '../../evals/json-schema.js';
import { recordEvaluation } from '../../evals/record.js';
import { routeOf } from '../../evals/response.js';
import type { EvaluationResult } from '../../evals/types.js';
import { ANSWER_SCHEMA, KNOWLEDGE_BASE } from './support-kb.js';

const jsonSchema = JsonSchemaValidation({ schema: ANSWER_SCHEMA as unknown as Record<string, unknown> });
const groundedness = Groundedness({ context: KNOWLEDGE_BASE });

/** The `answer` field when the text is JSON with one, else the text itself. */
function answerField(text: string): string {
  try {
    const v = JSON.parse(text) as { answer?: unknown };
    if (v && typeof v.answer === 'string') return v.answer;
  } catch {
    /* not JSON: evaluate the text as it is */
  }
  return text;
}

/** The agent's own check of a draft: both evaluators pass (nothing is recorded). */
export async function checkAnswer(text: string): Promise<boolean> {
  return (await jsonSchema.evaluate({ response: text })).passed && (await groundedness.evaluate({ response: answerField(text) })).passed;
}

/** Runs both evaluators on an answer's text and records the results on its trace. */
export async function evaluateAnswer(text: string, info: CallInfo | undefined): Promise<EvaluationResult[]> {
  const where = { ...(info?.trace ? { target: info.trace } : {}), ...(routeOf(info) ? { route: routeOf(info)! } : {}) };
  const results = [await jsonSchema.evaluate({ response: text, ...where }), await groundedness.evaluate({ response: answerField(text), ...where })];
  for (const r of results) recordEvaluation(info?.trace ?? r.target, r);
  return results;
}
