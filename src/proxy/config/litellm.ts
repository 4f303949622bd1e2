/**
 * Reading LiteLLM's proxy `config.yaml`: `model_list` (`model_name` + `litellm_params` with a
 * `provider/model` string, `api_base`, `api_key`, `api_version`, `rpm`, `tpm`, timeouts, costs,
 * AWS keys), `router_settings`, `litellm_settings`, `general_settings.master_key` and
 * `environment_variables`, into the native config. Values are interpolated only where they are
 * used (`os.environ/NAME`, `${NAME}`), so an ignored setting that names an unset variable does
 * not stop the proxy. What has no equivalent is a warning (or an error when ignoring it would
 * change who is called or how: unknown providers, Vertex, AWS roles and profiles). A top-level
 * `tracegate:` section holds native settings (keys, server, guardrails, telemetry, budgets...).
 * docs/proxy.md has the table.
 */
import { interpolate, type ConfigPath, type MissingVariable } from './interpolate.js';
import type { ConfigIssue } from './source.js';
import { formatConfigPath } from './source.js';

/** Provider prefixes (`openai/gpt-4o`) and the tracegate provider each maps to. */
export const LITELLM_PROVIDERS: Record<string, string> = {
  openai: 'openai',
  azure: 'azure',
  anthropic: 'anthropic',
  gemini: 'gemini',
  bedrock: 'bedrock',
  groq: 'groq',
  mistral: 'mistral',
  deepseek: 'deepseek',
  together_ai: 'together',
  openrouter: 'openrouter',
  xai: 'xai',
  ollama: 'ollama',
  ollama_chat: 'ollama',
  hosted_vllm: 'vllm',
};

const STRATEGIES: Record<string, string> = {
  'simple-shuffle': 'weighted',
  'least-busy': 'least-busy',
  'latency-based-routing': 'latency',
  'usage-based-routing': 'headroom',
  'usage-based-routing-v2': 'headroom',
  'cost-based-routing': 'cost',
};

/** litellm_params string values and the model-entry field each becomes. */
const STRING_PARAMS: Record<string, string> = {
  api_base: 'baseURL',
  base_url: 'baseURL',
  aws_bedrock_runtime_endpoint: 'baseURL',
  api_key: 'apiKey',
  api_version: 'apiVersion',
  aws_access_key_id: 'accessKeyId',
  aws_secret_access_key: 'secretAccessKey',
  aws_session_token: 'sessionToken',
  aws_region_name: 'region',
};

const NUMBER_PARAMS: Record<string, string> = { rpm: 'rpm', tpm: 'tpm', weight: 'weight' };

/** litellm_params keys that would change auth or the endpoint if ignored: an error, not a warning. */
const UNSUPPORTED_PARAMS = /^(vertex_|aws_role_name$|aws_profile_name$|aws_session_name$|aws_web_identity_token$|aws_sts_endpoint$|azure_ad_token_provider$|tenant_id$|client_id$|client_secret$)/;

interface OriginEntry {
  native: ConfigPath;
  source: ConfigPath;
  /** The rest of the path is the same below both (sections copied as they are). */
  sameShape: boolean;
}

export interface LiteLLMConversion {
  native: Record<string, unknown>;
  warnings: string[];
  issues: ConfigIssue[];
  missing: MissingVariable[];
  /** Maps a native path to the LiteLLM path it came from. */
  origin(native: ConfigPath): ConfigPath;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function startsWith(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

class Converter {
  readonly warnings = new Set<string>();
  readonly issues: ConfigIssue[] = [];
  readonly missing: MissingVariable[] = [];
  readonly origins: OriginEntry[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The value at `path`, interpolated (missing variables reported at that path). */
  value(raw: unknown, path: ConfigPath): unknown {
    const r = interpolate(raw, this.env);
    for (const m of r.missing) this.missing.push({ name: m.name, path: [...path, ...m.path] });
    return r.value;
  }

  num(raw: unknown, path: ConfigPath): number | undefined {
    const v = this.value(raw, path);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    this.error(path, `expected a number, got ${JSON.stringify(v)}`);
    return undefined;
  }

  str(raw: unknown, path: ConfigPath): string | undefined {
    const v = this.value(raw, path);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.error(path, `expected a string, got ${JSON.stringify(v)}`);
    return undefined;
  }

  error(path: ConfigPath, message: string): void {
    this.issues.push({ path: formatConfigPath(path), message });
  }

  ignore(path: string, why = 'not used by tracegate'): void {
    this.warnings.add(`${path}: ignored (${why})`);
  }

  from(native: ConfigPath, source: ConfigPath, sameShape = false): void {
    this.origins.push({ native, source, sameShape });
  }

  origin(native: ConfigPath): ConfigPath {
    let best: OriginEntry | undefined;
    for (const o of this.origins) if (startsWith(native, o.native) && (!best || o.native.length > best.native.length)) best = o;
    if (!best) return native;
    return best.sameShape ? [...best.source, ...native.slice(best.native.length)] : best.source;
  }
}

function inferProvider(model: string): string | undefined {
  if (/^(gpt-|o\d|chatgpt-|text-embedding-|dall-e|whisper|tts-)/.test(model)) return 'openai';
  if (model.startsWith('claude')) return 'anthropic';
  if (model.startsWith('gemini') || model.startsWith('text-embedding-004')) return 'gemini';
  return undefined;
}

function convertModel(c: Converter, entry: unknown, i: number): Obj | undefined {
  const at: ConfigPath = ['model_list', i];
  if (!isObj(entry)) {
    c.error(at, 'expected an object with model_name and litellm_params');
    return undefined;
  }
  const name = c.str(entry.model_name, [...at, 'model_name']);
  const params = entry.litellm_params;
  if (!name) {
    if (entry.model_name === undefined) c.error([...at, 'model_name'], 'required');
    return undefined;
  }
  if (!isObj(params)) {
    c.error([...at, 'litellm_params'], 'required: an object with at least `model`');
    return undefined;
  }
  const pAt: ConfigPath = [...at, 'litellm_params'];
  const modelString = c.str(params.model, [...pAt, 'model']);
  if (!modelString) {
    if (params.model === undefined) c.error([...pAt, 'model'], 'required');
    return undefined;
  }
  const custom = params.custom_llm_provider !== undefined ? c.str(params.custom_llm_provider, [...pAt, 'custom_llm_provider']) : undefined;
  const slash = modelString.indexOf('/');
  let prefix: string | undefined;
  let model = modelString;
  if (custom !== undefined) {
    prefix = custom;
    if (modelString.startsWith(`${custom}/`)) model = modelString.slice(custom.length + 1);
  } else if (slash > 0) {
    prefix = modelString.slice(0, slash);
    model = modelString.slice(slash + 1);
  }
  let provider: string | undefined;
  if (prefix !== undefined) {
    provider = LITELLM_PROVIDERS[prefix];
    if (!provider) {
      c.error([...pAt, custom !== undefined ? 'custom_llm_provider' : 'model'], `provider "${prefix}" is not supported by tracegate (supported prefixes: ${Object.keys(LITELLM_PROVIDERS).join(', ')})`);
      return undefined;
    }
  } else {
    provider = inferProvider(modelString);
    if (!provider) {
      c.error([...pAt, 'model'], `cannot tell the provider of "${modelString}"; write it as "<provider>/<model>", e.g. "openai/${modelString}"`);
      return undefined;
    }
  }
  if (provider === 'bedrock') model = model.replace(/^(converse|invoke)\//, '');
  const out: Obj = { name, provider, model };
  c.from(['models', i], at);
  c.from(['models', i, 'name'], [...at, 'model_name']);
  c.from(['models', i, 'provider'], [...pAt, 'model']);
  c.from(['models', i, 'model'], [...pAt, 'model']);
  const timeouts: Obj = {};
  const price: Obj = {};
  const headers: Obj = {};
  const set = (field: string, key: string, value: unknown) => {
    if (value === undefined) return;
    out[field] = value;
    c.from(['models', i, field], [...pAt, key]);
  };
  for (const [key, raw] of Object.entries(params)) {
    const p: ConfigPath = [...pAt, key];
    const strField = STRING_PARAMS[key];
    if (strField) {
      const v = c.str(raw, p);
      set(strField, key, strField === 'baseURL' ? v?.replace(/\/+$/, '') : v);
      continue;
    }
    const numField = NUMBER_PARAMS[key];
    if (numField) {
      set(numField, key, c.num(raw, p));
      continue;
    }
    switch (key) {
      case 'model':
      case 'custom_llm_provider':
        break;
      case 'order': {
        const n = c.num(raw, p);
        if (n !== undefined) set('priority', key, Math.max(0, Math.round(n) - 1));
        break;
      }
      case 'timeout':
      case 'stream_timeout': {
        const n = c.num(raw, p);
        if (n !== undefined) timeouts[key === 'timeout' ? 'totalMs' : 'firstTokenMs'] = Math.round(n * 1000);
        c.from(['models', i, 'timeouts'], p);
        break;
      }
      case 'input_cost_per_token':
      case 'output_cost_per_token': {
        const n = c.num(raw, p);
        if (n !== undefined) price[key.startsWith('input') ? 'input' : 'output'] = n * 1_000_000;
        c.from(['models', i, 'price'], p);
        break;
      }
      case 'organization': {
        const org = c.str(raw, p);
        if (org) headers['OpenAI-Organization'] = org;
        break;
      }
      case 'extra_headers': {
        const v = c.value(raw, p);
        if (isObj(v)) for (const [h, hv] of Object.entries(v)) headers[h] = String(hv);
        else c.error(p, 'expected a map of header names to values');
        break;
      }
      case 'tags': {
        const v = c.value(raw, p);
        if (Array.isArray(v)) set('tags', key, v.map(String));
        break;
      }
      case 'max_retries':
        c.ignore(`model_list[].litellm_params.${key}`, 'tracegate owns retries: router_settings.num_retries');
        break;
      default:
        if (UNSUPPORTED_PARAMS.test(key)) c.error(p, `"${key}" is not supported by tracegate`);
        else c.ignore(`model_list[].litellm_params.${key}`, 'default request parameters and other provider settings are not applied');
    }
  }
  if (Object.keys(timeouts).length) out.timeouts = timeouts;
  if (Object.keys(headers).length) out.headers = headers;
  for (const key of ['rpm', 'tpm'] as const) {
    if (entry[key] !== undefined && out[key] === undefined) set(key, key, c.num(entry[key], [...at, key]));
    if (entry[key] !== undefined) c.from(['models', i, key], [...at, key]);
  }
  const info = entry.model_info;
  if (isObj(info)) {
    const iAt: ConfigPath = [...at, 'model_info'];
    if (info.id !== undefined) {
      out.id = c.str(info.id, [...iAt, 'id']);
      c.from(['models', i, 'id'], [...iAt, 'id']);
    }
    const caps: Obj = {};
    if (info.max_input_tokens !== undefined) caps.contextWindow = c.num(info.max_input_tokens, [...iAt, 'max_input_tokens']);
    if (info.max_output_tokens !== undefined) caps.maxOutputTokens = c.num(info.max_output_tokens, [...iAt, 'max_output_tokens']);
    if (Object.keys(caps).length) {
      out.capabilities = caps;
      c.from(['models', i, 'capabilities'], iAt);
    }
    for (const key of ['input_cost_per_token', 'output_cost_per_token'] as const) {
      if (info[key] !== undefined && price[key.startsWith('input') ? 'input' : 'output'] === undefined) {
        const n = c.num(info[key], [...iAt, key]);
        if (n !== undefined) price[key.startsWith('input') ? 'input' : 'output'] = n * 1_000_000;
        c.from(['models', i, 'price'], [...iAt, key]);
      }
    }
    if (provider === 'azure' && typeof info.base_model === 'string') {
      // `azure/<deployment>`: the deployment is the path name, the base model the catalog entry.
      out.deployment = model;
      out.model = info.base_model.replace(/^azure\//, '');
    }
  }
  if (Object.keys(price).length) {
    if (price.input === undefined || price.output === undefined) c.error(pAt, 'give both input_cost_per_token and output_cost_per_token (or neither)');
    else out.price = price;
  }
  return out;
}

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

/** `router_settings.redis_url`, or a URL from `redis_host` / `redis_port` / `redis_password` (LiteLLM's shared state). */
function litellmRedisUrl(c: Converter, router: Obj): string | undefined {
  const p = (key: string): ConfigPath => ['router_settings', key];
  if (router.redis_url !== undefined) return c.str(router.redis_url, p('redis_url'));
  if (router.redis_host === undefined) return undefined;
  const host = c.str(router.redis_host, p('redis_host'));
  const port = router.redis_port !== undefined ? c.num(router.redis_port, p('redis_port')) : 6379;
  const password = router.redis_password !== undefined ? c.str(router.redis_password, p('redis_password')) : undefined;
  if (!host || port === undefined) return undefined;
  return `redis://${password ? `:${encodeURIComponent(password)}@` : ''}${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function convertSettings(c: Converter, doc: Obj, out: Obj): void {
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
  // litellm_settings first, router_settings second: the router's own settings win.
  for (const [section, s] of sections) {
    for (const [key, raw] of Object.entries(s)) {
      const p: ConfigPath = [section, key];
      if (fallbackKinds[key]) {
        const map = fallbackMap(c, raw, p);
        if (map) {
          out[fallbackKinds[key]!] = { ...(out[fallbackKinds[key]!] as Obj | undefined), ...map };
          c.from([fallbackKinds[key]!], p);
        }
      } else if (key === 'default_fallbacks') {
        const v = c.value(raw, p);
        const list = Array.isArray(v) ? v.map(String) : [];
        out.fallbacks = { ...(out.fallbacks as Obj | undefined), '*': list };
        c.from(['fallbacks'], p);
      } else if (key === 'num_retries') {
        const n = c.num(raw, p);
        if (n !== undefined) retry.maxAttempts = Math.max(1, Math.round(n) + 1);
        c.from(['retry'], p);
      } else if (key === 'timeout' || key === 'request_timeout') {
        const n = c.num(raw, p);
        if (n !== undefined && (section === 'router_settings' || timeouts.totalMs === undefined)) timeouts.totalMs = Math.round(n * 1000);
        c.from(['timeouts'], p);
      } else if (section === 'router_settings' && key === 'routing_strategy') {
        const name = c.str(raw, p);
        if (name && STRATEGIES[name]) {
          out.routing = { strategy: STRATEGIES[name] };
          c.from(['routing'], p);
        } else if (name) c.error(p, `unknown routing strategy "${name}" (supported: ${Object.keys(STRATEGIES).join(', ')})`);
      } else if (section === 'router_settings' && key === 'allowed_fails') {
        const n = c.num(raw, p);
        if (n !== undefined) breaker.consecutiveFailures = Math.max(1, Math.round(n) + 1);
        c.from(['breaker'], p);
      } else if (section === 'router_settings' && key === 'cooldown_time') {
        const n = c.num(raw, p);
        if (n !== undefined) breaker.cooldownMs = Math.round(n * 1000);
        c.from(['breaker'], p);
      } else if (section === 'router_settings' && key === 'enable_pre_call_checks') {
        out.contextWindowCheck = c.value(raw, p) === true;
      } else if ((section === 'router_settings' && key === 'cache_responses') || (section === 'litellm_settings' && key === 'cache')) {
        if (c.value(raw, p) === true) out.cache = { ...(out.cache as Obj | undefined), enabled: true };
      } else if (section === 'litellm_settings' && key === 'cache_params') {
        const v = c.value(raw, p);
        if (isObj(v)) {
          if (v.type !== undefined && v.type !== 'local') c.ignore(`litellm_settings.cache_params.type: ${String(v.type)}`, 'the cache is in memory, per process');
          if (typeof v.ttl === 'number') out.cache = { ...(out.cache as Obj | undefined), ttlMs: Math.round(v.ttl * 1000) };
          c.from(['cache'], p);
        }
      } else if (section === 'litellm_settings' && key === 'max_budget') {
        const limit = c.num(raw, p);
        const window = budgetWindow(c, lite.budget_duration, [section, 'budget_duration']);
        if (limit !== undefined && window !== undefined) {
          out.budgets = [{ name: 'litellm max_budget', scope: 'global', limitUsd: limit, window }];
          c.from(['budgets'], p);
        }
      } else if (section === 'litellm_settings' && key === 'budget_duration') {
        // read with max_budget
      } else if (section === 'router_settings' && /^redis_(host|port|password|url)$/.test(key)) {
        // read together after the loop: the shared state store
      } else if (/^redis_|^cache_kwargs$/.test(key)) {
        c.ignore(`${section}.${key}`, 'the shared store is chosen by router_settings.redis_url, or redis_host / redis_port / redis_password');
      } else if (/callback/.test(key)) {
        c.ignore(`${section}.${key}`, 'tracegate traces every call with OpenTelemetry: see the `telemetry` settings');
      } else {
        c.ignore(`${section}.${key}`);
      }
    }
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
    if (key === 'master_key') {
      out.masterKey = c.str(raw, p);
      c.from(['masterKey'], p);
    } else c.ignore(`general_settings.${key}`, key === 'database_url' ? 'virtual keys are defined in the config file: `tracegate.keys`' : 'not used by tracegate');
  }
}

const TOP_LEVEL = new Set(['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'environment_variables', 'tracegate']);

/** Converts a parsed LiteLLM config (not yet interpolated) to a native config object. */
export function convertLiteLLM(doc: Obj, processEnv: NodeJS.ProcessEnv): LiteLLMConversion {
  const fileEnv: NodeJS.ProcessEnv = {};
  if (isObj(doc.environment_variables)) for (const [k, v] of Object.entries(doc.environment_variables)) fileEnv[k] = String(v);
  const c = new Converter({ ...fileEnv, ...processEnv });
  const out: Obj = {};
  if (!Array.isArray(doc.model_list)) c.error(['model_list'], 'expected a list of models');
  const models = (Array.isArray(doc.model_list) ? doc.model_list : []).map((m, i) => convertModel(c, m, i));
  out.models = models.filter((m): m is Obj => m !== undefined);
  convertSettings(c, doc, out);
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) c.ignore(key);
  if (doc.tracegate !== undefined) {
    const extra = c.value(doc.tracegate, ['tracegate']);
    if (!isObj(extra)) c.error(['tracegate'], 'expected an object of native settings (keys, server, guardrails, telemetry, ...)');
    else {
      for (const [k, v] of Object.entries(extra)) {
        if (k === 'models') {
          c.error(['tracegate', 'models'], 'models belong in model_list');
          continue;
        }
        out[k] = v;
        c.from([k], ['tracegate', k], true);
      }
    }
  }
  return { native: out, warnings: [...c.warnings], issues: c.issues, missing: c.missing, origin: (p) => c.origin(p) };
}

/** True when a parsed config is LiteLLM's (it has `model_list`). */
export function isLiteLLMConfig(doc: unknown): doc is Obj {
  return isObj(doc) && 'model_list' in doc;
}
