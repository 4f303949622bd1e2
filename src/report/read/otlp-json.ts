/** OTLP/JSON requests to the report's `SpanView`s, through the one decoder in src/otlp/json.ts. */
import { eachOtlpSpan } from '../../otlp/json.js';
import type { SpanSink } from './span.js';

export { isOtlpRequest } from '../../otlp/json.js';

/** Hands every span of one request to `sink`; returns how many spans were skipped for missing ids. */
export function otlpRequestSpans(doc: { resourceSpans: unknown[] }, sink: SpanSink): { spans: number; skipped: number } {
  return eachOtlpSpan(doc, (s) => {
    const service = s.resource.get('service.name');
    sink({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      kind: s.kind,
      startMs: s.startMs,
      endMs: s.endMs,
      error: s.statusCode === 2,
      attributes: s.attributes,
      events: s.events,
      links: s.links,
      service: typeof service === 'string' ? service : undefined,
    });
  });
}
