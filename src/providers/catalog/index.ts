/**
 * The model catalog: capabilities and prices per provider, looked up by exact id, then by the
 * longest matching prefix. Unknown models get conservative default capabilities and no price
 * (cost is then reported as unknown, never as 0).
 */
import type { ModelCapabilities, ModelPrice } from '../types.js';
import { anthropicCatalog } from './anthropic.js';
import { bedrockCatalog, bedrockCatalogModel } from './bedrock.js';
import { googleCatalog } from './google.js';
import { openaiCatalog } from './openai.js';
import { deepseekCatalog, groqCatalog, mistralCatalog, xaiCatalog } from './openai-compatible.js';
import type { CatalogEntry } from './types.js';
import { processGlobal } from '../../process-global.js';

export type { CatalogEntry } from './types.js';

/** Rewrites a model id before lookup (e.g. Bedrock's cross-region prefix `us.`). */
export type ModelIdNormalizer = (model: string) => string;

const tables = new Map<string, CatalogEntry[]>([
  ['openai', openaiCatalog],
  // Azure deployments name the underlying OpenAI model in `model`.
  ['azure', openaiCatalog],
  ['anthropic', anthropicCatalog],
  ['gemini', googleCatalog],
  ['bedrock', bedrockCatalog],
  ['mistral', mistralCatalog],
  ['groq', groqCatalog],
  ['deepseek', deepseekCatalog],
  ['xai', xaiCatalog],
]);
const normalizers = new Map<string, ModelIdNormalizer>([
  ['bedrock', bedrockCatalogModel],
]);

/** Catalogs registered by users (custom providers), shared by the ESM and CommonJS builds; they win over the built-in ones. */
const registered = (): { tables: Map<string, CatalogEntry[]>; normalizers: Map<string, ModelIdNormalizer> } =>
  processGlobal('tracegate.providers.catalog', () => ({ tables: new Map<string, CatalogEntry[]>(), normalizers: new Map<string, ModelIdNormalizer>() }));

function tableOf(provider: string): CatalogEntry[] | undefined {
  return registered().tables.get(provider) ?? tables.get(provider);
}

function normalizerOf(provider: string): ModelIdNormalizer | undefined {
  return registered().normalizers.get(provider) ?? normalizers.get(provider);
}

/** Adds or replaces the catalog of a provider id (adapters register theirs). */
export function registerCatalog(provider: string, entries: CatalogEntry[], normalize?: ModelIdNormalizer): void {
  const r = registered();
  r.tables.set(provider, entries);
  if (normalize) r.normalizers.set(provider, normalize);
}

export const DEFAULT_CAPABILITIES: ModelCapabilities = {
  tools: true,
  vision: false,
  streaming: true,
  streamingUsage: true,
};

/** The model ids the catalog lists for a provider (e.g. to show what a wildcard route can reach). */
export function catalogModelIds(provider: string): string[] {
  return (tableOf(provider) ?? []).map((e) => e.model);
}

export function findCatalogEntry(provider: string, model: string): CatalogEntry | undefined {
  const table = tableOf(provider);
  if (!table) return undefined;
  model = normalizerOf(provider)?.(model) ?? model;
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  let best: CatalogEntry | undefined;
  for (const entry of table) {
    for (const candidate of bare === model ? [model] : [model, bare]) {
      if (entry.model === candidate) return entry;
      if (entry.prefix && candidate.startsWith(entry.model) && (!best || entry.model.length > best.model.length)) best = entry;
    }
  }
  return best;
}

export interface ResolvedModelInfo {
  capabilities: ModelCapabilities;
  price?: ModelPrice;
}

/** Catalog values for a model, with the entry's overrides applied on top. */
export function resolveModelInfo(
  provider: string,
  model: string,
  overrides: { capabilities?: Partial<ModelCapabilities>; price?: ModelPrice; catalogProvider?: string } = {},
): ResolvedModelInfo {
  const entry = findCatalogEntry(overrides.catalogProvider ?? provider, model);
  const capabilities: ModelCapabilities = { ...DEFAULT_CAPABILITIES, ...entry?.capabilities, ...overrides.capabilities };
  const out: ResolvedModelInfo = { capabilities };
  const price = overrides.price ?? entry?.price;
  if (price) out.price = price;
  return out;
}
