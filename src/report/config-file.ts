/**
 * `--config`: the router or proxy configuration the traffic was meant to follow, read for the
 * aliases' configured deployments and their primary. Accepts YAML or JSON with the router's
 * `models` list (the native proxy config, or router options; also under `router:`), or a LiteLLM
 * `config.yaml`, read by the proxy's own LiteLLM reader (same providers, ids and priorities). Nothing is validated
 * beyond what the report needs, and no environment variable is read: keys are never needed.
 * Deployment ids follow the router: the entry's `id`, else `<alias>#<n>` (n-th entry of the alias).
 * The primary of an alias: the first entry of its lowest `priority` tier with the highest weight.
 */
import { promises as fsp } from 'node:fs';
import { fillWildcard, isWildcardName, wildcardTemplates } from '../router/wildcard.js';
import { ReportInputError } from './errors.js';

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

/**
 * A LiteLLM config, read by the proxy's reader (the one reader of the format), without credentials.
 * Loaded only for such a config: it brings the provider registry, zod and undici, which a report
 * without `--config` should not hold in memory (they stay on the heap for the whole run).
 */
async function fromLiteLLM(doc: Obj, file: string): Promise<RouteConfig> {
  const { convertLiteLLM } = await import('../proxy/config/litellm.js');
  const { native } = convertLiteLLM(doc, {}, { lenient: true });
  return fromRouterModels(native.models as unknown[], file);
}

export async function routeConfigFromObject(doc: unknown, file: string): Promise<RouteConfig> {
  if (isObj(doc)) {
    if (Array.isArray(doc.models)) return fromRouterModels(doc.models, file);
    if (isObj(doc.router) && Array.isArray(doc.router.models)) return fromRouterModels(doc.router.models, file);
    if (Array.isArray(doc.model_list)) return await fromLiteLLM(doc, file);
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
  // The YAML parser is loaded only when a config is given (like the LiteLLM reader above).
  const { parse: parseYaml } = await import('yaml');
  let doc: unknown;
  try {
    doc = parseYaml(text);
    // LiteLLM's files are YAML 1.1 (PyYAML): `20_000`, `True`.
    if (isObj(doc) && 'model_list' in doc) doc = parseYaml(text, { version: '1.1' });
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ReportInputError(`config ${file}: not YAML or JSON${line ? ` (line ${line})` : ''}: ${(err as Error).message.split('\n')[0]}`, file, line);
  }
  return await routeConfigFromObject(doc, file);
}

/**
 * The configured deployments of a route: its alias's entries, or, for a model name served by a
 * wildcard entry (`anthropic/*`), that entry made concrete as the router makes it (same ids:
 * `<name>#<n>` or `<entry id>:<name>`; `*` in the model filled from the name).
 */
export function configuredDeployments(config: RouteConfig, route: string): ConfiguredDeployment[] | undefined {
  const exact = config.aliases.get(route);
  if (exact) return exact;
  const templates = wildcardTemplates([...config.aliases.entries()].filter(([name]) => isWildcardName(name)).map(([name, entries]) => ({ name, entries })));
  for (const t of templates) {
    const m = t.regex.exec(route);
    if (!m) continue;
    return t.entries[0]!.entries.map((d, n) => ({
      ...d,
      alias: route,
      id: d.id === `${t.pattern}#${n}` ? `${route}#${n}` : `${d.id}:${route}`,
      model: fillWildcard(d.model, m.slice(1)),
    }));
  }
  return undefined;
}

/** The alias's primary deployment: lowest priority tier, highest weight, first in order. */
export function configuredPrimary(deployments: readonly ConfiguredDeployment[]): ConfiguredDeployment | undefined {
  let best: ConfiguredDeployment | undefined;
  for (const d of deployments) {
    if (!best || d.priority < best.priority || (d.priority === best.priority && d.weight > best.weight)) best = d;
  }
  return best;
}
