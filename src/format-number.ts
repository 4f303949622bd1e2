/**
 * Numbers as text without exponent notation: `2e-8` → `0.00000002`, `1.5e+21` →
 * `1500000000000000000000`. Costs are printed this way everywhere (headers, reports), since
 * many parsers and spreadsheet tools do not read `2e-8` as a price.
 */

/** The shortest round-trip digits of `n` (as `String(n)` gives them), in fixed notation. */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

/** `v` with `significant` significant digits in fixed notation (`2e-8`, 3 → `0.0000000200`). */
export function fixedSignificant(v: number, significant: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  const decimals = Math.min(100, Math.max(0, significant - 1 - magnitude));
  return v.toFixed(decimals);
}
