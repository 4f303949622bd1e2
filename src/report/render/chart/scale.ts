/**
 * Value axes: a "nice" scale (steps of 1, 2 or 5 × 10^k from 0 to a round maximum) and its tick
 * labels in one notation: every label of an axis has the same number of decimals, the fewest that
 * show the step exactly (`$0.000 $0.005 $0.010`, never `$0 $0.00500 $0.0100`).
 */

export interface Scale {
  /** The top of the axis (the last tick). */
  max: number;
  step: number;
  ticks: number[];
  /** Decimals every tick label of this scale uses. */
  decimals: number;
}

export interface ScaleOptions {
  /** Intervals wanted (at most this many); default 4. */
  intervals?: number;
  /** Counts: the step is a whole number (no 12.5 calls). */
  integer?: boolean;
}

/** The smallest 1, 2 or 5 × 10^k that is at least `raw` (> 0). */
export function niceStep(raw: number): number {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) {
    const step = m * power;
    // Guard against 0.1 + float noise: accept a step within a relative epsilon of raw.
    if (step >= raw * (1 - 1e-9)) return Number(step.toPrecision(12));
  }
  return 10 * power;
}

function decimalsOf(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** A scale from 0 that covers `maxValue` with at most `intervals` steps. */
export function linearScale(maxValue: number, options: ScaleOptions = {}): Scale {
  const intervals = Math.max(1, options.intervals ?? 4);
  const top = Number.isFinite(maxValue) && maxValue > 0 ? maxValue : 0;
  let step = top > 0 ? niceStep(top / intervals) : 1;
  if (options.integer) step = Math.max(1, Math.ceil(step));
  if (options.integer && step > 1) step = niceStep(step);
  const n = Math.max(1, Math.ceil(top / step - 1e-9));
  const decimals = options.integer ? 0 : decimalsOf(step);
  const ticks: number[] = [];
  for (let i = 0; i <= n; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return { max: ticks[ticks.length - 1]!, step, ticks, decimals };
}

export type Notation = 'usd' | 'ms' | 'count' | 'pct';

/** One tick label: the scale's decimals, thousands separated, with the notation's unit. */
export function tickLabel(v: number, scale: Pick<Scale, 'decimals'>, notation: Notation): string {
  if (notation === 'pct') return `${(v * 100).toFixed(Math.max(0, scale.decimals - 2))}%`;
  const text = v.toLocaleString('en-US', { minimumFractionDigits: scale.decimals, maximumFractionDigits: scale.decimals });
  return notation === 'usd' ? `$${text}` : text;
}

export function tickLabels(scale: Scale, notation: Notation): string[] {
  return scale.ticks.map((t) => tickLabel(t, scale, notation));
}
