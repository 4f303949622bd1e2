/**
 * Jaeger query API JSON (`GET /api/traces?service=...`, or one trace from `/api/traces/{id}`):
 * `{data: [{traceID, spans: [{traceID, spanID, operationName, references, startTime, duration,
 * tags, logs, processID}], processes}]}`, times in microseconds. Jaeger turns OTLP attributes into
 * typed tags (arrays become JSON strings), events into logs (the name in the `event` field), the
 * status into `otel.status_code` / `error` tags, the kind into `span.kind`, the parent into a
 * `CHILD_OF` reference and links into `FOLLOWS_FROM` references.
 */
import { normalizeId, type AttrValue, type SpanEventView, type SpanLinkView, type SpanSink } from './span.js';

interface JaegerTag {
  key?: string;
  type?: string;
  value?: unknown;
}
interface JaegerRef {
  refType?: string;
  traceID?: string;
  spanID?: string;
}
interface JaegerSpan {
  traceID?: string;
  spanID?: string;
  operationName?: string;
  references?: JaegerRef[];
  startTime?: number | string;
  duration?: number | string;
  tags?: JaegerTag[];
  logs?: { timestamp?: number | string; fields?: JaegerTag[] }[];
  processID?: string;
  process?: { serviceName?: string };
}
interface JaegerTrace {
  traceID?: string;
  spans?: JaegerSpan[];
  processes?: Record<string, { serviceName?: string } | undefined>;
}

const KINDS: Record<string, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

function tagValue(t: JaegerTag): AttrValue {
  const v = t.value;
  switch (t.type) {
    case 'int64':
    case 'float64':
      return typeof v === 'number' ? v : Number(v);
    case 'bool':
      return typeof v === 'boolean' ? v : v === 'true';
    default:
      if (typeof v === 'string') {
        // OTLP array attributes arrive as JSON array text.
        if (v.startsWith('[') && v.endsWith(']')) {
          try {
            const parsed: unknown = JSON.parse(v);
            if (Array.isArray(parsed) && parsed.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) return parsed as AttrValue[];
          } catch {
            /* plain text */
          }
        }
        return v;
      }
      return typeof v === 'number' || typeof v === 'boolean' ? v : v == null ? null : JSON.stringify(v);
  }
}

function tags(list: JaegerTag[] | undefined): Map<string, AttrValue> {
  const out = new Map<string, AttrValue>();
  for (const t of list ?? []) if (t && typeof t.key === 'string') out.set(t.key, tagValue(t));
  return out;
}

/** True when `doc` looks like a Jaeger query API response. */
export function isJaegerResponse(doc: unknown): doc is { data: unknown[] } {
  return !!doc && typeof doc === 'object' && Array.isArray((doc as { data?: unknown }).data);
}

const SPAN_TAGS_CONSUMED = ['span.kind', 'otel.status_code', 'otel.status_description', 'error', 'internal.span.format'];

export function jaegerResponseSpans(doc: { data: unknown[] }, sink: SpanSink): { spans: number; skipped: number } {
  let spans = 0;
  let skipped = 0;
  for (const t of doc.data as JaegerTrace[]) {
    if (!t || typeof t !== 'object') continue;
    for (const s of t.spans ?? []) {
      const traceId = normalizeId(s.traceID ?? t.traceID, 16);
      const spanId = normalizeId(s.spanID, 8);
      if (!traceId || !spanId) {
        skipped++;
        continue;
      }
      let parentSpanId: string | undefined;
      const links: SpanLinkView[] = [];
      for (const r of s.references ?? []) {
        const rt = normalizeId(r.traceID, 16);
        const rs = normalizeId(r.spanID, 8);
        if (!rt || !rs) continue;
        if (r.refType === 'CHILD_OF' && parentSpanId === undefined && rt === traceId) parentSpanId = rs;
        else links.push({ traceId: rt, spanId: rs });
      }
      const attributes = tags(s.tags);
      const kindTag = attributes.get('span.kind');
      const status = attributes.get('otel.status_code');
      const error = status === 'ERROR' || (status === undefined && attributes.get('error') === true);
      for (const k of SPAN_TAGS_CONSUMED) attributes.delete(k);
      const events: SpanEventView[] = [];
      for (const log of s.logs ?? []) {
        const fields = tags(log.fields);
        const name = fields.get('event');
        fields.delete('event');
        events.push({ name: typeof name === 'string' ? name : 'log', timeMs: Number(log.timestamp) / 1000, attributes: fields });
      }
      const startUs = Number(s.startTime);
      const process = s.process ?? (s.processID ? t.processes?.[s.processID] : undefined);
      sink({
        traceId,
        spanId,
        parentSpanId,
        name: typeof s.operationName === 'string' ? s.operationName : '',
        kind: typeof kindTag === 'string' ? (KINDS[kindTag] ?? 0) : 0,
        startMs: startUs / 1000,
        endMs: (startUs + Number(s.duration ?? 0)) / 1000,
        error,
        attributes,
        events,
        links,
        service: process?.serviceName,
      });
      spans++;
    }
  }
  return { spans, skipped };
}
