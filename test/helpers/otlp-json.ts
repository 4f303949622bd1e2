/** Reads an OTLP/JSON lines file (one ExportTraceServiceRequest per line) into flat span records, through the product's one decoder (src/otlp/json.ts). */
import { readFileSync } from 'node:fs';
import { eachOtlpSpan, isOtlpRequest, type OtlpAttrValue } from '../../src/otlp/json.js';

export type AttrValue = OtlpAttrValue;

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

export function parseOtlpJsonLines(text: string): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const req: unknown = JSON.parse(line);
    if (!isOtlpRequest(req)) throw new Error(`not an OTLP/JSON ExportTraceServiceRequest: ${line.slice(0, 80)}`);
    eachOtlpSpan(req, (s) => {
      spans.push({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        name: s.name,
        kind: s.kind,
        statusCode: s.statusCode,
        attributes: Object.fromEntries(s.attributes),
        events: s.events.map((e) => ({ name: e.name, attributes: Object.fromEntries(e.attributes) })),
        resource: Object.fromEntries(s.resource),
        scope: s.scope,
      });
    });
  }
  return spans;
}

export function readOtlpJsonLines(file: string): FlatSpan[] {
  return parseOtlpJsonLines(readFileSync(file, 'utf8'));
}
