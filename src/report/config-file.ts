/**
 * `--config`: the router or proxy configuration the traffic was meant to follow, read for the
 * aliases' configured deployments and their primary. Accepts YAML or JSON with the router's
 * `models` list (the native proxy config, or router options; also under `router:`), or a LiteLLM
 * `config.yaml` (`model_list` of `{model_name, litellm_params: {model: 'provider/model', order?,
 * weight?}, model_info: {id?}}`, read as `tracegate proxy` converts it). Nothing is validated
 * beyond what the report needs, and no environment variable is read: keys are never needed.
 * Deployment ids follow the router: the entry's `id`, else `<alias>#<n>` (n-th entry of the alias).
 * The primary of an alias: the first entry of its lowest `priority` tier with the highest weight.
 */
import { promises as fsp } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ReportInputError } from '../errors.js';

export interface ConfiguredDeployment {
  id: string;
  alias: string;
  provider: string;
  model: string;
  priority: number;
  weight: number;
}

export interface RouteConfig {
  /** Alias → its deployments in config order. */
  aliases: Map<string, ConfiguredDeployment[]>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function fromRouterModels(models: unknown[], file: string): RouteConfig {
  const aliases = new Map<string, ConfiguredDeployment[]>();
  models.forEach((m, i) => {
    if (!isObj(m) || typeof m.name !== 'string' || typeof m.model !== 'string') {
      throw new ReportInputError(`config ${file}: models[${i}] needs "name" and "model"`, file);
    }
    const list = aliases.get(m.name) ?? [];
    const id = typeof m.id === 'string' && m.id ? m.id : `${m.name}#${list.length}`;
    list.push({ id, alias: m.name, provider: typeof m.provider === 'string' ? m.provider : 'openai', model: m.model, priority: num(m.priority, 0), weight: num(m.weight, 1) });
    aliases.set(m.name, list);
  });
  return { aliases };
}

function fromLiteLLM(list: unknown[], file: string): RouteConfig {
  const aliases = new Map<string, ConfiguredDeployment[]>();
  list.forEach((m, i) => {
    const params = isObj(m) ? m.litellm_params : undefined;
    if (!isObj(m) || typeof m.model_name !== 'string' || !isObj(params) || typeof params.model !== 'string') {
      throw new ReportInputError(`config ${file}: model_list[${i}] needs "model_name" and "litellm_params.model"`, file);
    }
    const entries = aliases.get(m.model_name) ?? [];
    const slash = params.model.indexOf('/');
    const provider = slash > 0 ? params.model.slice(0, slash) : 'openai';
    const model = slash > 0 ? params.model.slice(slash + 1) : params.model;
    const info = isObj(m.model_info) ? m.model_info : {};
    const id = typeof info.id === 'string' && info.id ? info.id : `${m.model_name}#${entries.length}`;
    // LiteLLM's `order` 1, 2, ... is the router's priority 0, 1, ... (as the proxy converts it).
    const priority = typeof params.order === 'number' ? Math.max(0, Math.round(params.order) - 1) : 0;
    entries.push({ id, alias: m.model_name, provider, model, priority, weight: num(params.weight, 1) });
    aliases.set(m.model_name, entries);
  });
  return { aliases };
}

export function routeConfigFromObject(doc: unknown, file: string): RouteConfig {
  if (isObj(doc)) {
    if (Array.isArray(doc.models)) return fromRouterModels(doc.models, file);
    if (isObj(doc.router) && Array.isArray(doc.router.models)) return fromRouterModels(doc.router.models, file);
    if (Array.isArray(doc.model_list)) return fromLiteLLM(doc.model_list, file);
  }
  throw new ReportInputError(`config ${file}: no "models" list (router or proxy config) or "model_list" (LiteLLM config) found`, file);
}

export async function loadRouteConfig(file: string): Promise<RouteConfig> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReportInputError(`cannot read config ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, file);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ReportInputError(`config ${file}: not YAML or JSON${line ? ` (line ${line})` : ''}: ${(err as Error).message.split('\n')[0]}`, file, line);
  }
  return routeConfigFromObject(doc, file);
}

/** The alias's primary deployment: lowest priority tier, highest weight, first in order. */
export function configuredPrimary(deployments: readonly ConfiguredDeployment[]): ConfiguredDeployment | undefined {
  let best: ConfiguredDeployment | undefined;
  for (const d of deployments) {
    if (!best || d.priority < best.priority || (d.priority === best.priority && d.weight > best.weight)) best = d;
  }
  return best;
}
