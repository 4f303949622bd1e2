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

/** What a cost figure shows when no price is known for any of its calls: never 0. */
export const UNKNOWN = 'unknown';
/** What a ratio shows when it has no denominator (no successful trace, no request). */
export const NOT_APPLICABLE = 'n/a';

/** USD with enough significant digits for per-request costs (0.000123); `n/a` without a value. */
export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NOT_APPLICABLE;
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 1) return v.toFixed(2);
  return fixedSignificant(v, 3);
}

/**
 * A cost figure over `all` calls (or traces) of which `unknown` had no known price: `n/a` without
 * a figure (no denominator), `unknown` when no price was known (every one unknown, or the sum is
 * 0), `≥0.0012` when the figure is a lower bound, else the figure. Never 0 for an unknown cost.
 */
export function cost(v: number | null | undefined, unknown: number, all: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NOT_APPLICABLE;
  if (unknown > 0 && (unknown >= all || v === 0)) return UNKNOWN;
  return unknown > 0 ? `≥${usd(v)}` : usd(v);
}

/** `cost` with a dollar sign on a figure (`$0.0012`, `≥$0.0012`, `unknown`, `n/a`). */
export function costDollars(v: number | null | undefined, unknown: number, all: number): string {
  const text = cost(v, unknown, all);
  if (text === UNKNOWN || text === NOT_APPLICABLE) return text;
  return text.startsWith('≥') ? `≥$${text.slice(1)}` : `$${text}`;
}

/** The number a cost chart draws for `cost(v, unknown, all)`: null when it is not a known figure. */
export function knownCost(v: number | null | undefined, unknown: number, all: number): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return unknown > 0 && (unknown >= all || v === 0) ? null : v;
}

/** The cost of one call or attempt: without a cost, `unknown` when it had token usage to price, else `n/a`. */
export function callCostText(v: number | null | undefined, hadUsage: boolean): string {
  if (v === null || v === undefined) return hadUsage ? UNKNOWN : NOT_APPLICABLE;
  return usd(v);
}

/** `callCostText` with a dollar sign on a figure (`$0.0000196`, `unknown`, `n/a`). */
export function callCostDollars(v: number | null | undefined, hadUsage: boolean): string {
  return v === null || v === undefined ? callCostText(v, hadUsage) : `$${usd(v)}`;
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
