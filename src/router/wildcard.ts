/**
 * Wildcard routes (LiteLLM's `model_name: "*"` / `"anthropic/*"` / `"fo::*:static::*"`): a model
 * entry whose `name` has a `*` serves any requested model name that matches it, calling its
 * provider with the `*` parts of `model` filled in from the request (`name: "anthropic/*"`,
 * `model: "*"`: a request for `anthropic/claude-3-5-haiku` calls `claude-3-5-haiku`). Explicit
 * aliases win; among wildcards, the most specific (longest literal part) wins, then config order.
 * Each concrete model becomes a deployment of its own on first use (id `<requested>#<n>`, or
 * `<entry id>:<requested>`), so budgets, limits, breakers, spans and reports see it separately.
 */
import type { Deployment } from '../providers/types.js';

/** Concrete names remembered at most (past it, a new name is served but not kept). */
const MAX_MATERIALIZED = 1000;

export interface WildcardTemplate<E> {
  pattern: string;
  regex: RegExp;
  entries: E[];
  /** Number of literal (non-`*`) characters: more is more specific. */
  specificity: number;
}

/** `anthropic/*` → /^anthropic\/(.*)$/ */
export function wildcardRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('(.*)')}$`, 's');
}

/** Fills the `*` of `model` with the captured parts of a request (one part per `*`, the rest joined). */
export function fillWildcard(model: string, parts: readonly string[]): string {
  const pieces = model.split('*');
  if (pieces.length === 1) return model;
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i++) {
    const part = i === pieces.length - 1 ? parts.slice(i - 1).join('') : (parts[i - 1] ?? '');
    out += part + pieces[i]!;
  }
  return out;
}

export function isWildcardName(name: string): boolean {
  return name.includes('*');
}

/** The templates of the wildcard entries, most specific first. */
export function wildcardTemplates<E extends { name: string }>(entries: readonly E[]): WildcardTemplate<E>[] {
  const byPattern = new Map<string, WildcardTemplate<E>>();
  for (const e of entries) {
    if (!isWildcardName(e.name)) continue;
    let t = byPattern.get(e.name);
    if (!t) {
      t = { pattern: e.name, regex: wildcardRegex(e.name), entries: [], specificity: e.name.replace(/\*/g, '').length };
      byPattern.set(e.name, t);
    }
    t.entries.push(e);
  }
  return [...byPattern.values()].sort((a, b) => b.specificity - a.specificity);
}

/**
 * The router's alias → deployments map: explicit aliases, then wildcard matches made on demand
 * (`get` and `has` see them; `keys()` lists the explicit ones and those already made).
 */
export class DeploymentGroups<E extends { name: string }> extends Map<string, readonly Deployment[]> {
  private made = 0;

  constructor(
    explicit: Iterable<[string, readonly Deployment[]]>,
    readonly templates: readonly WildcardTemplate<E>[],
    private readonly materialize: (template: WildcardTemplate<E>, requested: string, parts: string[]) => Deployment[],
  ) {
    super(explicit);
  }

  override get(name: string): readonly Deployment[] | undefined {
    const found = super.get(name);
    if (found || !this.templates.length) return found;
    for (const t of this.templates) {
      const m = t.regex.exec(name);
      if (!m) continue;
      const group = this.materialize(t, name, m.slice(1));
      if (this.made < MAX_MATERIALIZED) {
        this.made++;
        super.set(name, group);
      }
      return group;
    }
    return undefined;
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** The wildcard patterns (`anthropic/*`). */
  patterns(): string[] {
    return this.templates.map((t) => t.pattern);
  }
}
