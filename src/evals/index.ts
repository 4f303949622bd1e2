/**
 * `tracegate/evals`: evaluators, the evaluation bridge's entry point (`recordEvaluation`),
 * guardrail mode, cohort statistics and eval-aware routing. See docs/evals.md.
 */
export type { AnnotatorKind, EvalMessage, EvaluationInput, EvaluationResult, EvaluationRoute, Evaluator, EvaluatorBaseOptions, ScoreDirection } from './types.js';
export { defineEvaluator, type EvaluatorDefinition, type ScoreContext, type Scored } from './evaluator.js';
export { normalizeResponse, questionText, inputMessages, contextList, type NormalizedResponse, type NormalizedToolCall } from './response.js';
export { registerEvaluator, unregisterEvaluator, createEvaluator, listEvaluators, type EvaluatorFactory, type EvaluatorContext } from './registry.js';
export { JsonSchemaValidation, type JsonSchemaValidationOptions, type SafeParseSchema } from './json-schema.js';
export { jsonText, type FenceRule } from './json-extract.js';
export { ToolSelectionAccuracy, type ToolSelectionAccuracyOptions, type ExpectedToolCall } from './tool-selection.js';
export { Groundedness, splitClaims, splitSentences, checkClaim, indexContext, type GroundednessOptions, type ClaimSupport, type JudgedClaim } from './groundedness/index.js';
export { PromptInjection, scanText, type PromptInjectionOptions, type InjectionFinding } from './prompt-injection.js';
export { AnswerRelevancy, cosine, type AnswerRelevancyOptions } from './answer-relevancy.js';
export { askJudge, parseJudgeJson, verdictBoolean, verdictScore, type JudgeOptions, type JudgeReply, type JudgeRouter, type EmbeddingsRouter } from './judge.js';
export { recordEvaluation, resolveTarget, parseTraceparent, type EvaluationTargetLike, type RecordOutcome } from './record.js';
export { evaluatorGuardrail, type GuardrailOptions } from './guardrail.js';
export { EvalCohorts, type CohortKey, type CohortStats } from './cohort.js';
export {
  EvalRoutingPolicy,
  type EvalRoutingPolicyOptions,
  type EvalRoutingAction,
  type EvalRoutingDecision,
  type EvalRoutingDecisionAction,
  type CohortStatus,
  type PolicyRouter,
} from './eval-routing.js';
export type { EvaluationEvent, EvaluationEventResult, EvaluationTargetRef } from '../channels.js';
