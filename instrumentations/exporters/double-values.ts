/**
 * Attributes declared as doubles in semconv/ (`llm.cost.*`, `gen_ai.evaluation.score.value`,
 * `tracegate.cost.total_usd`, …) leave the process as OTLP `double_value` even when the number is
 * whole. A JavaScript number does not say whether it is an int or a double, and the OTLP
 * serializers of @opentelemetry/otlp-transformer write every whole number as `int_value`; so a
 * cost of exactly $2 or a score of 1 would reach the backend as an int, which typed backends keep
 * as a different attribute from the doubles. The serializers here wrap the standard ones and turn
 * `int_value` into `double_value` for those keys only, on spans, span events and log records:
 *  - OTLP/JSON: the request is re-read and `{"intValue": n}` becomes `{"doubleValue": n}`;
 *  - OTLP/protobuf (http/protobuf and gRPC): the encoded request is rewritten along the few
 *    message paths that hold attributes, re-encoding lengths; every other byte is copied as is.
 */
import { semconvEntries } from '../../semconv/index.js';

const declaredDoubles: ReadonlySet<string> = new Set(
  semconvEntries()
    .filter((e) => e.kind === 'attribute' && e.type === 'double' && !e.template)
    .map((e) => e.name),
);

/** Whether an attribute key is a double by its definition. */
export function isDoubleAttribute(key: string): boolean {
  return declaredDoubles.has(key);
}

// ---- OTLP/JSON ---------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function fixJsonAttributes(attrs: unknown): void {
  for (const kv of list(attrs)) {
    if (!isObj(kv) || typeof kv.key !== 'string' || !isDoubleAttribute(kv.key) || !isObj(kv.value)) continue;
    const v = kv.value;
    if (v.intValue !== undefined) kv.value = { doubleValue: Number(v.intValue) };
  }
}

/** Rewrites an OTLP/JSON trace or logs request object in place. */
export function doublesInJsonRequest(request: unknown): void {
  if (!isObj(request)) return;
  for (const rs of list(request.resourceSpans)) {
    for (const ss of list(isObj(rs) ? rs.scopeSpans : undefined)) {
      for (const s of list(isObj(ss) ? ss.spans : undefined)) {
        if (!isObj(s)) continue;
        fixJsonAttributes(s.attributes);
        for (const e of list(s.events)) if (isObj(e)) fixJsonAttributes(e.attributes);
      }
    }
  }
  for (const rl of list(request.resourceLogs)) {
    for (const sl of list(isObj(rl) ? rl.scopeLogs : undefined)) {
      for (const r of list(isObj(sl) ? sl.logRecords : undefined)) if (isObj(r)) fixJsonAttributes(r.attributes);
    }
  }
}

/** OTLP/JSON bytes → the same request with declared doubles as `doubleValue`. */
export function doublesInJsonBytes(bytes: Uint8Array): Uint8Array {
  const request: unknown = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  doublesInJsonRequest(request);
  return new TextEncoder().encode(JSON.stringify(request));
}

// ---- OTLP/protobuf -----------------------------------------------------------------------------

/**
 * The message paths to the attributes: for each message, the length-delimited fields to descend
 * into and the message they hold. `kv` is a KeyValue (1 key, 2 AnyValue).
 */
type MessageName = 'traceRequest' | 'resourceSpans' | 'scopeSpans' | 'span' | 'event' | 'logsRequest' | 'resourceLogs' | 'scopeLogs' | 'logRecord' | 'kv';
const PATHS: Record<Exclude<MessageName, 'kv'>, Record<number, MessageName>> = {
  traceRequest: { 1: 'resourceSpans' },
  resourceSpans: { 2: 'scopeSpans' },
  scopeSpans: { 2: 'span' },
  span: { 9: 'kv', 11: 'event' },
  event: { 3: 'kv' },
  logsRequest: { 1: 'resourceLogs' },
  resourceLogs: { 2: 'scopeLogs' },
  scopeLogs: { 2: 'logRecord' },
  logRecord: { 6: 'kv' },
};

function readVarint(buf: Uint8Array, pos: number): { value: bigint; end: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i]!;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, end: i + 1 };
    shift += 7n;
    if (shift > 70n) break;
  }
  throw new Error('malformed protobuf varint');
}

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

interface Field {
  num: number;
  wire: number;
  /** The whole field, tag included. */
  start: number;
  end: number;
  /** The payload of a length-delimited field. */
  payloadStart: number;
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const tag = readVarint(buf, pos);
    pos = tag.end;
    const num = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    let payloadStart = pos;
    if (wire === 0) pos = readVarint(buf, pos).end;
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = readVarint(buf, pos);
      payloadStart = len.end;
      pos = len.end + Number(len.value);
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos > buf.length) throw new Error('truncated protobuf message');
    out.push({ num, wire, start, end: pos, payloadStart });
  }
  return out;
}

/** A KeyValue whose key is a declared double and whose value is an int_value → the same with double_value; else undefined. */
function rewriteKeyValue(buf: Uint8Array): Uint8Array | undefined {
  const fs = fields(buf);
  const keyField = fs.find((f) => f.num === 1 && f.wire === 2);
  if (!keyField || !isDoubleAttribute(Buffer.from(buf.subarray(keyField.payloadStart, keyField.end)).toString('utf8'))) return undefined;
  const valueField = fs.find((f) => f.num === 2 && f.wire === 2);
  if (!valueField) return undefined;
  const value = buf.subarray(valueField.payloadStart, valueField.end);
  const inner = fields(value);
  if (inner.length !== 1 || inner[0]!.num !== 3 || inner[0]!.wire !== 0) return undefined;
  const int = BigInt.asIntN(64, readVarint(value, inner[0]!.payloadStart).value);
  const double = new Uint8Array(9);
  double[0] = (4 << 3) | 1;
  new DataView(double.buffer).setFloat64(1, Number(int), true);
  const parts: number[] = [];
  for (const f of fs) {
    if (f === valueField) parts.push((2 << 3) | 2, ...varint(double.length), ...double);
    else parts.push(...buf.subarray(f.start, f.end));
  }
  return Uint8Array.from(parts);
}

/** Rewrites one message; undefined when nothing in it changed (the common case: no copy). */
function rewriteMessage(buf: Uint8Array, name: MessageName): Uint8Array | undefined {
  if (name === 'kv') return rewriteKeyValue(buf);
  const path = PATHS[name];
  const fs = fields(buf);
  let changed = false;
  const chunks: Uint8Array[] = [];
  for (const f of fs) {
    const child = f.wire === 2 ? path[f.num] : undefined;
    const rewritten = child ? rewriteMessage(buf.subarray(f.payloadStart, f.end), child) : undefined;
    if (rewritten) {
      changed = true;
      chunks.push(Uint8Array.from([...varint((f.num << 3) | 2), ...varint(rewritten.length)]), rewritten);
    } else chunks.push(buf.subarray(f.start, f.end));
  }
  return changed ? Buffer.concat(chunks) : undefined;
}

/** An encoded ExportTraceServiceRequest or ExportLogsServiceRequest with declared doubles as `double_value`. */
export function doublesInProtobuf(bytes: Uint8Array, request: 'traces' | 'logs'): Uint8Array {
  return rewriteMessage(bytes, request === 'traces' ? 'traceRequest' : 'logsRequest') ?? bytes;
}
