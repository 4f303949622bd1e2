/**
 * Nesting depth of untrusted JSON, measured without recursion (so a hostile 10,000-level body
 * cannot overflow the stack of the code that measures it): `JsonDepthScanner` over raw bytes as
 * they arrive (strings and escapes respected), `findTooDeep` over an already parsed value.
 * Both count `{}` and `[]` levels: `{"a":[1]}` is 2 deep.
 */
import { BadRequestError } from '../errors.js';

/** Default limit of the router's `maxRequestDepth` and of the proxy's body check. */
export const DEFAULT_MAX_REQUEST_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Tracks the nesting depth of a JSON text fed in chunks. Bytes inside strings never count, and
 * UTF-8 continuation bytes are all ≥ 0x80, so scanning bytes is exact for any UTF-8 text.
 * Malformed JSON is not detected here (JSON.parse does that): the scanner only answers "did
 * any point of the text nest deeper than the limit".
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Deepest level seen so far (capped at limit + 1: scanning stops once it is exceeded). */
  deepest = 0;

  constructor(readonly limit: number) {}

  get exceeded(): boolean {
    return this.deepest > this.limit;
  }

  /**
   * Feeds the next bytes; returns false as soon as the limit is exceeded. Inside strings (most
   * of a chat body) it jumps from quote to quote with `indexOf`; a quote preceded by an odd run
   * of backslashes is escaped.
   */
  push(chunk: Buffer): boolean {
    if (this.exceeded) return false;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    const limit = this.limit;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        const q = chunk.indexOf(QUOTE, i);
        const stop = q < 0 ? n : q;
        let run = 0;
        for (let k = stop - 1; k >= i && chunk[k] === BACKSLASH; k--) run++;
        if (q < 0) {
          escaped = run % 2 === 1;
          break;
        }
        if (run % 2 === 0) inString = false;
        i = q + 1;
        continue;
      }
      const b = chunk[i++]!;
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
        depth++;
        if (depth > limit) {
          this.deepest = depth;
          this.depth = depth;
          return false;
        }
        if (depth > this.deepest) this.deepest = depth;
      } else if ((b === CLOSE_BRACKET || b === CLOSE_BRACE) && depth > 0) depth--;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return true;
  }
}

/**
 * Walks a parsed value breadth-first; returns the top-level key (or index) under which nesting
 * passes `limit`, `''` when the root itself is too deep, or undefined when it is within the limit.
 */
export function findTooDeep(value: unknown, limit: number): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  let level: { v: object; top: string }[] = [{ v: value, top: '' }];
  for (let depth = 1; level.length; depth++) {
    if (depth > limit) return level[0]!.top;
    const next: { v: object; top: string }[] = [];
    for (const { v, top } of level) {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const c: unknown = v[i];
          if (c && typeof c === 'object') next.push({ v: c, top: depth === 1 ? String(i) : top });
        }
      } else {
        for (const k in v) {
          const c = (v as Record<string, unknown>)[k];
          if (c && typeof c === 'object') next.push({ v: c, top: depth === 1 ? k : top });
        }
      }
    }
    level = next;
  }
  return undefined;
}

/** The 400 for a request nested deeper than `limit`. */
export function tooDeepError(limit: number, param: string | null): BadRequestError {
  return new BadRequestError(`the request is nested deeper than the limit of ${limit} levels (maxRequestDepth)`, {
    code: 'nesting_too_deep',
    param,
  });
}

/** Throws the 400 when `value` nests deeper than `limit`. */
export function assertDepth(value: unknown, limit: number): void {
  const top = findTooDeep(value, limit);
  if (top !== undefined) throw tooDeepError(limit, top || null);
}
