/** Parsing untrusted input with the wire schemas; failures become BadRequestError naming the path. */
import type { z } from 'zod';
import { BadRequestError } from '../errors.js';

/** `['messages', 2, 'role']` → `messages[2].role`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  /** zod's `invalid_union`: the issues of each branch, paths relative to the union. */
  errors?: readonly (readonly IssueLike[])[];
}

function depth(issues: readonly IssueLike[]): number {
  let d = -1;
  for (const i of issues) d = Math.max(d, i.path.length);
  return d;
}

/**
 * Replaces a union failure by the issues of the branch that got furthest (deepest path), so
 * `content: [{ type: 'image_url', image_url: {} }]` reports `content[0].image_url.url` instead
 * of just `content`. A union where no branch got past its root is kept as it is.
 */
export function flattenIssues(issues: readonly IssueLike[], prefix: readonly PropertyKey[] = []): IssueLike[] {
  const out: IssueLike[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length) {
      let best: readonly IssueLike[] | undefined;
      for (const branch of issue.errors) if (!best || depth(branch) > depth(best)) best = branch;
      if (best && depth(best) > 0) {
        out.push(...flattenIssues(best, path));
        continue;
      }
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

/** One readable line per issue, e.g. `messages[2].role: Invalid discriminator value ...`. */
export function formatIssues(issues: readonly IssueLike[], prefix = ''): string {
  return flattenIssues(issues)
    .slice(0, 10)
    .map((i) => {
      const p = formatPath([...(prefix ? [prefix] : []), ...i.path]);
      return p ? `${p}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Parses `input` or throws a BadRequestError whose `param` is the first failing path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = flattenIssues(result.error.issues as readonly IssueLike[]);
  const first = issues[0];
  throw new BadRequestError(`invalid ${what}: ${formatIssues(issues)}`, {
    param: first && first.path.length ? formatPath(first.path) : null,
    code: 'invalid_value',
  });
}
