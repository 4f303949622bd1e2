/** "Did you mean ...?" for misspelled names: the closest candidate by edit distance (case-insensitive). */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      // a transposition ("wieght") costs 1, as a typo does
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) prev[j] = Math.min(prev[j]!, diag);
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidate closest to `word` when it is close enough to be a typo of it. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase().replace(/[-_]/g, ''));
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return bestD <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c !== undefined && c !== word ? ` (did you mean "${c}"?)` : '';
}

type AnySchema = { def?: Record<string, unknown>; _zod?: { def?: Record<string, unknown> } };

function defOf(s: unknown): Record<string, unknown> | undefined {
  const x = s as AnySchema | undefined;
  return x?._zod?.def ?? x?.def;
}

/** The keys an object schema allows at `path` inside `schema` (zod 4), if it can be told. */
export function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  const out = new Set<string>();
  const walk = (s: unknown, rest: readonly PropertyKey[]): void => {
    const def = defOf(s);
    if (!def) return;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
      case 'nonoptional':
      case 'catch':
        return walk(def.innerType, rest);
      case 'pipe':
        return walk(def.in, rest);
      case 'union':
        for (const o of (def.options as unknown[]) ?? []) walk(o, rest);
        return;
      case 'intersection':
        walk(def.left, rest);
        walk(def.right, rest);
        return;
      case 'array':
        return walk(def.element, typeof rest[0] === 'number' ? rest.slice(1) : rest);
      case 'record':
        return rest.length ? walk(def.valueType, rest.slice(1)) : undefined;
      case 'object': {
        const shape = def.shape as Record<string, unknown>;
        if (!rest.length) {
          for (const k of Object.keys(shape)) out.add(k);
          return;
        }
        const next = shape[String(rest[0])];
        if (next) walk(next, rest.slice(1));
        return;
      }
      default:
        return;
    }
  };
  walk(schema, path);
  return [...out];
}
