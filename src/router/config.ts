/**
 * Router configuration: zod schema, defaults, and resolution of model entries into deployments.
 * Errors are ConfigError with the path of every bad field, e.g. `models[1].provider`.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { resolveModelInfo } from '../providers/catalog/index.js';
import { getProvider } from '../providers/registry.js';
import type { Deployment, ModelCapabilities, ModelPrice, Timeouts } from '../providers/types.js';
import { formatIssues } from '../wire/validate.js';
import { PolicyOptionsShape } from './config-policies.js';

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

/** A model entry. Fields not listed here are provider-specific settings (apiVersion, region, ...). */
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
  /** Catalog provider to read capabilities/prices from (e.g. `openai` for an Azure deployment). */
  catalogProvider: z.string().optional(),
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
  ...PolicyOptionsShape,
};

export const RouterOptionsSchema = z.strictObject(RouterOptionsShape);

export type RouterOptions = z.input<typeof RouterOptionsSchema>;

/** Parses options or throws ConfigError naming every bad path. */
export function parseRouterOptions<S extends z.ZodType>(schema: S, options: unknown): z.infer<S> {
  const result = schema.safeParse(options);
  if (!result.success) throw new ConfigError(`invalid router options: ${formatIssues(result.error.issues)}`);
  return result.data;
}

const KNOWN_KEYS = new Set(Object.keys(ModelEntrySchema.shape));
const SECRET_KEY = /key|secret|token|password|credential/i;

/** Resolves model entries into deployments: ids, defaults, catalog capabilities and prices. */
export function resolveDeployments(
  entries: z.infer<typeof ModelEntrySchema>[],
  routerTimeouts: Partial<Timeouts> | undefined,
  propagateDefault: boolean | undefined,
): Deployment[] {
  const counters = new Map<string, number>();
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const n = counters.get(entry.name) ?? 0;
    counters.set(entry.name, n + 1);
    const id = entry.id ?? `${entry.name}#${n}`;
    if (seen.has(id)) throw new ConfigError(`invalid router options: models[${i}].id: duplicate deployment id "${id}"`);
    seen.add(id);
    let adapter;
    try {
      adapter = getProvider(entry.provider);
    } catch (err) {
      throw new ConfigError(`invalid router options: models[${i}].provider: ${(err as Error).message}`);
    }
    const options: Record<string, unknown> = {};
    const secrets: string[] = [];
    if (entry.apiKey) secrets.push(entry.apiKey);
    for (const [k, v] of Object.entries(entry)) {
      if (KNOWN_KEYS.has(k)) continue;
      options[k] = v;
      if (typeof v === 'string' && SECRET_KEY.test(k)) secrets.push(v);
    }
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
      secrets,
    };
    if (entry.apiKey !== undefined) deployment.apiKey = entry.apiKey;
    if (entry.baseURL !== undefined) deployment.baseURL = entry.baseURL;
    if (entry.rpm !== undefined) deployment.rpm = entry.rpm;
    if (entry.tpm !== undefined) deployment.tpm = entry.tpm;
    if (info.price) deployment.price = info.price;
    try {
      adapter.validateDeployment?.(deployment);
    } catch (err) {
      throw new ConfigError(`invalid router options: models[${i}]: ${(err as Error).message}`);
    }
    return deployment;
  });
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
