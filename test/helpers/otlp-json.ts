/** Reads an OTLP/JSON lines file (one ExportTraceServiceRequest per line) into flat span records. */
import { readFileSync } from 'node:fs';

export type AttrValue = string | number | boolean | AttrValue[] | null;

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  statusCode: number;
  attributes: Record<string, AttrValue>;
  events: { name: string; attributes: Record<string, AttrValue> }[];
  resource: Record<string, AttrValue>;
  scope: string;
}

interface KeyValue {
  key: string;
  value: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

function decode(v: AnyValue): AttrValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decode);
  return null;
}

function attrs(list: KeyValue[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key] = decode(kv.value);
  return out;
}

export function parseOtlpJsonLines(text: string): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as {
      resourceSpans: {
        resource?: { attributes?: KeyValue[] };
        scopeSpans: {
          scope?: { name?: string };
          spans: {
            traceId: string;
            spanId: string;
            parentSpanId?: string;
            name: string;
            kind: number;
            status?: { code?: number };
            attributes?: KeyValue[];
            events?: { name: string; attributes?: KeyValue[] }[];
          }[];
        }[];
      }[];
    };
    for (const rs of req.resourceSpans) {
      const resource = attrs(rs.resource?.attributes);
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            kind: s.kind,
            statusCode: s.status?.code ?? 0,
            attributes: attrs(s.attributes),
            events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attrs(e.attributes) })),
            resource,
            scope: ss.scope?.name ?? '',
          });
        }
      }
    }
  }
  return spans;
}

export function readOtlpJsonLines(file: string): FlatSpan[] {
  return parseOtlpJsonLines(readFileSync(file, 'utf8'));
}
