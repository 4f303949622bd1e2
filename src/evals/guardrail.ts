/**
 * Guardrail mode: any evaluator as a router hook (docs/router.md, `hooks`).
 *  - `stage: 'post'` (default): evaluates the answer. A failed result is a `flag` (recorded, the
 *    answer goes through), a `block` (GuardrailError; no other deployment or provider is tried
 *    unless the router's `guardrailFallbacks` names an alias for it), or a `repair`: the same
 *    deployment is asked again with the answer and a message saying what was wrong, at most
 *    `maxRepairs` times (then it blocks). On streams the router lets post-call hooks only flag.
 *  - `stage: 'pre'`: evaluates the request (e.g. PromptInjection on the user's input): `flag` or
 *    `block` (nothing is sent anywhere).
 * The judge's own calls (tagged `tracegate.judge`) are never evaluated, so a router-wide judge
 * guardrail does not recurse. When the evaluator fails, `onError` decides (see the option).
 * The router records each verdict (`CallInfo.guardrails`, a `tracegate.guardrail` event); the
 * hook also records the full evaluation result on the answer's attempt span (pre-call: the call
 * span) through `recordEvaluation`. The verdict's reason names the evaluator, score and
 * threshold only (no user data); the explanation reaches the trace only as the evaluation's
 * explanation, under the content-capture rule.
 */
import { ConfigError } from '../errors.js';
import type { HookRequestContext, PostCallContext, PostCallHook, PostCallVerdict, PreCallHook, PreCallVerdict } from '../router/hooks.js';
import { JUDGE_TAG } from './judge.js';
import { routeOf } from './response.js';
import { recordEvaluation } from './record.js';
import type { EvaluationInput, EvaluationResult, Evaluator } from './types.js';

export interface GuardrailOptions {
  /** What a failed evaluation does (default `flag`). `repair` is post-call only. */
  mode?: 'block' | 'flag' | 'repair';
  /** Default `post`. */
  stage?: 'pre' | 'post';
  /** Repairs per call (default 1); past it a repair becomes a block. */
  maxRepairs?: number;
  /** Hook name (default `eval:<evaluator name>`). */
  name?: string;
  /** Only for these aliases (default all). */
  aliases?: readonly string[];
  /** Extra evaluation input from the request (context documents, expected tool calls, ...). */
  input?: (ctx: HookRequestContext) => Partial<Pick<EvaluationInput, 'context' | 'expected'>>;
  /** The message appended for a repair (default: the evaluator's explanation and what to fix). */
  repairMessage?: (result: EvaluationResult) => string;
  /** Record each result on the trace (default true). */
  record?: boolean;
  /**
   * When the evaluator itself fails (a judge that is down): `block` the call (fail closed), or
   * `allow` it with a flag saying so. Default: `allow` in flag mode, `block` otherwise.
   */
  onError?: 'block' | 'allow';
}



function reasonOf(result: EvaluationResult): string {
  const cmp = result.passed ? 'meets' : 'fails';
  return `${result.name} ${result.label}: score ${result.score.toFixed(3)} ${cmp} threshold ${result.threshold}`;
}

function defaultRepairMessage(result: EvaluationResult): string {
  const why = result.explanation ? `: ${result.explanation}` : '';
  return `Your previous answer failed the ${result.name} check${why}. Answer again, fixing this. Reply with the corrected answer only.`;
}

/** The answer's guardrail as a router hook. */
export function evaluatorGuardrail(evaluator: Evaluator, options: GuardrailOptions & { stage: 'pre' }): PreCallHook;
export function evaluatorGuardrail(evaluator: Evaluator, options?: GuardrailOptions & { stage?: 'post' }): PostCallHook;
export function evaluatorGuardrail(evaluator: Evaluator, options?: GuardrailOptions): PreCallHook | PostCallHook;
export function evaluatorGuardrail(evaluator: Evaluator, options: GuardrailOptions = {}): PreCallHook | PostCallHook {
  if (!evaluator || typeof evaluator.evaluate !== 'function') throw new ConfigError('evaluatorGuardrail: the first argument must be an evaluator');
  const mode = options.mode ?? 'flag';
  const stage = options.stage ?? 'post';
  if (!['block', 'flag', 'repair'].includes(mode)) throw new ConfigError(`evaluatorGuardrail: mode must be "block", "flag" or "repair", got "${String(mode)}"`);
  if (stage !== 'pre' && stage !== 'post') throw new ConfigError(`evaluatorGuardrail: stage must be "pre" or "post", got "${String(stage)}"`);
  if (stage === 'pre' && mode === 'repair') throw new ConfigError('evaluatorGuardrail: repair is a post-call mode (a pre-call hook has no answer to repair)');
  const maxRepairs = options.maxRepairs ?? 1;
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0) throw new ConfigError('evaluatorGuardrail: maxRepairs must be an integer >= 0');
  const name = options.name ?? `eval:${evaluator.name}`;
  const record = options.record !== false;
  const repairMessage = options.repairMessage ?? defaultRepairMessage;
  const aliases = options.aliases ? { aliases: options.aliases } : {};
  const onError = options.onError ?? (mode === 'flag' ? 'allow' : 'block');
  if (onError !== 'block' && onError !== 'allow') throw new ConfigError('evaluatorGuardrail: onError must be "block" or "allow"');

  /** The evaluator's failure as a flag (onError: allow), or rethrown (the router blocks: fail closed). */
  function failed(err: unknown): { action: 'flag'; reason: string } {
    if (onError === 'block') throw err;
    const cls = (err as { errorClass?: string })?.errorClass ?? (err as Error)?.name ?? 'error';
    return { action: 'flag', reason: `${evaluator.name} could not evaluate (${cls})` };
  }

  async function run(ctx: HookRequestContext, response: unknown, deployment?: PostCallContext['deployment']): Promise<EvaluationResult> {
    const info = ctx.callInfo;
    const input: EvaluationInput = { response, input: ctx.params.messages as EvaluationInput['input'], shadow: ctx.shadow, ...(options.input?.(ctx) ?? {}) };
    if (info?.trace) input.target = { ...info.trace };
    if (info && deployment) input.route = routeOf({ ...info, deployment }) ?? { alias: info.alias, provider: deployment.provider, model: deployment.model, deployment: deployment.id };
    const result = await evaluator.evaluate(input);
    if (record) recordEvaluation(result.target, result);
    return result;
  }

  if (stage === 'pre') {
    return {
      name,
      ...aliases,
      async check(ctx: HookRequestContext): Promise<PreCallVerdict> {
        if (ctx.tags.includes(JUDGE_TAG)) return { action: 'allow' };
        let result: EvaluationResult;
        try {
          result = await run(ctx, '');
        } catch (err) {
          return failed(err);
        }
        if (result.passed) return { action: 'allow' };
        return { action: mode === 'block' ? 'block' : 'flag', reason: reasonOf(result), score: result.score };
      },
    };
  }
  return {
    name,
    ...aliases,
    maxRepairs,
    async check(ctx: PostCallContext): Promise<PostCallVerdict> {
      if (ctx.tags.includes(JUDGE_TAG)) return { action: 'pass' };
      let result: EvaluationResult;
      try {
        result = await run(ctx, ctx.completion, ctx.deployment);
      } catch (err) {
        return failed(err);
      }
      if (result.passed) return { action: 'pass', score: result.score };
      const reason = reasonOf(result);
      if (mode === 'repair') return { action: 'repair', message: repairMessage(result), reason, score: result.score };
      return { action: mode, reason, score: result.score };
    },
  };
}
