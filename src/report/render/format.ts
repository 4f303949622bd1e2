/** Number formatting shared by the terminal and HTML renderers. */
import { fixedSignificant } from '../../format-number.js';

export function int(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  return Math.round(n).toLocaleString('en-US');
}

export function pct(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return `${(v * 100).toFixed(digits)}%`;
}

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (v < 10) return v.toFixed(1);
  return Math.round(v).toLocaleString('en-US');
}

/** USD with enough significant digits for per-request costs (0.000123). */
export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 1) return v.toFixed(2);
  return fixedSignificant(v, 3);
}

export function num(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return v.toFixed(digits);
}

export function signedPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%`;
}

export function signedPoints(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}pt`;
}

export function isoMinute(msEpoch: number): string {
  return new Date(msEpoch).toISOString().replace('T', ' ').slice(0, 19);
}
