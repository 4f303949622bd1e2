/**
 * Counts per label over time in a fixed number of buckets whose width doubles as the covered
 * time grows (bounded memory whatever the duration, no first pass to find the range).
 */

export const TIME_BUCKETS = 48;
const INITIAL_WIDTH_MS = 1000;

export interface TimeSeries {
  /** Epoch ms of the first bucket's start. */
  startMs: number;
  widthMs: number;
  /** Label → count per bucket (same length for every label). */
  series: Record<string, number[]>;
}

export class TimeBuckets {
  private origin: number | undefined;
  private width = INITIAL_WIDTH_MS;
  private buckets: Map<string, number>[] = [];

  add(timeMs: number, label: string): void {
    if (!Number.isFinite(timeMs)) return;
    if (this.origin === undefined) this.origin = Math.floor(timeMs / this.width) * this.width;
    if (timeMs < this.origin || timeMs >= this.origin + TIME_BUCKETS * this.width) this.widen(timeMs);
    const i = Math.floor((timeMs - this.origin) / this.width);
    const b = (this.buckets[i] ??= new Map());
    b.set(label, (b.get(label) ?? 0) + 1);
  }

  /**
   * Doubles the width until the old range and `timeMs` fit, then merges the old buckets (each old
   * bucket falls wholly into one new bucket: widths are powers of two of the first one and origins
   * are multiples of the width).
   */
  private widen(timeMs: number): void {
    const oldOrigin = this.origin!;
    const oldWidth = this.width;
    const lo = Math.min(oldOrigin, timeMs);
    const hi = Math.max(oldOrigin + TIME_BUCKETS * oldWidth, timeMs + 1);
    let width = oldWidth;
    let origin: number;
    do {
      width *= 2;
      origin = Math.floor(lo / width) * width;
    } while (hi > origin + TIME_BUCKETS * width);
    const merged: Map<string, number>[] = [];
    this.buckets.forEach((b, i) => {
      if (!b) return;
      const j = Math.floor((oldOrigin + i * oldWidth - origin) / width);
      const m = (merged[j] ??= new Map());
      for (const [k, v] of b) m.set(k, (m.get(k) ?? 0) + v);
    });
    this.origin = origin;
    this.width = width;
    this.buckets = merged;
  }

  snapshot(): TimeSeries | undefined {
    if (this.origin === undefined) return undefined;
    let last = 0;
    this.buckets.forEach((b, i) => {
      if (b) last = i;
    });
    const n = last + 1;
    const series: Record<string, number[]> = {};
    this.buckets.forEach((b, i) => {
      if (!b) return;
      for (const [k, v] of b) (series[k] ??= new Array<number>(n).fill(0))[i] = v;
    });
    return { startMs: this.origin, widthMs: this.width, series };
  }
}
