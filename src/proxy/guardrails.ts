/**
 * Guardrails from the config file, turned into the router's hooks: regular-expression and
 * keyword rules that block or flag a request (pre) or an answer (post), and evaluators from
 * `tracegate/evals` in guardrail mode (block, flag, or repair on the same deployment). An
 * evaluator with an LLM judge or embeddings calls the proxy's own router (its judge alias):
 * the hooks are built before the router, so they get a router that is bound once it exists.
 */
import { ConfigError } from '../errors.js';
import { evaluatorGuardrail } from '../evals/guardrail.js';
import { createEvaluator } from '../evals/registry.js';
import type { JudgeRouter } from '../evals/judge.js';
import type { GuardrailHooks, PostCallHook, PreCallHook, PreCallVerdict, PostCallVerdict } from '../router/hooks.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ConfigIssue } from './config/source.js';
import type { GuardrailConfig } from './config/schema.js';

type Matcher = (text: string) => string | undefined;
type EvaluatorRule = Extract<GuardrailConfig, { type: 'evaluator' }>;
type TextRule = Exclude<GuardrailConfig, EvaluatorRule>;

/** A router for judge and embedding calls that forwards to the proxy's router once it is built. */
export class LateRouter implements JudgeRouter {
  private target: JudgeRouter & { embeddings?: { create(params: never, options?: never): Promise<unknown> } } | undefined;
  readonly chat = { completions: { create: (params: never, options?: never) => this.bound().chat.completions.create(params, options) } };
  readonly embeddings = { create: (params: never, options?: never) => this.bound().embeddings!.create(params, options) };

  bind(router: NonNullable<LateRouter['target']>): void {
    this.target = router;
  }

  private bound(): NonNullable<LateRouter['target']> {
    if (!this.target) throw new ConfigError('the proxy router is not built yet');
    return this.target;
  }
}

function partText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') out += (out ? '\n' : '') + (part as { text: string }).text;
  }
  return out;
}

/** The text a pre-call rule looks at. */
export function requestText(params: ChatCompletionCreateParams, target: 'last_user' | 'messages'): string {
  const messages = params.messages as readonly { role: string; content?: unknown }[];
  if (target === 'messages') return messages.map((m) => partText(m.content)).join('\n');
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return partText(messages[i]!.content);
  return '';
}

function matcher(rule: TextRule): Matcher {
  if (rule.type === 'regex') {
    const re = new RegExp(rule.pattern, rule.flags ?? '');
    return (text) => (re.test(text) ? 'matches a blocked pattern' : undefined);
  }
  const cs = rule.caseSensitive === true;
  const words = rule.keywords.map((w) => (cs ? w : w.toLowerCase()));
  return (text) => {
    const t = cs ? text : text.toLowerCase();
    return words.some((w) => t.includes(w)) ? 'contains a blocked keyword' : undefined;
  };
}

/** Replaces every match of the rule in a text (mask action). */
function masker(rule: TextRule): (text: string) => string {
  const replacement = rule.replacement ?? '[REDACTED]';
  if (rule.type === 'regex') {
    const flags = rule.flags ?? '';
    const re = new RegExp(rule.pattern, flags.includes('g') ? flags : `${flags}g`);
    return (text) => text.replace(re, replacement);
  }
  const escaped = rule.keywords.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), rule.caseSensitive === true ? 'g' : 'gi');
  return (text) => text.replace(re, replacement);
}

/** The messages with `mask` applied to every text (string contents and text parts). */
function maskMessages(params: ChatCompletionCreateParams, mask: (text: string) => string): ChatCompletionCreateParams['messages'] {
  return (params.messages as readonly Record<string, unknown>[]).map((m) => {
    const content = m.content;
    if (typeof content === 'string') return { ...m, content: mask(content) };
    if (Array.isArray(content)) {
      return { ...m, content: content.map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? { ...part, text: mask((part as { text: string }).text) } : part)) };
    }
    return m;
  }) as ChatCompletionCreateParams['messages'];
}

/** LiteLLM's `enforce_user_param`: a request without `user` is refused before any upstream call. */
export const requireUserHook: PreCallHook = {
  name: 'enforce_user_param',
  check(ctx): PreCallVerdict {
    const user = (ctx.params as { user?: unknown }).user;
    return typeof user === 'string' && user.trim() ? { action: 'allow' } : { action: 'block', reason: 'this proxy requires the "user" parameter on every request (enforce_user_param)' };
  },
};

function evaluatorHook(rule: EvaluatorRule, judge: JudgeRouter): PreCallHook | PostCallHook {
  const evaluator = createEvaluator(rule.evaluator, rule.options ?? {}, { router: judge });
  return evaluatorGuardrail(evaluator, {
    name: rule.name,
    stage: rule.stage ?? 'post',
    mode: rule.action ?? 'flag',
    ...(rule.maxRepairs !== undefined ? { maxRepairs: rule.maxRepairs } : {}),
    ...(rule.aliases ? { aliases: rule.aliases } : {}),
    ...(rule.onError ? { onError: rule.onError } : {}),
  });
}

function judgeAlias(options: Record<string, unknown> | undefined): string | undefined {
  const alias = (options?.judge as { alias?: unknown } | undefined)?.alias ?? options?.alias;
  return typeof alias === 'string' ? alias : undefined;
}

/**
 * Checks rules that cannot be built (bad regex, unknown evaluator, bad evaluator options, a
 * judge alias the config does not have); issues are relative to `guardrails`.
 */
export function checkGuardrails(rules: readonly GuardrailConfig[], aliases: ReadonlySet<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const judge = new LateRouter();
  rules.forEach((rule, i) => {
    if (rule.type === 'evaluator') {
      if ((rule.stage ?? 'post') === 'pre' && rule.action === 'repair') {
        issues.push({ path: `guardrails[${i}].action`, message: 'repair is a post-call action (a pre-call guardrail has no answer to repair)' });
        return;
      }
      const alias = judgeAlias(rule.options);
      if (alias !== undefined && !aliases.has(alias)) {
        issues.push({ path: `guardrails[${i}].options`, message: `judge alias "${alias}" is not one of the models` });
        return;
      }
      try {
        evaluatorHook(rule, judge);
      } catch (err) {
        const message = (err as Error).message;
        issues.push({ path: `guardrails[${i}].${message.startsWith('unknown evaluator') ? 'evaluator' : 'options'}`, message });
      }
    } else {
      if (rule.action === 'mask' && (rule.stage ?? 'pre') === 'post') issues.push({ path: `guardrails[${i}].action`, message: 'mask is a pre-call action (an answer is blocked or flagged)' });
      if (rule.type !== 'regex') return;
      try {
        new RegExp(rule.pattern, rule.flags ?? '');
      } catch (err) {
        issues.push({ path: `guardrails[${i}].pattern`, message: `not a valid regular expression: ${(err as Error).message}` });
      }
    }
  });
  return issues;
}

/** The router hooks for the configured rules (call `checkGuardrails` first); `judge` serves evaluators that call a model. */
export function guardrailHooks(rules: readonly GuardrailConfig[], judge: JudgeRouter): GuardrailHooks {
  const preCall: PreCallHook[] = [];
  const postCall: PostCallHook[] = [];
  for (const rule of rules) {
    const pre = (rule.stage ?? (rule.type === 'evaluator' ? 'post' : 'pre')) === 'pre';
    if (rule.type === 'evaluator') {
      const hook = evaluatorHook(rule, judge);
      if (pre) preCall.push(hook as PreCallHook);
      else postCall.push(hook as PostCallHook);
      continue;
    }
    const match = matcher(rule);
    const action = rule.action ?? 'block';
    const aliases = rule.aliases ? { aliases: rule.aliases } : {};
    if (pre) {
      const target = rule.target ?? 'last_user';
      const mask = action === 'mask' ? masker(rule) : undefined;
      preCall.push({
        name: rule.name,
        ...aliases,
        check(ctx): PreCallVerdict {
          const reason = match(requestText(ctx.params, target));
          if (reason === undefined) return { action: 'allow' };
          if (mask) return { action: 'rewrite', params: { messages: maskMessages(ctx.params, mask) }, reason: reason.replace('blocked', 'masked') };
          return { action: action as 'block' | 'flag', reason };
        },
      });
    } else {
      postCall.push({
        name: rule.name,
        ...aliases,
        check(ctx): PostCallVerdict {
          const reason = match(ctx.completion.choices.map((c) => partText(c.message.content)).join('\n'));
          return reason === undefined ? { action: 'pass' } : { action: action === 'flag' ? 'flag' : 'block', reason };
        },
      });
    }
  }
  const hooks: GuardrailHooks = {};
  if (preCall.length) hooks.preCall = preCall;
  if (postCall.length) hooks.postCall = postCall;
  return hooks;
}
