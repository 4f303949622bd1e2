/**
 * Router configuration: zod schema, defaults, and resolution of model entries into deployments.
 * Errors are ConfigError with the path of every bad field, e.g. `models[1].provider`.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { resolveModelInfo } from '../providers/catalog/index.js';
import { getProvider } from '../providers/registry.js';
import type { Deployment, ModelCapabilities, ModelPrice, Timeouts } from '../providers/types.js';
import { didYouMean, keysAt } from '../suggest.js';
import { formatIssues } from '../wire/validate.js';
import { PolicyOptionsShape } from './config-policies.js';
import { pickOverrides, RequestOverridesShape } from './overrides.js';

/** Connections per upstream origin when neither the entry nor the router says. */
export const DEFAULT_CONNECTIONS = 128;

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  firstTokenMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
  unconsumedMs: 120_000,
};

const ms = () => z.number().int().min(0);

export const TimeoutsSchema = z.strictObject({
  connectMs: ms().optional(),
  firstTokenMs: ms().optional(),
  streamFirstTokenMs: ms().optional(),
  idleMs: ms().optional(),
  totalMs: ms().optional(),
  unconsumedMs: ms().optional(),
});

export const PriceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cachedInput: z.number().min(0).optional(),
  cacheWrite: z.number().min(0).optional(),
  reasoning: z.number().min(0).optional(),
});

export const CapabilitiesSchema = z.strictObject({
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  tools: z.boolean().optional(),
  vision: z.boolean().optional(),
  streaming: z.boolean().optional(),
  streamingUsage: z.boolean().optional(),
  jsonSchema: z.boolean().optional(),
  reasoning: z.boolean().optional(),
  embeddings: z.boolean().optional(),
});

/**
 * A model entry. Fields not listed here are provider-specific settings (apiVersion, region, ...),
 * checked against the settings the entry's provider declares (unknown ones are errors).
 */
export const ModelEntrySchema = z.looseObject({
  name: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().min(1),
  id: z.string().min(1).optional(),
  apiKey: z.string().optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  weight: z.number().positive().optional(),
  priority: z.number().int().min(0).optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  tags: z.array(z.string()).optional(),
  timeouts: TimeoutsSchema.optional(),
  capabilities: CapabilitiesSchema.optional(),
  price: PriceSchema.optional(),
  propagateTraceContext: z.boolean().optional(),
  /** Connections kept to this deployment's origin (undici pool size); default the router's `connections`. */
  connections: z.number().int().positive().optional(),
  /** Attempts in flight on this deployment at once, in this process; past it the deployment is skipped (fast 429 when none is left). */
  maxInFlight: z.number().int().positive().optional(),
  /** Catalog provider to read capabilities/prices from (e.g. `openai` for an Azure deployment). */
  catalogProvider: z.string().optional(),
  /** Per-deployment request overrides (`defaults`, `override`, `drop`, `system`, `extraBody`, `extraHeaders`), see overrides.ts. */
  ...RequestOverridesShape,
});

export type ModelEntry = z.input<typeof ModelEntrySchema>;

export const RouterOptionsShape = {
  models: z.array(ModelEntrySchema).min(1, 'at least one model entry is required'),
  timeouts: TimeoutsSchema.optional(),
  /** Largest upstream response body read into memory (non-streaming). */
  maxResponseBytes: z.number().int().positive().optional(),
  /** Deepest nesting of objects/arrays accepted in a request (400 `nesting_too_deep` above it; default 64). */
  maxRequestDepth: z.number().int().min(8).max(1000).optional(),
  /** Send W3C trace context to upstreams; default: only to entries with a custom baseURL. */
  propagateTraceContext: z.boolean().optional(),
  /** Default connections per upstream origin for entries without their own `connections` (128). */
  connections: z.number().int().positive().optional(),
  /** Remove the request parameters a deployment's provider cannot take instead of failing (LiteLLM's `drop_params`); an entry's `dropParams` wins. */
  dropParams: z.boolean().optional(),
  ...PolicyOptionsShape,
};

export const RouterOptionsSchema = z.strictObject(RouterOptionsShape);

export type RouterOptions = z.input<typeof RouterOptionsSchema>;

/** Parses options or throws ConfigError naming every bad path. */
export function parseRouterOptions<S extends z.ZodType>(schema: S, options: unknown): z.infer<S> {
  const result = schema.safeParse(options);
  if (!result.success) throw new ConfigError(`invalid router options: ${formatIssues(withSuggestions(schema, result.error.issues))}`);
  return result.data;
}

/** Unknown-key issues of `schema` named one by one (`routing.stratgy: unknown key "stratgy" (did you mean "strategy"?)`). */
export function withSuggestions<I extends { code?: string; path: readonly PropertyKey[]; message: string }>(schema: unknown, issues: readonly I[]): I[] {
  return issues.flatMap((i) => {
    const keys = (i as { keys?: string[] }).keys;
    if (i.code !== 'unrecognized_keys' || !keys?.length) return [i];
    const allowed = keysAt(schema, i.path);
    return keys.map((k) => ({ ...i, path: [...i.path, k], message: `unknown key "${k}"${didYouMean(k, allowed)}`, keys: undefined }));
  });
}

const KNOWN_KEYS = new Set(Object.keys(ModelEntrySchema.shape));
const SECRET_KEY = /key|secret|token|password|credential/i;

/** One problem of a model entry: `models[1].baseUrl` and what is wrong. */
export interface EntryProblem {
  path: string;
  message: string;
}

/** A ConfigError listing every problem of the model entries (`problems`), not only the first. */
export class ModelEntriesError extends ConfigError {
  constructor(readonly problems: readonly EntryProblem[]) {
    super(`invalid router options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/** Settings any entry may have besides the schema's fields, kept in `Deployment.options` (read by the router's ingress). */
const COMMON_SETTINGS = {
  /** A Responses / Messages request with a tool chat completions cannot run is a 400 instead of the tool being dropped. */
  strictTools: z.boolean().optional(),
} satisfies z.ZodRawShape;

/** The entry's provider-specific settings, checked against what its adapter declares (strict). */
function entrySettings(entry: Record<string, unknown>, i: number, declared: z.ZodRawShape | undefined, problems: EntryProblem[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!KNOWN_KEYS.has(k)) extra[k] = v;
  if (!declared) return extra;
  const settings: z.ZodRawShape = { ...COMMON_SETTINGS, ...declared };
  const known = [...KNOWN_KEYS, ...Object.keys(settings)];
  for (const k of Object.keys(extra)) {
    if (!(k in settings)) {
      problems.push({ path: `models[${i}].${k}`, message: `unknown setting "${k}" for provider "${String(entry.provider)}"${didYouMean(k, known)}` });
      delete extra[k];
    }
  }
  const parsed = z.object(settings).safeParse(extra);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: `models[${i}].${issue.path.map(String).join('.')}`, message: issue.message });
    return {};
  }
  return parsed.data;
}

/** Resolves model entries into deployments: ids, defaults, catalog capabilities and prices. Throws ModelEntriesError listing every bad entry. */
export function resolveDeployments(
  entries: z.infer<typeof ModelEntrySchema>[],
  routerTimeouts: Partial<Timeouts> | undefined,
  propagateDefault: boolean | undefined,
  connectionsDefault: number = DEFAULT_CONNECTIONS,
  dropParamsDefault = false,
): Deployment[] {
  const counters = new Map<string, number>();
  const seen = new Set<string>();
  const problems: EntryProblem[] = [];
  const out: Deployment[] = [];
  entries.forEach((entry, i) => {
    const n = counters.get(entry.name) ?? 0;
    counters.set(entry.name, n + 1);
    const id = entry.id ?? `${entry.name}#${n}`;
    if (seen.has(id)) problems.push({ path: `models[${i}].id`, message: `duplicate deployment id "${id}"` });
    seen.add(id);
    let adapter;
    try {
      adapter = getProvider(entry.provider);
    } catch (err) {
      problems.push({ path: `models[${i}].provider`, message: (err as Error).message });
      return;
    }
    const before = problems.length;
    const options = entrySettings(entry, i, adapter.settings, problems);
    if (problems.length > before) return;
    if ((entry.extraBody || entry.variants?.some((v) => v.extraBody)) && entry.provider === 'bedrock') {
      problems.push({ path: `models[${i}].extraBody`, message: 'not available for bedrock (its requests are signed over the body)' });
      return;
    }
    const deployment = buildDeployment(entry, id, options, routerTimeouts, propagateDefault, connectionsDefault, dropParamsDefault);
    try {
      adapter.validateDeployment?.(deployment);
    } catch (err) {
      problems.push({ path: `models[${i}]`, message: (err as Error).message });
      return;
    }
    out.push(deployment);
  });
  if (problems.length) throw new ModelEntriesError(problems);
  return out;
}

function buildDeployment(
  entry: z.infer<typeof ModelEntrySchema>,
  id: string,
  options: Record<string, unknown>,
  routerTimeouts: Partial<Timeouts> | undefined,
  propagateDefault: boolean | undefined,
  connectionsDefault: number,
  dropParamsDefault: boolean,
): Deployment {
  const secrets: string[] = [];
  if (entry.apiKey) secrets.push(entry.apiKey);
  for (const [k, v] of Object.entries(options)) if (typeof v === 'string' && SECRET_KEY.test(k)) secrets.push(v);
  const info = resolveModelInfo(entry.provider, entry.model, {
    ...(entry.capabilities ? { capabilities: entry.capabilities as Partial<ModelCapabilities> } : {}),
    ...(entry.price ? { price: entry.price as ModelPrice } : {}),
    ...(entry.catalogProvider ? { catalogProvider: entry.catalogProvider } : {}),
  });
  const deployment: Deployment = {
    id,
    name: entry.name,
    provider: entry.provider,
    model: entry.model,
    headers: entry.headers ?? {},
    options,
    weight: entry.weight ?? 1,
    priority: entry.priority ?? 0,
    tags: entry.tags ?? [],
    timeouts: { ...DEFAULT_TIMEOUTS, ...stripUndefined(routerTimeouts), ...stripUndefined(entry.timeouts) },
    capabilities: info.capabilities,
    propagateTraceContext: entry.propagateTraceContext ?? propagateDefault ?? entry.baseURL !== undefined,
    connections: entry.connections ?? connectionsDefault,
    secrets,
  };
  if (entry.maxInFlight !== undefined) deployment.maxInFlight = entry.maxInFlight;
  const overrides = pickOverrides({ ...entry, dropParams: entry.dropParams ?? dropParamsDefault });
  if (overrides && !overrides.dropParams) delete overrides.dropParams;
  if (overrides && Object.keys(overrides).length) deployment.overrides = overrides;
  if (entry.apiKey !== undefined) deployment.apiKey = entry.apiKey;
  if (entry.baseURL !== undefined) deployment.baseURL = entry.baseURL;
  if (entry.rpm !== undefined) deployment.rpm = entry.rpm;
  if (entry.tpm !== undefined) deployment.tpm = entry.tpm;
  if (info.price) deployment.price = info.price;
  return deployment;
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
