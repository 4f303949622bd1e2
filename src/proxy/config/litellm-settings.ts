/**
 * LiteLLM's `router_settings`, `litellm_settings` and `general_settings` into the native
 * config: retries and retry policies, fallbacks, timeouts, cooldowns and allowed fails (the
 * breaker), routing strategy, model group aliases, tag filtering, cache, budget, master key and
 * `enforce_user_param`. What would leave tracegate weaker than LiteLLM (limits, budgets,
 * authentication and moderation it does not have) stops startup unless allowed; the rest is a
 * warning. Each key is recorded as implemented, mapped or unsupported.
 */
import type { ConfigPath } from './interpolate.js';
import { isObj, type Converter, type KeyKind, type Obj } from './litellm.js';
import { didYouMean } from '../../suggest.js';

const STRATEGIES: Record<string, string> = {
  'simple-shuffle': 'weighted',
  'least-busy': 'least-busy',
  'latency-based-routing': 'latency',
  'usage-based-routing': 'headroom',
  'usage-based-routing-v2': 'headroom',
  'cost-based-routing': 'cost',
};

/** LiteLLM's exception names (retry_policy / allowed_fails_policy) → tracegate error classes. */
const ERROR_CLASSES: Record<string, string[]> = {
  RateLimitError: ['rate_limit'],
  TimeoutError: ['timeout'],
  InternalServerError: ['upstream_unavailable', 'invalid_response'],
  ServiceUnavailableError: ['upstream_unavailable'],
  BadGatewayError: ['upstream_unavailable'],
  APIConnectionError: ['connection'],
  BadRequestError: ['bad_request'],
  AuthenticationError: ['auth'],
  ContentPolicyViolationError: ['content_policy'],
  NotFoundError: ['not_found'],
};

/** Classes the router may retry. */
const RETRYABLE = new Set(['rate_limit', 'timeout', 'upstream_unavailable', 'connection', 'invalid_response']);
const DEFAULT_FAILURE_CLASSES = ['timeout', 'upstream_unavailable', 'connection', 'invalid_response', 'rate_limit'];

/** Settings with no tracegate equivalent whose absence lets through what LiteLLM would block or meter. */
const SECURITY: Record<string, string> = {
  'general_settings.max_parallel_requests': 'a per-key parallel request limit is not available',
  'general_settings.global_max_parallel_requests': 'a global parallel request limit is not available',
  'general_settings.custom_auth': 'custom authentication code cannot run in tracegate',
  'general_settings.enable_jwt_auth': 'JWT authentication is not available',
  'general_settings.litellm_jwtauth': 'JWT authentication is not available',
  'general_settings.allowed_routes': 'route allow-lists are not available',
  'general_settings.admin_only_routes': 'route allow-lists are not available',
  'general_settings.allowed_ips': 'IP allow-lists are not available',
  'general_settings.enforced_params': 'enforced request parameters are not available',
  'general_settings.user_api_key_cache_ttl': 'cached key lookups are not available',
  'litellm_settings.max_end_user_budget': 'end-user budgets are not available',
  'litellm_settings.max_internal_user_budget': 'internal-user budgets are not available',
  'litellm_settings.default_key_generate_params': 'generated keys are not available',
  'litellm_settings.upperbound_key_generate_params': 'generated keys are not available',
  'litellm_settings.default_internal_user_params': 'internal users are not available',
  'router_settings.provider_budget_config': 'provider budgets are not available',
  'router_settings.model_group_budget_config': 'model group budgets are not available',
  'router_settings.tag_budget_config': 'tag budgets are not available',
};

/** Callbacks that moderate or redact content: LiteLLM would block with them. */
const SECURITY_CALLBACKS = /moderat|presidio|hide_secrets|prompt_injection|lakera|llamaguard|llm_guard|llmguard|aporia|guardrail|pii/i;

/** Keys that change nothing tracegate does (logging, storage, UI, database): warnings. */
const IGNORED: Record<string, string> = {
  database_url: 'virtual keys are defined in the config file: `tracegate.keys`',
  store_model_in_db: 'models come from the config file',
  set_verbose: 'logging is configured with `server.accessLog`',
  json_logs: 'logging is configured with `server.accessLog`',
  telemetry: 'tracegate sends no usage telemetry',
};

/** Every router_settings / litellm_settings key the reader handles (for "did you mean"). */
const KNOWN_SETTINGS = [
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
  'default_fallbacks',
  'num_retries',
  'retry_after',
  'retry_policy',
  'allowed_fails',
  'allowed_fails_policy',
  'cooldown_time',
  'disable_cooldowns',
  'timeout',
  'request_timeout',
  'stream_timeout',
  'routing_strategy',
  'routing_strategy_args',
  'enable_pre_call_checks',
  'model_group_alias',
  'enable_tag_filtering',
  'tag_filtering_match_any',
  'cache',
  'cache_params',
  'cache_responses',
  'max_budget',
  'budget_duration',
  'drop_params',
  'callbacks',
  'success_callback',
  'failure_callback',
  'redis_host',
  'redis_port',
  'redis_password',
  'redis_url',
];

/** LiteLLM's `[{ "a": ["b"] }, ...]` (or `{ a: [b] }`) → `{ a: [b] }`. */
function fallbackMap(c: Converter, raw: unknown, path: ConfigPath): Record<string, string[]> | undefined {
  const v = c.value(raw, path);
  const items = Array.isArray(v) ? v : isObj(v) ? [v] : undefined;
  if (!items) {
    c.error(path, 'expected a list such as [{ "gpt-4o": ["gpt-4o-mini"] }]');
    return undefined;
  }
  const out: Record<string, string[]> = {};
  items.forEach((item, i) => {
    if (!isObj(item)) return c.error([...path, i], 'expected { alias: [fallback aliases] }');
    for (const [from, to] of Object.entries(item)) {
      const list = Array.isArray(to) ? to : [to];
      out[from] = [...(out[from] ?? []), ...list.map(String)];
    }
  });
  return out;
}

const DURATION = /^(\d+)\s*(s|m|h|d|w|mo)$/;

function budgetWindow(c: Converter, raw: unknown, path: ConfigPath): string | number | undefined {
  if (raw === undefined) return 'total';
  const s = c.str(raw, path);
  const m = s ? DURATION.exec(s.trim()) : null;
  if (!m) {
    c.error(path, 'expected a duration such as "30s", "1h", "1d", "7d" or "1mo"');
    return undefined;
  }
  const n = Number(m[1]);
  const unit = m[2]!;
  if (n === 1 && unit === 'd') return 'day';
  if (n === 1 && unit === 'h') return 'hour';
  if (n === 1 && unit === 'm') return 'minute';
  if (n === 1 && unit === 'w') return 'week';
  if (n === 1 && unit === 'mo') return 'month';
  if (unit === 'mo') {
    c.error(path, 'only "1mo" is supported for months');
    return undefined;
  }
  return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[unit as 's' | 'm' | 'h' | 'd' | 'w'];
}

/** `{ RateLimitErrorRetries: 3, ... }` → retry.perClass; `DefaultRetries` for the other retryable classes. */
function retryPolicy(c: Converter, raw: unknown, path: ConfigPath, retry: Obj): void {
  const v = c.value(raw, path);
  if (!isObj(v)) return c.error(path, 'expected a map such as { RateLimitErrorRetries: 3 }');
  const perClass: Obj = { ...(retry.perClass as Obj | undefined) };
  const noRetry: string[] = [];
  for (const [name, n] of Object.entries(v)) {
    const count = c.num(n, [...path, name]);
    if (count === undefined) continue;
    if (name === 'DefaultRetries') {
      for (const cls of RETRYABLE) if (perClass[cls] === undefined) perClass[cls] = Math.max(0, Math.round(count));
      continue;
    }
    const m = /^(.*Error)Retries$/.exec(name);
    const classes = m ? ERROR_CLASSES[m[1]!] : undefined;
    if (!classes) {
      c.error([...path, name], `unknown retry policy field${didYouMean(name, [...Object.keys(ERROR_CLASSES).map((e) => `${e}Retries`), 'DefaultRetries'])}`);
      continue;
    }
    for (const cls of classes) {
      if (RETRYABLE.has(cls)) perClass[cls] = Math.max(0, Math.round(count));
      else if (count > 0) noRetry.push(name);
    }
  }
  if (noRetry.length) c.ignore(`${formatPath(path)}: ${noRetry.join(', ')}`, 'tracegate never resends a request the provider rejected as wrong (400, 401, 404, content policy)');
  retry.perClass = perClass;
}

function formatPath(path: ConfigPath): string {
  return path.map(String).join('.');
}

/**
 * `{ RateLimitErrorAllowedFails: 100, ... }`: a class allowed at least 100 failures before a
 * cooldown stops counting as a breaker failure; a class with a lower number counts. tracegate's
 * breaker has one threshold (`allowed_fails`) for the classes that count.
 */
function allowedFailsPolicy(c: Converter, raw: unknown, path: ConfigPath, breaker: Obj): void {
  const v = c.value(raw, path);
  if (!isObj(v)) return c.error(path, 'expected a map such as { RateLimitErrorAllowedFails: 100 }');
  const classes = new Set((breaker.failureClasses as string[] | undefined) ?? DEFAULT_FAILURE_CLASSES);
  for (const [name, n] of Object.entries(v)) {
    const count = c.num(n, [...path, name]);
    if (count === undefined) continue;
    const m = /^(.*Error)AllowedFails$/.exec(name);
    const mapped = m ? ERROR_CLASSES[m[1]!] : undefined;
    if (!mapped) {
      c.error([...path, name], `unknown allowed fails policy field${didYouMean(name, Object.keys(ERROR_CLASSES).map((e) => `${e}AllowedFails`))}`);
      continue;
    }
    for (const cls of mapped) {
      if (!DEFAULT_FAILURE_CLASSES.includes(cls)) continue; // client errors never open tracegate's breaker
      if (count >= 100) classes.delete(cls);
      else classes.add(cls);
    }
  }
  breaker.failureClasses = [...classes];
}

/** `{ "gpt-4": "gpt-4o" }` or `{ "gpt-4": { model: "gpt-4o", hidden: true } }`: the target's entries again under the alias. */
function modelGroupAlias(c: Converter, raw: unknown, path: ConfigPath, out: Obj): void {
  const v = c.value(raw, path);
  if (!isObj(v)) return c.error(path, 'expected a map such as { "gpt-4": "gpt-4o" }');
  const models = out.models as Obj[];
  for (const [alias, target] of Object.entries(v)) {
    const to = typeof target === 'string' ? target : isObj(target) && typeof target.model === 'string' ? target.model : undefined;
    if (!to) {
      c.error([...path, alias], 'expected the name of a model group');
      continue;
    }
    const group = models.filter((m) => m.name === to);
    if (!group.length) {
      c.error([...path, alias], `unknown model group "${to}"${didYouMean(to, new Set(models.map((m) => String(m.name))))}`);
      continue;
    }
    if (models.some((m) => m.name === alias)) {
      c.error([...path, alias], `"${alias}" is already a model_name`);
      continue;
    }
    group.forEach((m, n) => {
      const copy: Obj = { ...m, name: alias };
      copy.id = `${String(m.id ?? `${to}#${n}`)}@${alias}`;
      models.push(copy);
      c.from(['models', models.length - 1], [...path, alias]);
    });
  }
}

/**
 * LiteLLM's tag filtering: a request carrying a tag goes only to deployments with that tag; an
 * untagged request goes to deployments tagged `default` (any deployment when none is).
 */
function tagRules(out: Obj): Obj[] {
  const tags = new Set<string>();
  for (const m of out.models as Obj[]) for (const t of (m.tags as string[] | undefined) ?? []) if (t !== 'default') tags.add(t);
  const rules: Obj[] = [...tags].sort().map((t) => ({ match: { tags: [t] }, deploymentTags: [t], strict: true }));
  rules.push({ match: {}, deploymentTags: ['default'] });
  return rules;
}

/** `router_settings.redis_url`, or a URL from `redis_host` / `redis_port` / `redis_password` (LiteLLM's shared state). */
function litellmRedisUrl(c: Converter, router: Obj): string | undefined {
  const p = (key: string): ConfigPath => ['router_settings', key];
  if (router.redis_url !== undefined) return c.str(router.redis_url, p('redis_url'));
  if (router.redis_host === undefined) return undefined;
  const host = c.str(router.redis_host, p('redis_host'));
  const port = router.redis_port !== undefined ? c.num(router.redis_port, p('redis_port')) : 6379;
  const password = router.redis_password !== undefined ? c.str(router.redis_password, p('redis_password')) : undefined;
  if (!host || port === undefined) return undefined;
  if (!/^[A-Za-z0-9.-]+$|^[0-9A-Fa-f:]+$/.test(host)) {
    // A placeholder such as "<your redis host>" (LiteLLM's sample configs): no store rather than a broken one.
    c.ignore('router_settings.redis_host', `"${host}" is not a host name; state stays per process`);
    return undefined;
  }
  return `redis://${password ? `:${encodeURIComponent(password)}@` : ''}${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function convertSettings(c: Converter, doc: Obj, out: Obj): void {
  const router = isObj(doc.router_settings) ? doc.router_settings : {};
  const lite = isObj(doc.litellm_settings) ? doc.litellm_settings : {};
  const general = isObj(doc.general_settings) ? doc.general_settings : {};
  const retry: Obj = {};
  const breaker: Obj = {};
  const timeouts: Obj = {};
  const fallbackKinds: Record<string, string> = {
    fallbacks: 'fallbacks',
    context_window_fallbacks: 'contextWindowFallbacks',
    content_policy_fallbacks: 'contentPolicyFallbacks',
  };
  const sections: [string, Obj][] = [
    ['litellm_settings', lite],
    ['router_settings', router],
  ];
  let tagFiltering = false;
  // litellm_settings first, router_settings second: the router's own settings win.
  for (const [section, s] of sections) {
    for (const [key, raw] of Object.entries(s)) {
      const p: ConfigPath = [section, key];
      const name = `${section}.${key}`;
      const use = (kind: KeyKind) => c.use(name, kind);
      if (SECURITY[name]) {
        c.security(p, name, SECURITY[name]!);
      } else if (fallbackKinds[key]) {
        use('implemented');
        const map = fallbackMap(c, raw, p);
        if (map) {
          out[fallbackKinds[key]!] = { ...(out[fallbackKinds[key]!] as Obj | undefined), ...map };
          c.from([fallbackKinds[key]!], p);
        }
      } else if (key === 'default_fallbacks') {
        use('mapped');
        const v = c.value(raw, p);
        const list = Array.isArray(v) ? v.map(String) : [];
        out.fallbacks = { ...(out.fallbacks as Obj | undefined), '*': list };
        c.from(['fallbacks'], p);
      } else if (key === 'num_retries') {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined) retry.maxAttempts = Math.max(1, Math.round(n) + 1);
        c.from(['retry'], p);
      } else if (key === 'retry_after') {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined) retry.initialBackoffMs = Math.round(n * 1000);
        c.from(['retry'], p);
      } else if (key === 'retry_policy') {
        use('mapped');
        retryPolicy(c, raw, p, retry);
        c.from(['retry'], p);
      } else if (key === 'timeout' || key === 'request_timeout') {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined && (section === 'router_settings' || timeouts.totalMs === undefined)) timeouts.totalMs = Math.round(n * 1000);
        c.from(['timeouts'], p);
      } else if (key === 'stream_timeout') {
        use('implemented');
        const n = c.num(raw, p);
        if (n !== undefined) timeouts.streamFirstTokenMs = Math.round(n * 1000);
        c.from(['timeouts'], p);
      } else if (key === 'routing_strategy') {
        const strategy = c.str(raw, p);
        use('mapped');
        if (strategy && STRATEGIES[strategy]) {
          out.routing = { ...(out.routing as Obj | undefined), strategy: STRATEGIES[strategy] };
          c.from(['routing'], p);
        } else if (strategy) c.error(p, `unknown routing strategy "${strategy}"${didYouMean(strategy, Object.keys(STRATEGIES))} (supported: ${Object.keys(STRATEGIES).join(', ')})`);
      } else if (key === 'allowed_fails') {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined) breaker.consecutiveFailures = Math.max(1, Math.round(n) + 1);
        c.from(['breaker'], p);
      } else if (key === 'allowed_fails_policy') {
        use('mapped');
        allowedFailsPolicy(c, raw, p, breaker);
        c.from(['breaker'], p);
      } else if (key === 'cooldown_time') {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined) breaker.cooldownMs = Math.round(n * 1000);
        c.from(['breaker'], p);
      } else if (key === 'disable_cooldowns') {
        use('mapped');
        if (c.bool(raw, p) === true) breaker.enabled = false;
        c.from(['breaker'], p);
      } else if (key === 'enable_pre_call_checks') {
        use('mapped');
        out.contextWindowCheck = c.bool(raw, p) === true;
      } else if (key === 'model_group_alias') {
        use('implemented');
        modelGroupAlias(c, raw, p, out);
      } else if (key === 'enable_tag_filtering') {
        use('implemented');
        tagFiltering = c.bool(raw, p) === true;
      } else if (key === 'tag_filtering_match_any') {
        if (c.bool(raw, p) === false) c.security(p, name, 'tag matching that needs every requested tag is not available (a deployment with any requested tag serves)');
        else use('implemented');
      } else if ((section === 'router_settings' && key === 'cache_responses') || (section === 'litellm_settings' && key === 'cache')) {
        use('implemented');
        if (c.bool(raw, p) === true) out.cache = { ...(out.cache as Obj | undefined), enabled: true };
      } else if (section === 'litellm_settings' && key === 'cache_params') {
        use('mapped');
        const v = c.value(raw, p);
        if (isObj(v)) {
          if (v.type === 'redis-semantic' || v.type === 'qdrant-semantic') semanticCacheParams(c, v, p, out);
          else if (v.type !== undefined && v.type !== 'local') c.ignore(`litellm_settings.cache_params.type: ${String(v.type)}`, 'the response cache is in memory, per process');
          if (typeof v.ttl === 'number') out.cache = { ...(out.cache as Obj | undefined), ttlMs: Math.round(v.ttl * 1000) };
          c.from(['cache'], p);
        }
      } else if (section === 'litellm_settings' && key === 'max_budget') {
        use('mapped');
        const limit = c.num(raw, p);
        const window = budgetWindow(c, lite.budget_duration, [section, 'budget_duration']);
        if (limit !== undefined && window !== undefined) {
          out.budgets = [...((out.budgets as Obj[] | undefined) ?? []), { name: 'litellm max_budget', scope: 'global', limitUsd: limit, window }];
          c.from(['budgets'], p);
        }
      } else if (section === 'litellm_settings' && key === 'budget_duration') {
        use('mapped'); // read with max_budget
      } else if (key === 'drop_params') {
        use('mapped');
        const v = c.bool(raw, p);
        if (v !== undefined) {
          out.dropParams = v;
          c.from(['dropParams'], p);
        }
      } else if (section === 'router_settings' && /^redis_(host|port|password|url)$/.test(key)) {
        use('mapped'); // read together after the loop: the shared state store
      } else if (/^redis_|^cache_kwargs$/.test(key)) {
        use('unsupported');
        c.ignore(name, 'shared state stores are configured with `tracegate.store`; state is per process otherwise');
      } else if (/callback/.test(key)) {
        const v = c.value(raw, p);
        const list = (Array.isArray(v) ? v : [v]).map(String);
        const moderating = list.filter((cb) => SECURITY_CALLBACKS.test(cb));
        if (moderating.length) c.security(p, name, `content checks ${moderating.join(', ')} are not available (use guardrails: litellm_content_filter or tracegate's evaluators)`);
        else {
          use('unsupported');
          c.ignore(name, 'tracegate traces every call with OpenTelemetry: see the `telemetry` settings');
        }
      } else {
        use('unsupported');
        const hint = didYouMean(key, KNOWN_SETTINGS);
        if (hint) c.error(p, `unknown setting "${key}"${hint}`);
        else c.ignore(name, IGNORED[key]);
      }
    }
  }
  if (tagFiltering) {
    out.routing = { ...(out.routing as Obj | undefined), rules: tagRules(out) };
    c.from(['routing'], ['router_settings', 'enable_tag_filtering']);
  }
  const redisUrl = litellmRedisUrl(c, router);
  if (redisUrl) {
    out.store = { redis: { url: redisUrl } };
    c.from(['store'], ['router_settings', router.redis_url !== undefined ? 'redis_url' : 'redis_host']);
  }
  if (Object.keys(retry).length) out.retry = retry;
  if (Object.keys(breaker).length) out.breaker = breaker;
  if (Object.keys(timeouts).length) out.timeouts = timeouts;
  for (const [key, raw] of Object.entries(general)) {
    const p: ConfigPath = ['general_settings', key];
    const name = `general_settings.${key}`;
    if (key === 'master_key') {
      c.use(name, 'implemented');
      out.masterKey = c.str(raw, p);
      c.from(['masterKey'], p);
    } else if (key === 'enforce_user_param') {
      c.use(name, 'implemented');
      if (c.bool(raw, p) === true) out.enforceUserParam = true;
    } else if (SECURITY[name]) {
      c.security(p, name, SECURITY[name]!);
    } else {
      c.use(name, 'unsupported');
      c.ignore(name, IGNORED[key] ?? 'not used by tracegate');
    }
  }
}

/**
 * LiteLLM's semantic caches (`type: redis-semantic` / `qdrant-semantic`) → `cache.semantic`: the
 * embeddings model (a model_name of the model_list), `similarity_threshold`, `ttl`. The scope stays
 * tracegate's default, `key` (LiteLLM shares semantic answers across keys; tracegate does not unless
 * `scope: global` is set natively), and the vectors live in tracegate's own index and store.
 */
function semanticCacheParams(c: Converter, v: Obj, p: ConfigPath, out: Obj): void {
  const model = v.redis_semantic_cache_embedding_model ?? v.qdrant_semantic_cache_embedding_model;
  const semantic: Obj = {};
  if (typeof model === 'string' && model) semantic.embeddingModel = model;
  else c.error([...p, 'redis_semantic_cache_embedding_model'], `the ${String(v.type)} cache needs its embeddings model (a model_name of the model_list)`);
  if (typeof v.similarity_threshold === 'number') semantic.threshold = v.similarity_threshold;
  if (typeof v.ttl === 'number') semantic.ttlMs = Math.round(v.ttl * 1000);
  out.cache = { ...(out.cache as Obj | undefined), semantic };
  c.warnings.add(
    `litellm_settings.cache_params.type: ${String(v.type)}: mapped to cache.semantic with scope "key": an answer is served only to the virtual key it was given to (LiteLLM shares it across keys); the vectors are kept in tracegate's own index and state store, not in a Redis or Qdrant vector index`,
  );
  for (const k of Object.keys(v)) {
    if (/^(qdrant_|redis_semantic_cache_index|redis_semantic_cache_use_async)/.test(k) && k !== 'qdrant_semantic_cache_embedding_model') c.ignore(`litellm_settings.cache_params.${k}`);
  }
}
