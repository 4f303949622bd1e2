/**
 * The one span shape the report works on, whatever file it came from (OTLP/JSON, Jaeger). Readers
 * build one `SpanView` at a time and hand it on; nothing keeps it after the join has taken the few
 * fields it needs.
 */

import type { OtlpAttrValue } from '../../otlp/json.js';

export type AttrValue = OtlpAttrValue;
export type Attributes = ReadonlyMap<string, AttrValue>;

export interface SpanEventView {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface SpanLinkView {
  traceId: string;
  spanId: string;
}

export interface SpanView {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified). */
  kind: number;
  /** Epoch milliseconds (fractional). */
  startMs: number;
  endMs: number;
  /** Status code ERROR. */
  error: boolean;
  attributes: Attributes;
  events: readonly SpanEventView[];
  links: readonly SpanLinkView[];
  /** `service.name` of the resource (or Jaeger process). */
  service: string | undefined;
}

/** Receives spans one at a time. */
export type SpanSink = (span: SpanView) => void;

export { normalizeId } from '../../otlp/ids.js';

export function attrString(a: Attributes, key: string): string | undefined {
  const v = a.get(key);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A string array attribute (a single string counts as a list of one); undefined when absent or empty. */
export function attrStrings(a: Attributes, key: string): string[] | undefined {
  const v = a.get(key);
  if (typeof v === 'string') return v ? [v] : undefined;
  if (!Array.isArray(v)) return undefined;
  const out = (v as readonly AttrValue[]).filter((x): x is string => typeof x === 'string' && x !== '');
  return out.length ? out : undefined;
}

export function attrNumber(a: Attributes, key: string): number | undefined {
  const v = a.get(key);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function attrBool(a: Attributes, key: string): boolean | undefined {
  const v = a.get(key);
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}
