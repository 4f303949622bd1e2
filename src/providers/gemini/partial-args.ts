/**
 * Rebuilds a function call's arguments from Gemini's streamed `partialArgs` (Vertex AI
 * `streamFunctionCallArguments`): each entry sets one value at a JSON path (`$.a.b[0]`); string
 * values for the same path arrive in pieces and are concatenated.
 */
import { asRecord, type Json } from '../decode-util.js';

type Segment = string | number;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `$.recipe.items[0]['odd key']` → ['recipe', 'items', 0, 'odd key']. */
export function parseJsonPath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/g;
  const rest = path.startsWith('$') ? path.slice(1) : path;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push((m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1'));
  }
  return out;
}

export class PartialArgsAccumulator {
  readonly value: Json = {};

  apply(partialArgs: unknown[]): void {
    for (const raw of partialArgs) {
      const arg = asRecord(raw);
      if (!arg || typeof arg.jsonPath !== 'string') continue;
      const path = parseJsonPath(arg.jsonPath);
      if (path.length === 0 || path.some((seg) => UNSAFE_KEYS.has(String(seg)))) continue;
      let value: unknown;
      if (typeof arg.stringValue === 'string') {
        const existing = this.get(path);
        value = typeof existing === 'string' ? existing + arg.stringValue : arg.stringValue;
      } else if (typeof arg.numberValue === 'number') value = arg.numberValue;
      else if (typeof arg.boolValue === 'boolean') value = arg.boolValue;
      else if ('nullValue' in arg) value = null;
      else continue;
      this.set(path, value);
    }
  }

  json(): string {
    return JSON.stringify(this.value);
  }

  private get(path: Segment[]): unknown {
    let node: unknown = this.value;
    for (const seg of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[seg];
    }
    return node;
  }

  private set(path: Segment[], value: unknown): void {
    let node = this.value as Record<string | number, unknown>;
    path.forEach((seg, i) => {
      if (i === path.length - 1) {
        node[seg] = value;
        return;
      }
      const next = path[i + 1];
      if (node[seg] === null || typeof node[seg] !== 'object') node[seg] = typeof next === 'number' ? [] : {};
      node = node[seg] as Record<string | number, unknown>;
    });
  }
}
