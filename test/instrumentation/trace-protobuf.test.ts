/**
 * The one-pass OTLP trace encoder (instrumentations/exporters/trace-protobuf.ts) against the
 * reference it replaces: @opentelemetry/otlp-transformer's protobuf trace serializer followed by
 * the declared-doubles rewrite. The same spans must give the same bytes, over values chosen to
 * hit every branch (varint widths, negative and beyond-2^53 ints, doubles, non-ASCII and lone
 * surrogates, long strings whose lengths need 2–4 bytes, arrays, maps, events, links, trace
 * state, remote parents, statuses, several scopes and resources) and over a seeded random batch.
 * A second check decodes the encoder's output with protobufjs (independent of both) for the
 * declared doubles in span and event attributes.
 */
import { SpanKind, SpanStatusCode, TraceFlags, context, trace, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { doublesInProtobuf } from '../../instrumentations/exporters/double-values.js';
import { encodeTraceRequest } from '../../instrumentations/exporters/trace-protobuf.js';

function reference(spans: ReadableSpan[]): Buffer {
  return Buffer.from(doublesInProtobuf(ProtobufTraceSerializer.serializeRequest(spans)!, 'traces'));
}

function recorder(resource: Attributes = { 'service.name': 'tg-test' }): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 10_000, attributeValueLengthLimit: 10_000_000 },
  });
  return { provider, exporter };
}

const SPECIAL_NUMBERS = [0, 1, -1, 127, 128, 255, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, -(2 ** 40) - 5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 62, -(2 ** 63), 2 ** 63, 0.5, -1.25, 1e-300, 1.7976931348623157e308, Infinity, -Infinity, NaN];

const STRINGS = ['', 'a', 'ascii only', 'é', '日本語のテキスト', 'emoji 🙂 inside', 'lone \ud800 surrogate', 'x'.repeat(63), 'x'.repeat(64), 'y'.repeat(200), 'ü'.repeat(100), 'z'.repeat(20_000)];

describe('one-pass OTLP trace encoder', () => {
  it('writes the same bytes as the transformer + doubles rewrite, on every kind of value', () => {
    const { provider, exporter } = recorder({ 'service.name': 'tg-test', 'host.count': 3, 'res.list': ['a', 'b'] });
    const tracer = provider.getTracer('scope-a', '1.2.3');
    const other = provider.getTracer('scope-b');
    const attrs: Attributes = {};
    SPECIAL_NUMBERS.forEach((n, i) => (attrs[`num.${i}`] = n));
    STRINGS.forEach((s, i) => (attrs[`str.${i}`] = s));
    Object.assign(attrs, {
      'bool.t': true,
      'bool.f': false,
      'arr.s': ['a', 'ü', ''],
      'arr.n': [1, 2.5, -3, 2 ** 40],
      'arr.b': [true, false],
      'arr.empty': [],
      'llm.cost.total': 2,
      'llm.cost.prompt': 0,
      'llm.cost.completion': 1.5,
      'tracegate.cost.total_usd': 3,
      'gen_ai.usage.input_tokens': 12,
      ['k'.repeat(130)]: 'long key',
      'ключ': 'non-ASCII key',
    });
    const start: HrTime = [1_796_661_956, 490_123_456];
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: attrs, startTime: start });
    parent.addEvent('decision', { 'llm.cost.total': 1, count: 7, note: 'ü' }, [1_796_661_956, 999_999_999]);
    parent.addEvent('empty event');
    parent.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream said 503 — ü' });
    const remote = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'B7AD6B7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: new TraceState('vendor=abc,other=1'),
    });
    const child = other.startSpan(
      'child',
      {
        kind: SpanKind.CLIENT,
        links: [
          { context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.NONE, isRemote: false }, attributes: { why: 'cache hit', n: 3 } },
          { context: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('k=v') } },
        ],
        startTime: 1_796_661_956_490.5,
      },
      remote,
    );
    child.setStatus({ code: SpanStatusCode.OK });
    child.end(1_796_661_957_000);
    const internal = tracer.startSpan('internal default kind', { startTime: [0, 1] });
    internal.end([4_294_967_296, 5]);
    parent.end([1_796_661_958, 1]);
    // A second resource, and a huge attribute (lengths of 3 and 4 bytes up the tree).
    const second = recorder({ 'service.name': 'second' });
    const big = second.provider.getTracer('big').startSpan('big', { attributes: { blob: 'q'.repeat(3_000_000), 'llm.cost.total': 0 } });
    big.end();
    const spans = [...exporter.getFinishedSpans(), ...second.exporter.getFinishedSpans()];
    expect(spans).toHaveLength(4);
    const ours = Buffer.from(encodeTraceRequest(spans));
    expect(ours.equals(reference(spans))).toBe(true);
    // Encoding again from the reused buffer gives the same bytes (nothing left over from the last call).
    expect(Buffer.from(encodeTraceRequest(spans.slice(0, 1))).equals(reference(spans.slice(0, 1)))).toBe(true);
    expect(Buffer.from(encodeTraceRequest(spans)).equals(ours)).toBe(true);
  });

  it('writes the same bytes on a seeded random batch of 600 spans', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const value = (): AttributeValue => {
      const r = rand();
      if (r < 0.3) return pick(STRINGS.slice(0, 10));
      if (r < 0.6) return pick(SPECIAL_NUMBERS.filter(Number.isFinite));
      if (r < 0.7) return rand() < 0.5;
      if (r < 0.85) return [pick(STRINGS.slice(0, 6)), pick(STRINGS.slice(0, 6))];
      return Math.floor(rand() * 1e6) / 7;
    };
    const keys = ['gen_ai.request.model', 'llm.cost.total', 'llm.cost.prompt', 'tracegate.cost.total_usd', 'gen_ai.evaluation.score.value', 'http.response.status_code', 'a', 'b.c', 'ключ'];
    const { provider, exporter } = recorder();
    const tracers = [provider.getTracer('t1', '1'), provider.getTracer('t2'), provider.getTracer('t3', '3')];
    for (let i = 0; i < 600; i++) {
      const attributes: Attributes = {};
      const n = Math.floor(rand() * 30);
      for (let k = 0; k < n; k++) attributes[`${pick(keys)}${rand() < 0.5 ? '' : `.${k}`}`] = value();
      const s = pick(tracers).startSpan(`span ${i} ${pick(STRINGS.slice(0, 7))}`, { kind: pick([SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER]), attributes });
      if (rand() < 0.3) s.addEvent(`e${i}`, { 'llm.cost.total': Math.floor(rand() * 3), x: value() });
      if (rand() < 0.2) s.setStatus({ code: SpanStatusCode.ERROR, message: pick(STRINGS.slice(0, 8)) });
      s.end();
    }
    const spans = exporter.getFinishedSpans();
    expect(Buffer.from(encodeTraceRequest(spans)).equals(reference(spans))).toBe(true);
  });

  it('writes declared doubles as double_value in span and event attributes (decoded independently)', () => {
    const root = protobuf.parse(`
      syntax = "proto3";
      message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
      message KeyValue { string key = 1; AnyValue value = 2; }
      message Event { string name = 2; repeated KeyValue attributes = 3; }
      message Span { string name = 5; repeated KeyValue attributes = 9; repeated Event events = 11; }
      message ScopeSpans { repeated Span spans = 2; }
      message ResourceSpans { repeated ScopeSpans scope_spans = 2; }
      message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    `).root;
    const { provider, exporter } = recorder();
    const s = provider.getTracer('t').startSpan('chat x', { attributes: { 'llm.cost.total': 2, 'gen_ai.usage.input_tokens': 2 } });
    s.addEvent('e', { 'gen_ai.evaluation.score.value': 1, other: 1 });
    s.end();
    const msg = root.lookupType('ExportTraceServiceRequest').decode(encodeTraceRequest(exporter.getFinishedSpans()));
    const obj = root.lookupType('ExportTraceServiceRequest').toObject(msg, { oneofs: true, longs: String }) as {
      resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: { value: string } }[]; events: { attributes: { key: string; value: { value: string } }[] }[] }[] }[] }[];
    };
    const span = obj.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const kinds = (list: { key: string; value: { value: string } }[]): Record<string, string> => Object.fromEntries(list.map((kv) => [kv.key, kv.value.value]));
    expect(kinds(span.attributes)).toEqual({ 'llm.cost.total': 'doubleValue', 'gen_ai.usage.input_tokens': 'intValue' });
    expect(kinds(span.events[0]!.attributes)).toEqual({ 'gen_ai.evaluation.score.value': 'doubleValue', other: 'intValue' });
  });
});
