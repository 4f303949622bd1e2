/**
 * Percentiles in bounded memory. The first `EXACT_LIMIT` values are kept as they are, so small
 * reports are exact (nearest rank: the p-th percentile is the ⌈p·n⌉-th smallest value). Past
 * that, the values move into a logarithmic histogram (the DDSketch idea): bucket i holds values in
 * (γ^(i-1), γ^i] with γ = (1+α)/(1-α), and a bucket is reported as 2γ^i/(γ+1), so every reported
 * percentile is within a relative error α = `RELATIVE_ACCURACY` (1 %) of a value of the right rank.
 * Memory: at most ~log(max/min)/log(γ) buckets (≈ 1 200 for 1 µs .. 1 day in ms), whatever the count.
 */

export const EXACT_LIMIT = 2048;
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

export class Quantiles {
  private exact: number[] | undefined = [];
  private buckets: Map<number, number> | undefined;
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Adds one value (negative, NaN and infinite values are ignored). */
  add(v: number): void {
    if (!(v >= 0) || v === Infinity) return;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (this.exact) {
      this.exact.push(v);
      if (this.exact.length > EXACT_LIMIT) this.spill();
      return;
    }
    this.addToBuckets(v);
  }

  /** True while every value is still kept exactly. */
  get isExact(): boolean {
    return this.exact !== undefined;
  }

  private spill(): void {
    const values = this.exact!;
    this.exact = undefined;
    this.buckets = new Map();
    for (const v of values) this.addToBuckets(v);
  }

  private addToBuckets(v: number): void {
    if (v === 0) {
      this.zeros++;
      return;
    }
    const i = Math.ceil(Math.log(v) / LOG_GAMMA);
    this.buckets!.set(i, (this.buckets!.get(i) ?? 0) + 1);
  }

  /** Nearest-rank percentile, q in [0, 1]; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.min(this.count, Math.max(1, Math.ceil(q * this.count)));
    if (this.exact) {
      this.exact.sort((a, b) => a - b);
      return this.exact[rank - 1];
    }
    let seen = this.zeros;
    if (rank <= seen) return 0;
    const keys = [...this.buckets!.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      seen += this.buckets!.get(k)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, (2 * Math.pow(GAMMA, k)) / (GAMMA + 1)));
    }
    return this.max;
  }

  get mean(): number | undefined {
    return this.count ? this.sum / this.count : undefined;
  }
}
