/**
 * Guardrails from the config file, turned into the router's hooks: regular-expression and
 * keyword rules that block or flag a request (pre) or an answer (post). Evaluator guardrails
 * (`type: evaluator`) need `tracegate/evals`, which is not built yet: they are a config error
 * that says so, rather than a rule that silently does nothing.
 */
import type { GuardrailHooks, PostCallHook, PreCallHook, PreCallVerdict, PostCallVerdict } from '../router/hooks.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ConfigIssue } from './config/source.js';
import type { GuardrailConfig } from './config/schema.js';

type Matcher = (text: string) => string | undefined;

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

function matcher(rule: GuardrailConfig): Matcher {
  if (rule.type === 'regex') {
    const re = new RegExp(rule.pattern, rule.flags ?? '');
    return (text) => (re.test(text) ? 'matches a blocked pattern' : undefined);
  }
  if (rule.type === 'keywords') {
    const cs = rule.caseSensitive === true;
    const words = rule.keywords.map((w) => (cs ? w : w.toLowerCase()));
    return (text) => {
      const t = cs ? text : text.toLowerCase();
      const hit = words.find((w) => t.includes(w));
      return hit === undefined ? undefined : `contains a blocked keyword`;
    };
  }
  throw new Error('unreachable');
}

/** Checks rules that cannot be built (bad regex, evaluators); returns issues relative to `guardrails`. */
export function checkGuardrails(rules: readonly GuardrailConfig[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  rules.forEach((rule, i) => {
    if (rule.type === 'evaluator') {
      issues.push({
        path: `guardrails[${i}].type`,
        message: 'evaluator guardrails are not available yet (they arrive with tracegate/evals); use type "regex" or "keywords" for now',
      });
    } else if (rule.type === 'regex') {
      try {
        new RegExp(rule.pattern, rule.flags ?? '');
      } catch (err) {
        issues.push({ path: `guardrails[${i}].pattern`, message: `not a valid regular expression: ${(err as Error).message}` });
      }
    }
  });
  return issues;
}

/** The router hooks for the configured rules (call `checkGuardrails` first). */
export function guardrailHooks(rules: readonly GuardrailConfig[]): GuardrailHooks {
  const preCall: PreCallHook[] = [];
  const postCall: PostCallHook[] = [];
  for (const rule of rules) {
    if (rule.type === 'evaluator') continue;
    const match = matcher(rule);
    const action = rule.action ?? 'block';
    const aliases = rule.aliases ? { aliases: rule.aliases } : {};
    if ((rule.stage ?? 'pre') === 'pre') {
      const target = rule.target ?? 'last_user';
      preCall.push({
        name: rule.name,
        ...aliases,
        check(ctx): PreCallVerdict {
          const reason = match(requestText(ctx.params, target));
          return reason === undefined ? { action: 'allow' } : { action, reason };
        },
      });
    } else {
      postCall.push({
        name: rule.name,
        ...aliases,
        check(ctx): PostCallVerdict {
          const text = ctx.completion.choices.map((c) => partText(c.message.content)).join('\n');
          const reason = match(text);
          return reason === undefined ? { action: 'pass' } : { action, reason };
        },
      });
    }
  }
  const hooks: GuardrailHooks = {};
  if (preCall.length) hooks.preCall = preCall;
  if (postCall.length) hooks.postCall = postCall;
  return hooks;
}
