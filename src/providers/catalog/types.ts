import type { ModelCapabilities, ModelPrice } from '../types.js';

/** One row of the catalog: a model (or a family, matched by prefix) of one provider. */
export interface CatalogEntry {
  /** Exact model id, or a prefix when `prefix` is true (e.g. `gpt-4o-mini` matches dated snapshots). */
  model: string;
  prefix?: boolean;
  capabilities: Partial<ModelCapabilities>;
  /** Embedding models: `input` is the price, `output` 0. */
  price?: ModelPrice;
}
