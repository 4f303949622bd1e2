/**
 * LiteLLM's `guardrails:` list into tracegate's guardrails: `litellm_content_filter` (prebuilt
 * and custom regex patterns, blocked words; BLOCK or MASK), the prompt-injection and JSON-schema
 * evaluators (`guardrail: detect_prompt_injection`, `json_schema`, or `tracegate/<evaluator>`
 * for any of tracegate's evaluators). `mode`: `pre_call` checks the request, `during_call` too
 * (before the call rather than beside it), `post_call` the answer. Every listed guardrail runs on
 * every request (LiteLLM runs one without `default_on` only when the request names it). A
 * guardrail tracegate does not have (a vendor's, custom code) stops startup unless allowed.
 */
import type { ConfigPath } from './interpolate.js';
import { isObj, type Converter, type Obj } from './litellm.js';

/** LiteLLM content filter's prebuilt patterns. */
export const PREBUILT_PATTERNS: Readonly<Record<string, string>> = {
  us_ssn: '\\b\\d{3}-\\d{2}-\\d{4}\\b',
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}',
  phone: '(?:\\+?\\d{1,3}[ .-]?)?\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]?\\d{4}\\b',
  visa: '\\b4\\d{3}[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{4}\\b',
  mastercard: '\\b5[1-5]\\d{2}[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{4}\\b',
  amex: '\\b3[47]\\d{2}[ -]?\\d{6}[ -]?\\d{5}\\b',
  aws_access_key: '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b',
  aws_secret_key: '\\b[A-Za-z0-9/+=]{40}\\b',
  github_token: '\\bgh[pousr]_[A-Za-z0-9]{36,}\\b',
};

const EVALUATORS: Record<string, string> = {
  detect_prompt_injection: 'prompt_injection',
  prompt_injection: 'prompt_injection',
  json_schema: 'json_schema',
};

type Stage = 'pre' | 'post';

function stageOf(c: Converter, raw: unknown, path: ConfigPath): Stage[] | undefined {
  const v = c.value(raw, path);
  const modes = (Array.isArray(v) ? v : [v ?? 'pre_call']).map(String);
  const out = new Set<Stage>();
  for (const m of modes) {
    if (m === 'pre_call' || m === 'during_call') out.add('pre');
    else if (m === 'post_call') out.add('post');
    else {
      c.error(path, `unknown guardrail mode "${m}" (pre_call, during_call, post_call)`);
      return undefined;
    }
  }
  return [...out];
}

function action(c: Converter, raw: unknown, path: ConfigPath): 'block' | 'mask' | undefined {
  const a = String(c.value(raw, path) ?? 'BLOCK').toUpperCase();
  if (a === 'BLOCK') return 'block';
  if (a === 'MASK') return 'mask';
  c.error(path, `unknown action "${a}" (BLOCK, MASK)`);
  return undefined;
}

function contentFilter(c: Converter, name: string, params: Obj, at: ConfigPath, stages: Stage[], out: Obj[]): void {
  const rule = (extra: Obj, act: 'block' | 'mask', what: ConfigPath): void => {
    for (const stage of stages) {
      if (act === 'mask' && stage === 'post') {
        c.security(what, 'guardrails[].litellm_params.patterns[].action: MASK (post_call)', 'masking an answer is not available (a post-call guardrail blocks or flags)');
        continue;
      }
      const { label, ...rest } = extra;
      out.push({ name: `${name}${stages.length > 1 ? `:${stage}` : ''}:${String(label)}`, stage, action: act, target: 'messages', ...rest });
    }
  };
  for (const [key, raw] of Object.entries(params)) {
    const p: ConfigPath = [...at, key];
    const use = (kind: 'implemented' | 'mapped' | 'unsupported') => c.use(`guardrails[].litellm_params.${key}`, kind);
    if (key === 'guardrail' || key === 'mode' || key === 'default_on') continue;
    if (key === 'patterns') {
      use('implemented');
      const list = c.value(raw, p);
      if (!Array.isArray(list)) {
        c.error(p, 'expected a list of patterns');
        continue;
      }
      list.forEach((item, j) => {
        const q: ConfigPath = [...p, j];
        if (!isObj(item)) return c.error(q, 'expected { pattern_type, pattern_name | pattern, action }');
        const act = action(c, item.action, [...q, 'action']);
        if (!act) return;
        if (item.pattern_type === 'prebuilt') {
          const pattern = PREBUILT_PATTERNS[String(item.pattern_name)];
          if (!pattern) return c.error([...q, 'pattern_name'], `unknown prebuilt pattern "${String(item.pattern_name)}" (known: ${Object.keys(PREBUILT_PATTERNS).join(', ')})`);
          const tag = `[${String(item.pattern_name).toUpperCase()}_REDACTED]`;
          rule({ type: 'regex', pattern, label: item.pattern_name, ...(act === 'mask' ? { replacement: tag } : {}) }, act, q);
        } else if (item.pattern_type === 'regex' && typeof item.pattern === 'string') {
          const label = typeof item.name === 'string' ? item.name : `pattern${j}`;
          rule({ type: 'regex', pattern: item.pattern, label, ...(act === 'mask' ? { replacement: `[${label.toUpperCase()}_REDACTED]` } : {}) }, act, q);
        } else c.error(q, 'expected pattern_type "prebuilt" with pattern_name, or "regex" with pattern');
      });
    } else if (key === 'blocked_words') {
      use('implemented');
      const list = c.value(raw, p);
      if (!Array.isArray(list)) {
        c.error(p, 'expected a list of { keyword, action }');
        continue;
      }
      list.forEach((item, j) => {
        const q: ConfigPath = [...p, j];
        if (!isObj(item) || typeof item.keyword !== 'string') return c.error(q, 'expected { keyword, action }');
        const act = action(c, item.action, [...q, 'action']);
        if (act) rule({ type: 'keywords', keywords: [item.keyword], label: item.keyword, ...(act === 'mask' ? { replacement: '[KEYWORD_REDACTED]' } : {}) }, act, q);
      });
    } else if (key === 'categories' || key === 'blocked_words_file' || key === 'category_file') {
      c.security(p, `guardrails[].litellm_params.${key}`, `content filter "${key}" is not available`);
    } else {
      use('unsupported');
      c.ignore(`guardrails[].litellm_params.${key}`, 'content filter option tracegate does not use');
    }
  }
}

/** Converts `guardrails:` and appends the rules to `out.guardrails`. */
export function convertGuardrails(c: Converter, raw: unknown, out: Obj): void {
  if (raw === undefined) return;
  c.use('guardrails', 'implemented');
  if (!Array.isArray(raw)) return c.error(['guardrails'], 'expected a list of { guardrail_name, litellm_params }');
  const rules: Obj[] = [];
  raw.forEach((g, i) => {
    const at: ConfigPath = ['guardrails', i];
    if (!isObj(g) || !isObj(g.litellm_params)) return c.error(at, 'expected { guardrail_name, litellm_params: { guardrail, mode } }');
    const name = typeof g.guardrail_name === 'string' ? g.guardrail_name : `guardrail${i}`;
    const params = g.litellm_params;
    const pAt: ConfigPath = [...at, 'litellm_params'];
    const kind = String(c.value(params.guardrail, [...pAt, 'guardrail']));
    c.use('guardrails[].guardrail_name', 'implemented');
    const stages = stageOf(c, params.mode, [...pAt, 'mode']);
    if (!stages) return;
    c.use('guardrails[].litellm_params.mode', 'implemented');
    c.use('guardrails[].litellm_params.guardrail', 'implemented');
    if (params.default_on !== undefined) c.use('guardrails[].litellm_params.default_on', 'mapped');
    const before = rules.length;
    if (kind === 'litellm_content_filter') contentFilter(c, name, params, pAt, stages, rules);
    else if (EVALUATORS[kind] || kind.startsWith('tracegate/')) {
      const evaluator = EVALUATORS[kind] ?? kind.slice('tracegate/'.length);
      const { guardrail: _g, mode: _m, default_on: _d, action: act, ...options } = params;
      for (const stage of stages) {
        rules.push({ name: stages.length > 1 ? `${name}:${stage}` : name, type: 'evaluator', evaluator, stage, action: act === 'flag' ? 'flag' : 'block', ...(Object.keys(options).length ? { options: c.value(options, pAt) } : {}) });
      }
    } else {
      c.security([...pAt, 'guardrail'], 'guardrails[].litellm_params.guardrail', `guardrail "${kind}" ("${name}") is not available in tracegate`);
      return;
    }
    if (rules.length > before) for (let n = before; n < rules.length; n++) c.from(['guardrails', n], at);
  });
  if (rules.length) {
    c.warnings.add('guardrails: every listed guardrail runs on every request (LiteLLM runs one without default_on only when the request names it)');
    out.guardrails = rules;
  }
}
