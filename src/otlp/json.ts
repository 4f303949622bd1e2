/**
 * The one OTLP/JSON trace decoder (`ExportTraceServiceRequest`, as the file exporter of
 * `tracegate/register` and the OpenTelemetry Collector write it): hex or base64 ids, 64-bit
 * integers as strings or numbers, enums as integers or names, `intValue` and `doubleValue` alike.
 * The report (src/report/read), offline evaluation (src/evals/offline) and the tests read spans
 * through it.
 */
import { normalizeId } from './ids.js';

export type OtlpAttrValue = string | number | boolean | readonly OtlpAttrValue[] | null;

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number | string;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key?: string;
  value?: AnyValue;
}

/** One attribute value; a key/value list becomes its JSON text. */
export function decodeOtlpValue(v: AnyValue | undefined): OtlpAttrValue {
  if (!v || typeof v !== 'object') return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeOtlpValue);
  if (v.kvlistValue) return JSON.stringify(Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, decodeOtlpValue(kv.value)])));
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function decodeAttributes(list: unknown): Map<string, OtlpAttrValue> {
  const out = new Map<string, OtlpAttrValue>();
  if (!Array.isArray(list)) return out;
  for (const kv of list as KeyValue[]) {
    if (kv && typeof kv.key === 'string') out.set(kv.key, decodeOtlpValue(kv.value));
  }
  return out;
}

/** Nanoseconds since the epoch (decimal string, number, or the `{low, high}` long form) → ms. */
export function nanosToMs(v: unknown): number {
  if (typeof v === 'string') return v.length > 6 ? Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6 : Number(v) / 1e6;
  if (typeof v === 'number') return v / 1e6;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const { low, high } = v as { low: number; high: number };
    return ((high >>> 0) * 4294967296 + (low >>> 0)) / 1e6;
  }
  return NaN;
}

interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  flags?: number;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  events?: { name?: string; timeUnixNano?: unknown; attributes?: unknown }[];
  links?: { traceId?: string; spanId?: string }[];
  status?: { code?: number | string };
}

const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function statusCode(code: unknown): number {
  if (typeof code === 'number') return code;
  if (typeof code === 'string') return STATUS_NAMES[code] ?? (Number(code) || 0);
  return 0;
}

/** One decoded span with its resource and scope. */
export interface OtlpSpanRecord {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified). */
  kind: number;
  /** OTLP span flags as written (bits 0-7 are the W3C trace flags); undefined when absent. */
  flags: number | undefined;
  /** Epoch milliseconds (fractional). */
  startMs: number;
  endMs: number;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Map<string, OtlpAttrValue>;
  events: { name: string; timeMs: number; attributes: Map<string, OtlpAttrValue> }[];
  links: { traceId: string; spanId: string }[];
  resource: ReadonlyMap<string, OtlpAttrValue>;
  /** Instrumentation scope name ('' when absent). */
  scope: string;
}

/** True when `doc` looks like an ExportTraceServiceRequest. */
export function isOtlpRequest(doc: unknown): doc is { resourceSpans: unknown[] } {
  return !!doc && typeof doc === 'object' && Array.isArray((doc as { resourceSpans?: unknown }).resourceSpans);
}

/** Hands every span of one request to `sink`; returns how many spans were skipped for missing ids. */
export function eachOtlpSpan(doc: { resourceSpans: unknown[] }, sink: (span: OtlpSpanRecord) => void): { spans: number; skipped: number } {
  let spans = 0;
  let skipped = 0;
  for (const rs of doc.resourceSpans as { resource?: { attributes?: unknown }; scopeSpans?: unknown[]; instrumentationLibrarySpans?: unknown[] }[]) {
    if (!rs || typeof rs !== 'object') continue;
    const resource = decodeAttributes(rs.resource?.attributes);
    const scopes = (rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) as { scope?: { name?: unknown }; instrumentationLibrary?: { name?: unknown }; spans?: OtlpSpan[] }[];
    for (const ss of scopes) {
      const scopeName = (ss?.scope ?? ss?.instrumentationLibrary)?.name;
      for (const s of ss?.spans ?? []) {
        const traceId = normalizeId(s.traceId, 16);
        const spanId = normalizeId(s.spanId, 8);
        if (!traceId || !spanId) {
          skipped++;
          continue;
        }
        const links: OtlpSpanRecord['links'] = [];
        for (const l of s.links ?? []) {
          const lt = normalizeId(l.traceId, 16);
          const ls = normalizeId(l.spanId, 8);
          if (lt && ls) links.push({ traceId: lt, spanId: ls });
        }
        sink({
          traceId,
          spanId,
          parentSpanId: normalizeId(s.parentSpanId, 8),
          name: typeof s.name === 'string' ? s.name : '',
          kind: typeof s.kind === 'number' ? s.kind : (KIND_NAMES[String(s.kind)] ?? 0),
          flags: typeof s.flags === 'number' ? s.flags : undefined,
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          statusCode: statusCode(s.status?.code),
          attributes: decodeAttributes(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: typeof e.name === 'string' ? e.name : '', timeMs: nanosToMs(e.timeUnixNano), attributes: decodeAttributes(e.attributes) })),
          links,
          resource,
          scope: typeof scopeName === 'string' ? scopeName : '',
        });
        spans++;
      }
    }
  }
  return { spans, skipped };
}
