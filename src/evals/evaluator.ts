/**
 * `defineEvaluator`: builds an `Evaluator` from a scoring function. It normalizes the response,
 * clamps and rounds the score, decides `passed` against the threshold in the evaluator's
 * direction, picks the label, and copies the answer's trace target, route and shadow flag from
 * its call info (or from the input's overrides). Built-in and custom evaluators are made with it.
 */
import { ConfigError } from '../errors.js';
import { normalizeResponse, routeOf, traceOf, type NormalizedResponse } from './response.js';
import type { AnnotatorKind, EvaluationInput, EvaluationResult, Evaluator, ScoreDirection } from './types.js';

export interface Scored {
  /** 0..1 (clamped; rounded to 6 decimals). */
  score: number;
  explanation?: string;
  /** Overrides the pass/fail label. */
  label?: string;
  details?: Record<string, unknown>;
}

export interface ScoreContext {
  readonly response: NormalizedResponse;
  readonly input: EvaluationInput;
}

export interface EvaluatorDefinition {
  name: string;
  version?: string;
  /** Default 0.5. */
  threshold?: number;
  /** Default `higher_is_better`: passed when score >= threshold. `lower_is_better`: passed when score < threshold. */
  direction?: ScoreDirection;
  /** Default `CODE`. */
  annotatorKind?: AnnotatorKind;
  /** Labels for passed and failed results (default `pass` / `fail`). */
  labels?: { pass: string; fail: string };
  score(ctx: ScoreContext): Scored | Promise<Scored>;
}

/** Checks a threshold option (0..1). */
export function checkThreshold(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`${where}: threshold must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 1e6) / 1e6;
}

export function defineEvaluator(def: EvaluatorDefinition): Evaluator {
  if (typeof def.name !== 'string' || !def.name.trim()) throw new ConfigError('evaluator: name must be a non-empty string');
  if (typeof def.score !== 'function') throw new ConfigError(`evaluator "${def.name}": score must be a function`);
  const threshold = checkThreshold(def.threshold ?? 0.5, `evaluator "${def.name}"`);
  const direction: ScoreDirection = def.direction ?? 'higher_is_better';
  const annotatorKind: AnnotatorKind = def.annotatorKind ?? 'CODE';
  const labels = def.labels ?? { pass: 'pass', fail: 'fail' };
  return {
    name: def.name,
    ...(def.version !== undefined ? { version: def.version } : {}),
    threshold,
    direction,
    annotatorKind,
    async evaluate(input: EvaluationInput): Promise<EvaluationResult> {
      if (!input || typeof input !== 'object') throw new ConfigError(`evaluator "${def.name}": evaluate() takes an object { response, ... }`);
      const response = await normalizeResponse(input.response);
      const scored = await def.score({ response, input });
      if (typeof scored?.score !== 'number' || Number.isNaN(scored.score)) {
        throw new ConfigError(`evaluator "${def.name}" returned a score that is not a number: ${JSON.stringify(scored?.score)}`);
      }
      const score = roundScore(scored.score);
      const passed = direction === 'higher_is_better' ? score >= threshold : score < threshold;
      const result: EvaluationResult = { name: def.name, score, label: scored.label ?? (passed ? labels.pass : labels.fail), passed, threshold, annotatorKind };
      if (scored.explanation) result.explanation = scored.explanation;
      if (def.version !== undefined) result.evaluatorVersion = def.version;
      const target = input.target ?? traceOf(response.info);
      if (target) result.target = target;
      const route = input.route ?? routeOf(response.info);
      if (route) result.route = route;
      const shadow = input.shadow ?? response.info?.shadow;
      if (shadow) result.shadow = true;
      if (response.id) result.responseId = response.id;
      if (scored.details) result.details = scored.details;
      return result;
    },
  };
}
