/** Trace and span ids as the readers of exported traces meet them (OTLP/JSON, Jaeger, evaluation files). */

const HEX = /^[0-9a-f]+$/;

/**
 * A trace or span id as lowercase hex of `bytes` bytes. Accepts hex (any case, leading zeros
 * possibly stripped as Jaeger does) and base64 (the protobuf JSON mapping of `bytes`). Returns
 * undefined for an empty, all-zero or unreadable id.
 */
export function normalizeId(value: unknown, bytes: 8 | 16): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const width = bytes * 2;
  let hex = value.toLowerCase();
  if (!HEX.test(hex) || hex.length > width) {
    const buf = Buffer.from(value, 'base64');
    if (buf.length !== bytes) return undefined;
    hex = buf.toString('hex');
  }
  if (hex.length < width) hex = hex.padStart(width, '0');
  if (/^0+$/.test(hex)) return undefined;
  return hex;
}
