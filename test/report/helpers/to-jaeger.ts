/**
 * Converts an OTLP/JSON lines file into what Jaeger's query API returns for the same spans
 * (`GET /api/traces`): typed tags (arrays as JSON text), events as logs with an `event` field,
 * status and kind as tags, parent as a CHILD_OF reference, links as FOLLOWS_FROM, times in µs,
 * ids without leading zeros as Jaeger prints them.
 */
import { readFileSync } from 'node:fs';

type KV = { key: string; value: Record<string, unknown> };

function tag(kv: KV): { key: string; type: string; value: unknown } {
  const v = kv.value;
  if ('stringValue' in v) return { key: kv.key, type: 'string', value: v.stringValue };
  if ('boolValue' in v) return { key: kv.key, type: 'bool', value: v.boolValue };
  if ('intValue' in v) return { key: kv.key, type: 'int64', value: Number(v.intValue) };
  if ('doubleValue' in v) return { key: kv.key, type: 'float64', value: v.doubleValue };
  if ('arrayValue' in v) {
    const values = ((v.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map((x) => x.stringValue ?? x.intValue ?? x.doubleValue ?? x.boolValue);
    return { key: kv.key, type: 'string', value: JSON.stringify(values) };
  }
  return { key: kv.key, type: 'string', value: '' };
}

const us = (nanos: string): number => Math.floor(Number(BigInt(nanos) / 1000n));
const stripZeros = (id: string): string => id.replace(/^0+(?=.)/, '');
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export function otlpLinesToJaeger(file: string): unknown {
  const traces = new Map<string, { traceID: string; spans: unknown[]; processes: Record<string, unknown> }>();
  const services = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const doc = JSON.parse(line);
    for (const rs of doc.resourceSpans) {
      const service = (rs.resource?.attributes ?? []).find((kv: KV) => kv.key === 'service.name')?.value.stringValue ?? 'unknown';
      if (!services.has(service)) services.set(service, `p${services.size + 1}`);
      const processID = services.get(service)!;
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const t = traces.get(s.traceId) ?? { traceID: stripZeros(s.traceId), spans: [], processes: {} };
          t.processes[processID] = { serviceName: service, tags: [] };
          const tags = (s.attributes ?? []).map(tag);
          tags.push({ key: 'span.kind', type: 'string', value: KINDS[s.kind] ?? 'unspecified' });
          if (s.status?.code === 2) {
            tags.push({ key: 'otel.status_code', type: 'string', value: 'ERROR' });
            tags.push({ key: 'error', type: 'bool', value: true });
          }
          const references = [];
          if (s.parentSpanId) references.push({ refType: 'CHILD_OF', traceID: stripZeros(s.traceId), spanID: s.parentSpanId });
          for (const l of s.links ?? []) references.push({ refType: 'FOLLOWS_FROM', traceID: stripZeros(l.traceId), spanID: l.spanId });
          const start = us(s.startTimeUnixNano);
          t.spans.push({
            traceID: stripZeros(s.traceId),
            spanID: s.spanId,
            operationName: s.name,
            references,
            startTime: start,
            duration: us(s.endTimeUnixNano) - start,
            tags,
            logs: (s.events ?? []).map((e: { name: string; timeUnixNano: string; attributes?: KV[] }) => ({
              timestamp: us(e.timeUnixNano),
              fields: [{ key: 'event', type: 'string', value: e.name }, ...(e.attributes ?? []).map(tag)],
            })),
            processID,
            warnings: null,
          });
          traces.set(s.traceId, t);
        }
      }
    }
  }
  // Jaeger returns a trace's spans in no particular order: reverse them to check the join does not care.
  return { data: [...traces.values()].map((t) => ({ ...t, spans: t.spans.reverse(), warnings: null })), total: 0, limit: 0, offset: 0, errors: null };
}
