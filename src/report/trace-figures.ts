/**
 * Trace-level figures of one cohort: the traces that touched it, how many succeeded, the cohort's
 * share of their cost and their whole cost, calls, retries and fallbacks per trace. Definitions in
 * docs/report.md ("Traces"). A closed trace is folded in once; a verdict that changes after the
 * trace closed (a late failing evaluation) is corrected with `unsucceed`.
 */
import { Quantiles } from './stats/quantiles.js';
import type { TraceStats } from './types.js';

/** What a closed trace contributes to every cohort it touched. */
export interface ClosedTrace {
  success: boolean;
  partial: boolean;
  /** USD over every attempt of every live call of the trace. */
  costUsd: number;
  calls: number;
  retries: number;
  fallbacks: number;
  priceUnknown: boolean;
}

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

function roundOrNull(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v);
}

export class TraceFiguresAcc {
  traces = 0;
  successes = 0;
  partial = 0;
  costShare = 0;
  costWhole = 0;
  retries = 0;
  fallbacks = 0;
  priceUnknown = 0;
  private readonly calls = new Quantiles();

  add(t: ClosedTrace, share: number): void {
    this.traces++;
    if (t.success) this.successes++;
    if (t.partial) this.partial++;
    this.costShare += share;
    this.costWhole += t.costUsd;
    this.calls.add(t.calls);
    this.retries += t.retries;
    this.fallbacks += t.fallbacks;
    if (t.priceUnknown) this.priceUnknown++;
  }

  /** A trace counted as successful turned out to have failed. */
  unsucceed(): void {
    this.successes--;
  }

  stats(): TraceStats {
    return {
      traces: this.traces,
      successes: this.successes,
      successRate: ratio(this.successes, this.traces),
      partial: this.partial,
      costShareUsd: this.costShare,
      costWholeUsd: this.costWhole,
      costPerSuccessfulTrace: ratio(this.costShare, this.successes),
      wholeTraceCostPerSuccessfulTrace: ratio(this.costWhole, this.successes),
      // Calls are whole numbers: rounding undoes the histogram's ±1 % once it took over.
      callsPerTrace: { p50: roundOrNull(this.calls.quantile(0.5)), p95: roundOrNull(this.calls.quantile(0.95)), mean: this.calls.mean ?? null },
      retriesPerTrace: ratio(this.retries, this.traces),
      fallbacksPerTrace: ratio(this.fallbacks, this.traces),
      priceUnknown: this.priceUnknown,
    };
  }
}
