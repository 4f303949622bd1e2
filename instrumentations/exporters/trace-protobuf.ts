/**
 * ReadableSpan[] → an encoded OTLP `ExportTraceServiceRequest`, in one pass over the spans.
 *
 * It writes what @opentelemetry/otlp-transformer's protobuf trace serializer writes (same
 * messages, same field order, minimal varints), with the attributes declared as doubles in
 * semconv/ written as `double_value` even when whole (double-values.ts says why), so no second
 * pass over the encoded bytes is needed. The differences are in how, not what: one write pass
 * instead of a size-estimate pass and a write pass (a message's length is written once its body
 * is, moving the body when the length takes more than one byte), attribute keys encoded once and
 * reused, trace and span ids written from hex without a temporary array, and one buffer reused
 * between exports. test/instrumentation/trace-protobuf.test.ts holds it byte for byte to the
 * transformer's output with the doubles rewritten.
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { isDoubleAttribute } from './double-values.js';

// Wire types.
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

const tag = (field: number, wire: number): number => (field << 3) | wire;

/** OTLP span flags: the W3C trace flags plus "has is_remote" and "is_remote". */
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;
const spanFlags = (traceFlags: number, isRemote: boolean | undefined): number => (traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (isRemote ? FLAG_IS_REMOTE : 0);

const TWO_32 = 0x100000000;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** Strings shorter than this are checked for ASCII and copied char by char; longer ones go through Buffer#write. */
const SHORT_STRING = 64;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55;
}

class Writer {
  buf = Buffer.allocUnsafe(64 * 1024);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A non-negative integer below 2^32. */
  varint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let x = v >>> 0;
    while (x > 0x7f) {
      buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    buf[this.pos++] = x;
  }

  /** An int64 as a varint (negative numbers in two's complement, ten bytes). */
  varint64(v: number): void {
    if (v >= 0 && v < TWO_32) {
      this.varint32(v);
      return;
    }
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = v % TWO_32;
      hi = Math.floor(v / TWO_32);
    } else {
      const abs = -v;
      lo = ~(abs % TWO_32) >>> 0;
      hi = ~Math.floor(abs / TWO_32) >>> 0;
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    }
    this.ensure(10);
    const buf = this.buf;
    while (hi > 0 || lo > 0x7f) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** HrTime as fixed64 nanoseconds, without leaving the safe-integer range. */
  hrTime(t: HrTime): void {
    const seconds = t[0];
    const lower = (seconds % 0x10000) * 1e9 + t[1];
    const upper = Math.floor(seconds / 0x10000) * 1e9; // × 2^16 below
    const x = (upper % 0x10000) * 0x10000 + lower;
    const lo = x % TWO_32;
    const hi = Math.floor(upper / 0x10000) + Math.floor(x / TWO_32);
    this.ensure(8);
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string (length prefix included). */
  string(s: string): void {
    const n = s.length;
    if (n < SHORT_STRING) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) > 127) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.ensure(n + 1);
        const buf = this.buf;
        buf[this.pos++] = n;
        for (let i = 0; i < n; i++) buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint32(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.varint32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A length-delimited field holding the binary form of a hex id. */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(n + 1);
    const buf = this.buf;
    buf[this.pos++] = n;
    for (let i = 0; i < n; i++) buf[this.pos++] = (hexValue(hex.charCodeAt(2 * i)) << 4) | hexValue(hex.charCodeAt(2 * i + 1));
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Opens a length-delimited message: reserves one byte for its length; returns where the body starts. */
  open(): number {
    this.ensure(1);
    this.pos++;
    return this.pos;
  }

  /** Closes the message opened at `start`, writing its length (moving the body if the length needs more bytes). */
  close(start: number): void {
    const len = this.pos - start;
    if (len < 0x80) {
      this.buf[start - 1] = len;
      return;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0x7f; v >>>= 7) extra++;
    extra++;
    this.ensure(extra);
    this.buf.copyWithin(start + extra, start, this.pos);
    this.pos = start - 1;
    this.varint32(len);
    this.pos = start + extra + len;
  }

  take(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buf, 0, this.pos);
  }
}

// ---- attributes ---------------------------------------------------------------------------------

/** Encoded `key` fields of KeyValue (tag, length, UTF-8), per key; bounded. */
const keyFields = new Map<string, Uint8Array>();
const KEY_CACHE_MAX = 4096;

function keyField(key: string): Uint8Array {
  let f = keyFields.get(key);
  if (f) return f;
  const bytes = Buffer.from(key, 'utf8');
  const prefix = [tag(1, LEN)];
  for (let n = bytes.length; ; n >>>= 7) {
    if (n <= 0x7f) {
      prefix.push(n);
      break;
    }
    prefix.push((n & 0x7f) | 0x80);
  }
  f = new Uint8Array(prefix.length + bytes.length);
  f.set(prefix);
  f.set(bytes, prefix.length);
  if (keyFields.size < KEY_CACHE_MAX) keyFields.set(key, f);
  return f;
}

function anyValue(w: Writer, value: unknown, asDouble: boolean): void {
  switch (typeof value) {
    case 'string':
      w.byte(tag(1, LEN));
      w.string(value);
      return;
    case 'boolean':
      w.byte(tag(2, VARINT));
      w.byte(value ? 1 : 0);
      return;
    case 'number':
      if (!asDouble && Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(tag(3, VARINT));
        w.varint64(value);
      } else {
        w.byte(tag(4, FIXED64));
        w.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.byte(tag(7, LEN));
        w.bytes(value);
      } else if (Array.isArray(value)) {
        w.byte(tag(5, LEN));
        const array = w.open();
        for (const item of value) {
          w.byte(tag(1, LEN));
          const v = w.open();
          anyValue(w, item, false);
          w.close(v);
        }
        w.close(array);
      } else {
        w.byte(tag(6, LEN));
        const list = w.open();
        const obj = value as Record<string, unknown>;
        for (const k in obj) {
          if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
          w.byte(tag(1, LEN));
          const kv = w.open();
          w.byte(tag(1, LEN));
          w.string(k);
          w.byte(tag(2, LEN));
          const v = w.open();
          anyValue(w, obj[k], false);
          w.close(v);
          w.close(kv);
        }
        w.close(list);
      }
      return;
    default:
    // Anything else is written as an empty AnyValue, as the transformer does.
  }
}

function attributes(w: Writer, attrs: Attributes | undefined, field: number): void {
  if (!attrs) return;
  const t = tag(field, LEN);
  for (const key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    const value: AttributeValue | undefined = attrs[key];
    w.varint32(t);
    const kv = w.open();
    w.raw(keyField(key));
    w.byte(tag(2, LEN));
    const v = w.open();
    anyValue(w, value, typeof value === 'number' && isDoubleAttribute(key));
    w.close(v);
    w.close(kv);
  }
}

// ---- spans --------------------------------------------------------------------------------------

function event(w: Writer, e: TimedEvent): void {
  w.byte(tag(1, FIXED64));
  w.hrTime(e.time);
  w.byte(tag(2, LEN));
  w.string(e.name);
  attributes(w, e.attributes, 3);
  w.byte(tag(4, VARINT));
  w.varint32(e.droppedAttributesCount ?? 0);
}

/** Fields 1–3 of a Span and of a Link: trace id, span id, trace state (when not empty). */
function identity(w: Writer, c: SpanContext): void {
  w.byte(tag(1, LEN));
  w.hexBytes(c.traceId);
  w.byte(tag(2, LEN));
  w.hexBytes(c.spanId);
  const traceState = c.traceState?.serialize();
  if (traceState) {
    w.byte(tag(3, LEN));
    w.string(traceState);
  }
}

function link(w: Writer, l: Link): void {
  const c = l.context;
  identity(w, c);
  attributes(w, l.attributes, 4);
  w.byte(tag(5, VARINT));
  w.varint32(l.droppedAttributesCount ?? 0);
  w.byte(tag(6, FIXED32));
  w.fixed32(spanFlags(c.traceFlags, c.isRemote));
}

/** A repeated message field, then its `dropped_*_count` (the next field number). */
function repeated<T>(w: Writer, field: number, items: readonly T[], write: (w: Writer, item: T) => void, dropped: number): void {
  for (const item of items) {
    w.byte(tag(field, LEN));
    const m = w.open();
    write(w, item);
    w.close(m);
  }
  w.byte(tag(field + 1, VARINT));
  w.varint32(dropped);
}

function span(w: Writer, s: ReadableSpan): void {
  const ctx = s.spanContext();
  identity(w, ctx);
  const parent = s.parentSpanContext;
  if (parent?.spanId) {
    w.byte(tag(4, LEN));
    w.hexBytes(parent.spanId);
  }
  w.byte(tag(5, LEN));
  w.string(s.name);
  // OTLP's SpanKind counts from UNSPECIFIED = 0; the API's from INTERNAL = 0.
  if (s.kind != null) {
    w.byte(tag(6, VARINT));
    w.varint32(s.kind + 1);
  }
  w.byte(tag(7, FIXED64));
  w.hrTime(s.startTime);
  w.byte(tag(8, FIXED64));
  w.hrTime(s.endTime);
  attributes(w, s.attributes, 9);
  w.byte(tag(10, VARINT));
  w.varint32(s.droppedAttributesCount);
  repeated(w, 11, s.events, event, s.droppedEventsCount);
  repeated(w, 13, s.links, link, s.droppedLinksCount);
  w.byte(tag(15, LEN));
  const status = w.open();
  if (s.status.message) {
    w.byte(tag(2, LEN));
    w.string(s.status.message);
  }
  w.byte(tag(3, VARINT));
  w.varint32(s.status.code);
  w.close(status);
  w.varint32(tag(16, FIXED32));
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
}

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

function scopeSpans(w: Writer, scope: Scope, spans: readonly ReadableSpan[]): void {
  w.byte(tag(1, LEN));
  const sc = w.open();
  w.byte(tag(1, LEN));
  w.string(scope.name);
  if (scope.version) {
    w.byte(tag(2, LEN));
    w.string(scope.version);
  }
  const scopeExtra = scope as { attributes?: Attributes; droppedAttributesCount?: number };
  attributes(w, scopeExtra.attributes, 3);
  if (scopeExtra.droppedAttributesCount) {
    w.byte(tag(4, VARINT));
    w.varint32(scopeExtra.droppedAttributesCount);
  }
  w.close(sc);
  for (const s of spans) {
    w.byte(tag(2, LEN));
    const m = w.open();
    span(w, s);
    w.close(m);
  }
  if (scope.schemaUrl) {
    w.byte(tag(3, LEN));
    w.string(scope.schemaUrl);
  }
}

function resourceSpans(w: Writer, resource: Resource, scopes: Map<Scope, ReadableSpan[]>): void {
  w.byte(tag(1, LEN));
  const r = w.open();
  attributes(w, resource.attributes, 1);
  w.byte(tag(2, VARINT));
  w.byte(0);
  w.close(r);
  for (const spans of scopes.values()) {
    w.byte(tag(2, LEN));
    const m = w.open();
    scopeSpans(w, spans[0]!.instrumentationScope, spans);
    w.close(m);
  }
  if (resource.schemaUrl) {
    w.byte(tag(3, LEN));
    w.string(resource.schemaUrl);
  }
}

/** One writer reused by every export (encoding is synchronous); its buffer keeps the largest request's size. */
const shared = new Writer();

/** The encoded ExportTraceServiceRequest of `spans` (grouped by resource, then scope, by identity). */
export function encodeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const byResource = new Map<Resource, Map<Scope, ReadableSpan[]>>();
  for (const s of spans) {
    let scopes = byResource.get(s.resource);
    if (!scopes) byResource.set(s.resource, (scopes = new Map()));
    let list = scopes.get(s.instrumentationScope);
    if (!list) scopes.set(s.instrumentationScope, (list = []));
    list.push(s);
  }
  const w = shared;
  w.reset();
  for (const [resource, scopes] of byResource) {
    w.byte(tag(1, LEN));
    const m = w.open();
    resourceSpans(w, resource, scopes);
    w.close(m);
  }
  return w.take();
}
