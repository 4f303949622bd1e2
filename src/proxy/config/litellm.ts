/**
 * Reading LiteLLM's proxy `config.yaml` into the native config: `model_list` (`model_name` +
 * `litellm_params` with a `provider/model` string, keys, bases, limits, timeouts, costs, AWS
 * keys; wildcard entries), `router_settings`, `litellm_settings`, `general_settings`,
 * `guardrails` and `environment_variables`. The one reader of the format: the proxy and
 * `tracegate report --config` both use it.
 *
 * Values are interpolated only where they are used (`os.environ/NAME`, `${NAME}`), so an ignored
 * setting that names an unset variable does not stop the proxy. Every key met is recorded as
 * implemented (same meaning), mapped (to a tracegate setting of another shape) or unsupported
 * (a warning; an error when ignoring it would change who is called or how, or let through what
 * LiteLLM would block or meter, unless `allowIgnoredSecurity`). A top-level `tracegate:` section
 * holds native settings (keys, server, guardrails, telemetry, budgets...). docs/proxy.md has the
 * table.
 */
import { interpolate, type ConfigPath, type MissingVariable } from './interpolate.js';
import { CATCH_ALL_PATTERNS, inferProvider, LITELLM_PROVIDERS, splitPrefix, UNSUPPORTED_PREFIXES } from './litellm-providers.js';
import { convertGuardrails } from './litellm-guardrails.js';
import { convertSettings } from './litellm-settings.js';
import { applyProviderEnv } from './provider-env.js';
import type { ConfigIssue } from './source.js';
import { formatConfigPath } from './source.js';
import { didYouMean } from '../../suggest.js';

export { LITELLM_PROVIDERS } from './litellm-providers.js';

export type KeyKind = 'implemented' | 'mapped' | 'unsupported';

export interface LiteLLMOptions {
  /** Leave out deployments whose provider tracegate does not have (a warning each) instead of failing. */
  skipUnsupported?: boolean;
  /** Turn the errors about ignored security settings (guardrails, budgets, limits...) into warnings. */
  allowIgnoredSecurity?: boolean;
  /** Read what can be read and report no error (tracegate report: labels only, no credentials). */
  lenient?: boolean;
}

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
  /** Every LiteLLM key met (`router_settings.num_retries`, `model_list[].litellm_params.api_key`, ...) and how it was handled. */
  keys: Map<string, KeyKind>;
  /** Maps a native path to the LiteLLM path it came from. */
  origin(native: ConfigPath): ConfigPath;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function startsWith(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

export class Converter {
  readonly warnings = new Set<string>();
  readonly issues: ConfigIssue[] = [];
  readonly missing: MissingVariable[] = [];
  readonly origins: OriginEntry[] = [];
  readonly keys = new Map<string, KeyKind>();

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly options: LiteLLMOptions,
  ) {}

  /** Records how a LiteLLM key is handled (`section.key`, `model_list[].litellm_params.key`). */
  use(key: string, kind: KeyKind): void {
    const was = this.keys.get(key);
    if (!was || (was === 'unsupported' && kind !== 'unsupported')) this.keys.set(key, kind);
  }

  /** The value at `path`, interpolated (missing variables reported at that path). */
  value(raw: unknown, path: ConfigPath): unknown {
    const r = interpolate(raw, this.env);
    if (!this.options.lenient) for (const m of r.missing) this.missing.push({ name: m.name, path: [...path, ...m.path] });
    return r.value;
  }

  num(raw: unknown, path: ConfigPath): number | undefined {
    const v = this.value(raw, path);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v.replace(/_/g, '')) : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    this.error(path, `expected a number, got ${JSON.stringify(v)}`);
    return undefined;
  }

  str(raw: unknown, path: ConfigPath): string | undefined {
    const v = this.value(raw, path);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    this.error(path, `expected a string, got ${JSON.stringify(v)}`);
    return undefined;
  }

  bool(raw: unknown, path: ConfigPath): boolean | undefined {
    const v = this.value(raw, path);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false|yes|no|on|off|1|0)$/i.test(v.trim())) return /^(true|yes|on|1)$/i.test(v.trim());
    this.error(path, `expected true or false, got ${JSON.stringify(v)}`);
    return undefined;
  }

  error(path: ConfigPath, message: string): void {
    if (!this.options.lenient) this.issues.push({ path: formatConfigPath(path), message });
  }

  ignore(path: string, why = 'not used by tracegate'): void {
    this.warnings.add(`${path}: ignored (${why})`);
  }

  /** A setting whose absence could let through what LiteLLM would block or meter: an error unless allowed. */
  security(path: ConfigPath, key: string, why: string): void {
    this.use(key, 'unsupported');
    if (this.options.allowIgnoredSecurity || this.options.lenient) {
      this.warnings.add(`${formatConfigPath(path)}: IGNORED security setting (${why}); allowed by --allow-ignored-security-settings`);
    } else {
      this.error(path, `${why}; tracegate would serve without it (start with --allow-ignored-security-settings to accept that)`);
    }
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

/** litellm_params string values and the model-entry field each becomes. */
const STRING_PARAMS: Record<string, [field: string, kind: KeyKind]> = {
  api_base: ['baseURL', 'implemented'],
  base_url: ['baseURL', 'implemented'],
  aws_bedrock_runtime_endpoint: ['baseURL', 'mapped'],
  api_key: ['apiKey', 'implemented'],
  api_version: ['apiVersion', 'implemented'],
  azure_ad_token: ['azureADToken', 'implemented'],
  aws_access_key_id: ['accessKeyId', 'implemented'],
  aws_secret_access_key: ['secretAccessKey', 'implemented'],
  aws_session_token: ['sessionToken', 'implemented'],
  aws_region_name: ['region', 'implemented'],
  aws_profile_name: ['profile', 'implemented'],
};

const NUMBER_PARAMS: Record<string, string> = { rpm: 'rpm', tpm: 'tpm', weight: 'weight' };

/** litellm_params keys that would change auth or the endpoint if ignored: an error, not a warning. */
const UNSUPPORTED_PARAMS =
  /^(vertex_|aws_role_name$|aws_session_name$|aws_web_identity_token$|aws_sts_endpoint$|azure_ad_token_provider$|tenant_id$|client_id$|client_secret$|litellm_credential_name$|use_in_pass_through$|azure_username$|azure_password$)/;

/** Default request parameters LiteLLM adds to every call of the deployment: the entry's `defaults` (sent when the caller sent none). */
const DEFAULT_PARAMS = new Set(['temperature', 'max_tokens', 'max_completion_tokens', 'top_p', 'seed', 'stop', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'response_format', 'reasoning_effort']);

/** Every litellm_params key tracegate reads (for "did you mean"). */
const KNOWN_PARAMS = [
  ...Object.keys(STRING_PARAMS),
  ...Object.keys(NUMBER_PARAMS),
  'model',
  'custom_llm_provider',
  'order',
  'timeout',
  'stream_timeout',
  'input_cost_per_token',
  'output_cost_per_token',
  'organization',
  'extra_headers',
  'headers',
  'tags',
  'max_retries',
  'additional_drop_params',
  'drop_params',
  'tracegate_variants',
  ...DEFAULT_PARAMS,
];

/** Other request-level litellm_params tracegate does not apply (warned and ignored). */
const REQUEST_PARAMS = /^(n|user|stream|mock_response|mock_timeout|region_name|input_cost_per_second|output_cost_per_second|tag_regex|num_retries|cache_control_injection_points|thinking|merge_reasoning_content_in_choices|supports_system_message|use_litellm_proxy)$/;

/** A wildcard `*` in a model name (LiteLLM's provider/pattern routing). */
export function isWildcard(name: string): boolean {
  return name.includes('*');
}

/** The entries of `model_list[i]` (none, one, or several for `model: "*"`), to be models[n], models[n + 1]... */
function convertModel(c: Converter, entry: unknown, i: number, n: number): Obj[] {
  const at: ConfigPath = ['model_list', i];
  if (!isObj(entry)) {
    c.error(at, 'expected an object with model_name and litellm_params');
    return [];
  }
  for (const key of Object.keys(entry)) {
    if (!['model_name', 'litellm_params', 'model_info', 'rpm', 'tpm'].includes(key)) {
      c.use(`model_list[].${key}`, 'unsupported');
      const hint = didYouMean(key, ['model_name', 'litellm_params', 'model_info']);
      if (hint) c.error([...at, key], `unknown key "${key}"${hint}`);
      else c.ignore(`model_list[].${key}`);
    }
  }
  c.use('model_list[].model_name', 'implemented');
  c.use('model_list[].litellm_params', 'implemented');
  const name = c.str(entry.model_name, [...at, 'model_name']);
  const params = entry.litellm_params;
  if (!name) {
    if (entry.model_name === undefined) c.error([...at, 'model_name'], 'required');
    return [];
  }
  if (!isObj(params)) {
    c.error([...at, 'litellm_params'], 'required: an object with at least `model`');
    return [];
  }
  const pAt: ConfigPath = [...at, 'litellm_params'];
  const modelString = c.str(params.model, [...pAt, 'model']);
  if (!modelString) {
    if (params.model === undefined) c.error([...pAt, 'model'], 'required');
    return [];
  }
  c.use('model_list[].litellm_params.model', 'implemented');
  if (modelString === '*') return catchAll(c, name, n, at);
  const custom = params.custom_llm_provider != null ? c.str(params.custom_llm_provider, [...pAt, 'custom_llm_provider']) : undefined;
  if (custom !== undefined) c.use('model_list[].litellm_params.custom_llm_provider', 'implemented');
  let prefix: string | undefined;
  let model = modelString;
  if (custom !== undefined) {
    prefix = custom;
    if (modelString.startsWith(`${custom}/`)) model = modelString.slice(custom.length + 1);
  } else {
    const split = splitPrefix(modelString);
    prefix = split.prefix;
    model = split.model;
  }
  let provider: string | undefined;
  const where: ConfigPath = [...pAt, custom !== undefined ? 'custom_llm_provider' : 'model'];
  if (prefix !== undefined) {
    provider = LITELLM_PROVIDERS[prefix];
    if (!provider) {
      const known = UNSUPPORTED_PREFIXES.has(prefix);
      const why = known
        ? `provider "${prefix}" is not supported by tracegate`
        : `"${prefix}" is not a LiteLLM provider prefix${didYouMean(prefix, Object.keys(LITELLM_PROVIDERS))}`;
      if (c.options.lenient) provider = prefix;
      else if (c.options.skipUnsupported) {
        c.warnings.add(`${formatConfigPath(where)}: ${why}: deployment "${name}" left out (--skip-unsupported)`);
        return [];
      } else {
        c.error(where, `${why} (supported prefixes: ${Object.keys(LITELLM_PROVIDERS).join(', ')}); or start with --skip-unsupported to leave this deployment out`);
        return [];
      }
    }
  } else {
    provider = inferProvider(modelString);
    if (!provider) {
      if (c.options.lenient) provider = 'openai';
      else {
        c.error(where, `cannot tell the provider of "${modelString}"; write it as "<provider>/<model>", e.g. "openai/${modelString}"`);
        return [];
      }
    }
  }
  if (provider === 'bedrock') model = model.replace(/^(converse|invoke)\//, '');
  if (!model) {
    c.warnings.add(`${formatConfigPath([...pAt, 'model'])}: "${modelString}" names no model (LiteLLM image/audio deployments): deployment "${name}" left out`);
    return [];
  }
  const out: Obj = { name, provider, model };
  const idx = n;
  c.from(['models', idx], at);
  c.from(['models', idx, 'name'], [...at, 'model_name']);
  c.from(['models', idx, 'provider'], [...pAt, 'model']);
  c.from(['models', idx, 'model'], [...pAt, 'model']);
  const timeouts: Obj = {};
  const price: Obj = {};
  const headers: Obj = {};
  const defaults: Obj = {};
  const set = (field: string, key: string, value: unknown) => {
    if (value === undefined) return;
    out[field] = value;
    c.from(['models', idx, field], [...pAt, key]);
  };
  for (const [key, raw] of Object.entries(params)) {
    const p: ConfigPath = [...pAt, key];
    const use = (kind: KeyKind) => c.use(`model_list[].litellm_params.${key}`, kind);
    const strField = STRING_PARAMS[key];
    if (strField) {
      use(strField[1]);
      if (raw == null) continue; // `api_key:` with no value: the provider's environment variable is used
      const v = c.str(raw, p);
      set(strField[0], key, strField[0] === 'baseURL' ? v?.replace(/\/+$/, '') : v);
      continue;
    }
    const numField = NUMBER_PARAMS[key];
    if (numField) {
      use('implemented');
      set(numField, key, c.num(raw, p));
      continue;
    }
    switch (key) {
      case 'model':
      case 'custom_llm_provider':
        break;
      case 'order': {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined) set('priority', key, Math.max(0, Math.round(n) - 1));
        break;
      }
      case 'timeout':
      case 'stream_timeout': {
        use('implemented');
        const n = c.num(raw, p);
        if (n !== undefined) {
          // timeout: the whole answer of this deployment; stream_timeout: streams only, until the first token.
          timeouts[key === 'timeout' ? 'firstTokenMs' : 'streamFirstTokenMs'] = Math.round(n * 1000);
        }
        c.from(['models', idx, 'timeouts'], p);
        break;
      }
      case 'input_cost_per_token':
      case 'output_cost_per_token': {
        use('mapped');
        const n = c.num(raw, p);
        if (n !== undefined) price[key.startsWith('input') ? 'input' : 'output'] = n * 1_000_000;
        c.from(['models', idx, 'price'], p);
        break;
      }
      case 'organization': {
        use('mapped');
        const org = c.value(raw, p);
        if (typeof org === 'string' && org) headers['OpenAI-Organization'] = org;
        else if (Array.isArray(org)) c.error(p, 'a list of organizations (one deployment each) is not supported: write one entry per organization');
        break;
      }
      case 'extra_headers':
      case 'headers': {
        use('mapped');
        const v = c.value(raw, p);
        if (isObj(v)) for (const [h, hv] of Object.entries(v)) headers[h] = String(hv);
        else c.error(p, 'expected a map of header names to values');
        break;
      }
      case 'tags': {
        use('implemented');
        const v = c.value(raw, p);
        if (Array.isArray(v)) set('tags', key, v.map(String));
        break;
      }
      case 'additional_drop_params': {
        use('mapped');
        const v = c.value(raw, p);
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) set('drop', key, v);
        else c.error(p, 'expected a list of parameter names');
        break;
      }
      case 'drop_params': {
        use('mapped');
        set('dropParams', key, c.bool(raw, p));
        break;
      }
      case 'tracegate_variants': {
        // tracegate's extension (LiteLLM has no variants): the native `variants` list as is.
        use('implemented');
        const v = c.value(raw, p);
        if (Array.isArray(v)) set('variants', key, v);
        else c.error(p, 'expected a list of variants: [{ name, weight, defaults?, override?, drop?, system?, extraBody?, extraHeaders?, dropParams? }]');
        break;
      }
      case 'max_retries':
        use('unsupported');
        c.ignore(`model_list[].litellm_params.${key}`, 'tracegate owns retries: router_settings.num_retries');
        break;
      case 'max_budget':
      case 'budget_duration':
        c.security(p, `model_list[].litellm_params.${key}`, 'per-deployment budgets are not available');
        break;
      default: {
        if (DEFAULT_PARAMS.has(key)) {
          use('mapped');
          const v = c.value(raw, p);
          if (v !== undefined && v !== null) defaults[key] = v;
          c.from(['models', idx, 'defaults', key], p);
          break;
        }
        if (UNSUPPORTED_PARAMS.test(key)) {
          use('unsupported');
          c.error(p, `"${key}" is not supported by tracegate`);
          break;
        }
        use('unsupported');
        const hint = REQUEST_PARAMS.test(key) ? '' : didYouMean(key, KNOWN_PARAMS);
        if (hint) c.error(p, `unknown setting "${key}"${hint}`);
        else c.ignore(`model_list[].litellm_params.${key}`, 'default request parameters and other provider settings are not applied');
      }
    }
  }
  if (Object.keys(timeouts).length) out.timeouts = timeouts;
  if (Object.keys(headers).length) out.headers = headers;
  if (Object.keys(defaults).length) out.defaults = defaults;
  for (const key of ['rpm', 'tpm'] as const) {
    if (entry[key] === undefined) continue;
    c.use(`model_list[].${key}`, 'implemented');
    if (out[key] === undefined) set(key, key, c.num(entry[key], [...at, key]));
    c.from(['models', idx, key], [...at, key]);
  }
  convertModelInfo(c, entry.model_info, at, idx, out, price, provider, model);
  if (Object.keys(price).length) {
    if (price.input === undefined || price.output === undefined) c.error(pAt, 'give both input_cost_per_token and output_cost_per_token (or neither)');
    else out.price = price;
  }
  return [out];
}

function convertModelInfo(c: Converter, info: unknown, at: ConfigPath, idx: number, out: Obj, price: Obj, provider: string, model: string): void {
  if (!isObj(info)) return;
  const iAt: ConfigPath = [...at, 'model_info'];
  const caps: Obj = {};
  for (const [key, raw] of Object.entries(info)) {
    const use = (kind: KeyKind) => c.use(`model_list[].model_info.${key}`, kind);
    const p: ConfigPath = [...iAt, key];
    switch (key) {
      case 'id':
        use('implemented');
        out.id = c.str(raw, p);
        c.from(['models', idx, 'id'], p);
        break;
      case 'max_input_tokens':
      case 'max_tokens':
        use('mapped');
        caps.contextWindow = c.num(raw, p);
        break;
      case 'max_output_tokens':
        use('mapped');
        caps.maxOutputTokens = c.num(raw, p);
        break;
      case 'supports_vision':
      case 'supports_function_calling':
      case 'supports_response_schema':
      case 'supports_reasoning': {
        use('mapped');
        const b = c.bool(raw, p);
        const field = { supports_vision: 'vision', supports_function_calling: 'tools', supports_response_schema: 'jsonSchema', supports_reasoning: 'reasoning' }[key];
        if (b !== undefined) caps[field] = b;
        break;
      }
      case 'mode':
        use('mapped');
        if (c.value(raw, p) === 'embedding') caps.embeddings = true;
        break;
      case 'input_cost_per_token':
      case 'output_cost_per_token': {
        use('mapped');
        const slot = key.startsWith('input') ? 'input' : 'output';
        if (price[slot] === undefined) {
          const n = c.num(raw, p);
          if (n !== undefined) price[slot] = n * 1_000_000;
          c.from(['models', idx, 'price'], p);
        }
        break;
      }
      case 'base_model':
        use('mapped');
        if (provider === 'azure' && typeof raw === 'string') {
          // `azure/<deployment>`: the deployment is the path name, the base model the catalog entry.
          out.deployment = model;
          out.model = raw.replace(/^azure\//, '');
        }
        break;
      default:
        use('unsupported');
        c.ignore(`model_list[].model_info.${key}`, 'model metadata tracegate does not use');
    }
  }
  const defined = Object.fromEntries(Object.entries(caps).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length) {
    out.capabilities = defined;
    c.from(['models', idx, 'capabilities'], iAt);
  }
}

/** LiteLLM's `model: "*"`: wildcard entries for every provider whose key is in the environment. */
function catchAll(c: Converter, name: string, n: number, at: ConfigPath): Obj[] {
  if (name !== '*') {
    c.error([...at, 'litellm_params', 'model'], 'model "*" (any provider) is only meaningful with model_name "*"');
    return [];
  }
  const all: Obj[] = [];
  for (const p of CATCH_ALL_PATTERNS) {
    // `gpt-*` → the whole requested name; `groq/*` → the name after the prefix.
    all.push({ name: p.name, provider: p.provider, model: p.name.includes('/') ? '*' : p.name, catchAll: true });
  }
  const out = applyProviderEnv(all, c.env) as Obj[];
  if (!out.length) c.warnings.add(`${formatConfigPath(at)}: model "*" serves nothing: no provider credentials in the environment`);
  out.forEach((_, k) => c.from(['models', n + k], at));
  return out;
}

const TOP_LEVEL = new Set(['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'environment_variables', 'tracegate', 'guardrails']);

/** Converts a parsed LiteLLM config (not yet interpolated) to a native config object. */
export function convertLiteLLM(doc: Obj, processEnv: NodeJS.ProcessEnv, options: LiteLLMOptions = {}): LiteLLMConversion {
  const fileEnv: NodeJS.ProcessEnv = {};
  if (isObj(doc.environment_variables)) for (const [k, v] of Object.entries(doc.environment_variables)) fileEnv[k] = String(v);
  const c = new Converter({ ...fileEnv, ...processEnv }, options);
  if (doc.environment_variables !== undefined) c.use('environment_variables', 'implemented');
  const out: Obj = {};
  if (!Array.isArray(doc.model_list)) c.error(['model_list'], 'expected a list of models');
  c.use('model_list', 'implemented');
  const models: Obj[] = [];
  (Array.isArray(doc.model_list) ? doc.model_list : []).forEach((m, i) => models.push(...convertModel(c, m, i, models.length)));
  out.models = models;
  convertSettings(c, doc, out);
  convertGuardrails(c, doc.guardrails, out);
  for (const key of Object.keys(doc)) {
    if (TOP_LEVEL.has(key)) continue;
    c.use(key, 'unsupported');
    const hint = didYouMean(key, [...TOP_LEVEL]);
    if (hint) c.error([key], `unknown section "${key}"${hint}`);
    else c.ignore(key);
  }
  if (doc.tracegate !== undefined) {
    const extra = c.value(doc.tracegate, ['tracegate']);
    if (!isObj(extra)) c.error(['tracegate'], 'expected an object of native settings (keys, server, guardrails, telemetry, ...)');
    else {
      for (const [k, v] of Object.entries(extra)) {
        if (k === 'models') {
          c.error(['tracegate', 'models'], 'models belong in model_list');
          continue;
        }
        out[k] = Array.isArray(out[k]) && Array.isArray(v) ? [...(out[k] as unknown[]), ...v] : v;
        c.from([k], ['tracegate', k], true);
      }
    }
  }
  return { native: out, warnings: [...c.warnings], issues: c.issues, missing: c.missing, keys: c.keys, origin: (p) => c.origin(p) };
}

/** True when a parsed config is LiteLLM's (it has `model_list`). */
export function isLiteLLMConfig(doc: unknown): doc is Obj {
  return isObj(doc) && 'model_list' in doc;
}
