/**
 * Evaluators by name: the built-ins (`json_schema`, `tool_selection`, `groundedness`,
 * `prompt_injection`, `answer_relevancy`) and any registered with `registerEvaluator`. The
 * `tracegate eval` spec names evaluators this way. A factory gets the spec's options and, for
 * judge and embedding methods, the Router built from the spec.
 */
import { ConfigError } from '../errors.js';
import { AnswerRelevancy } from './answer-relevancy.js';
import { Groundedness } from './groundedness/index.js';
import type { JudgeRouter } from './judge.js';
import { JsonSchemaValidation } from './json-schema.js';
import { PromptInjection } from './prompt-injection.js';
import { ToolSelectionAccuracy } from './tool-selection.js';
import type { Evaluator } from './types.js';
import { processGlobal } from '../process-global.js';

export interface EvaluatorContext {
  /** Router for judge aliases and embeddings. */
  router?: JudgeRouter;
}

export type EvaluatorFactory = (options: Record<string, unknown>, context: EvaluatorContext) => Evaluator;

/** Shared by the ESM and CommonJS builds (an evaluator registered through one is found by the other). */
function registry(): Map<string, EvaluatorFactory> {
  return processGlobal('tracegate.evals.registry', () => new Map<string, EvaluatorFactory>());
}

function needRouter(ctx: EvaluatorContext, name: string): JudgeRouter {
  if (!ctx.router) throw new ConfigError(`evaluator "${name}": the judge/embedding method needs a router (the spec's \`router\` section)`);
  return ctx.router;
}

function judgeFrom(options: Record<string, unknown>, ctx: EvaluatorContext, name: string): Record<string, unknown> | undefined {
  const alias = (options.judge as { alias?: unknown } | undefined)?.alias ?? options.alias;
  if (alias === undefined) return undefined;
  return { ...((options.judge as object) ?? {}), router: needRouter(ctx, name), alias };
}

const BUILTINS: Record<string, EvaluatorFactory> = {
  json_schema: (o) => JsonSchemaValidation(o as never),
  tool_selection: (o) => ToolSelectionAccuracy(o as never),
  groundedness: (o, ctx) => {
    const judge = o.method === 'judge' ? judgeFrom(o, ctx, 'groundedness') : undefined;
    return Groundedness({ ...o, ...(judge ? { judge } : {}) } as never);
  },
  prompt_injection: (o, ctx) => {
    const judge = judgeFrom(o, ctx, 'prompt_injection');
    const { alias: _alias, ...rest } = o;
    return PromptInjection({ ...rest, ...(judge ? { judge } : {}) } as never);
  },
  answer_relevancy: (o, ctx) => AnswerRelevancy({ ...o, router: needRouter(ctx, 'answer_relevancy') } as never),
};

/**
 * Registers an evaluator under a name: a factory (options → Evaluator), or an Evaluator
 * instance (used as is, whatever the options). A registered name may replace a built-in.
 */
export function registerEvaluator(name: string, factory: EvaluatorFactory | Evaluator): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(name)) throw new ConfigError(`registerEvaluator: invalid name ${JSON.stringify(name)}`);
  if (typeof factory === 'function') registry().set(name, factory);
  else if (factory && typeof factory.evaluate === 'function') registry().set(name, () => factory);
  else throw new ConfigError(`registerEvaluator("${name}"): give a factory function or an evaluator`);
}

export function unregisterEvaluator(name: string): void {
  registry().delete(name);
}

/** Names of every evaluator that `createEvaluator` knows. */
export function listEvaluators(): string[] {
  return [...new Set([...Object.keys(BUILTINS), ...registry().keys()])].sort();
}

export function createEvaluator(name: string, options: Record<string, unknown> = {}, context: EvaluatorContext = {}): Evaluator {
  const factory = registry().get(name) ?? BUILTINS[name];
  if (!factory) throw new ConfigError(`unknown evaluator "${name}" (known: ${listEvaluators().join(', ')})`);
  const evaluator = factory(options, context);
  if (!evaluator || typeof evaluator.evaluate !== 'function') throw new ConfigError(`evaluator factory "${name}" did not return an evaluator`);
  return evaluator;
}
