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
}

/** One readable line per issue, e.g. `messages[2].role: Invalid discriminator value ...`. */
export function formatIssues(issues: readonly IssueLike[], prefix = ''): string {
  return issues
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
  const issues = result.error.issues;
  const first = issues[0];
  throw new BadRequestError(`invalid ${what}: ${formatIssues(issues)}`, {
    param: first && first.path.length ? formatPath(first.path) : null,
    code: 'invalid_value',
  });
}
