/**
 * OTLP/JSON (`ExportTraceServiceRequest`, as the file exporter of `tracegate/register` and the
 * OpenTelemetry Collector write it) to `SpanView`s: hex or base64 ids, 64-bit integers as strings
 * or numbers, enums as integers.
 */
import { normalizeId, type AttrValue, type SpanEventView, type SpanLinkView, type SpanSink } from './span.js';

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

function decodeValue(v: AnyValue | undefined): AttrValue {
  if (!v || typeof v !== 'object') return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeValue);
  if (v.kvlistValue) return JSON.stringify(Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, decodeValue(kv.value)])));
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function decodeAttributes(list: unknown): Map<string, AttrValue> {
  const out = new Map<string, AttrValue>();
  if (!Array.isArray(list)) return out;
  for (const kv of list as KeyValue[]) {
    if (kv && typeof kv.key === 'string') out.set(kv.key, decodeValue(kv.value));
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

function isErrorStatus(code: unknown): boolean {
  return code === 2 || code === 'STATUS_CODE_ERROR' || code === '2';
}

/** True when `doc` looks like an ExportTraceServiceRequest. */
export function isOtlpRequest(doc: unknown): doc is { resourceSpans: unknown[] } {
  return !!doc && typeof doc === 'object' && Array.isArray((doc as { resourceSpans?: unknown }).resourceSpans);
}

/** Hands every span of one request to `sink`; returns how many spans were skipped for missing ids. */
export function otlpRequestSpans(doc: { resourceSpans: unknown[] }, sink: SpanSink): { spans: number; skipped: number } {
  let spans = 0;
  let skipped = 0;
  for (const rs of doc.resourceSpans as { resource?: { attributes?: unknown }; scopeSpans?: unknown[]; instrumentationLibrarySpans?: unknown[] }[]) {
    if (!rs || typeof rs !== 'object') continue;
    const resource = decodeAttributes(rs.resource?.attributes);
    const service = resource.get('service.name');
    const scopes = (rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) as { spans?: OtlpSpan[] }[];
    for (const ss of scopes) {
      for (const s of ss?.spans ?? []) {
        const traceId = normalizeId(s.traceId, 16);
        const spanId = normalizeId(s.spanId, 8);
        if (!traceId || !spanId) {
          skipped++;
          continue;
        }
        const events: SpanEventView[] = [];
        for (const e of s.events ?? []) {
          events.push({ name: typeof e.name === 'string' ? e.name : '', timeMs: nanosToMs(e.timeUnixNano), attributes: decodeAttributes(e.attributes) });
        }
        const links: SpanLinkView[] = [];
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
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          error: isErrorStatus(s.status?.code),
          attributes: decodeAttributes(s.attributes),
          events,
          links,
          service: typeof service === 'string' ? service : undefined,
        });
        spans++;
      }
    }
  }
  return { spans, skipped };
}
