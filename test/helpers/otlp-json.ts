/** Reads an OTLP/JSON lines file (one ExportTraceServiceRequest per line) into flat span records. */
import { readFileSync } from 'node:fs';
import { otlpAttributes, type OtlpAttr, type OtlpKeyValue } from '../../src/evals/offline/otlp-json.js';

export type AttrValue = OtlpAttr;

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

type KeyValue = OtlpKeyValue;
const attrs = otlpAttributes;

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
