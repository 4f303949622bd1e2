/**
 * Live per-deployment statistics kept in this process for the strategies: attempts in flight
 * (least-busy), and exponentially weighted moving averages of latency for unary answers and of
 * time to first token for streams (latency strategy). Local by design: they describe what this
 * process sees, and they change on every attempt.
 */

export interface DeploymentStats {
  inFlight: number;
  /** EWMA of the full latency of successful non-streaming attempts, ms. */
  latencyMs?: number;
  /** EWMA of time to first token of successful streaming attempts, ms. */
  ttftMs?: number;
  /** Successful samples seen. */
  samples: number;
}

export class StatsTable {
  private readonly table = new Map<string, DeploymentStats>();

  /** @param alpha weight of the newest sample in the EWMA (0..1) */
  constructor(private readonly alpha = 0.3) {}

  get(id: string): DeploymentStats {
    let s = this.table.get(id);
    if (!s) {
      s = { inFlight: 0, samples: 0 };
      this.table.set(id, s);
    }
    return s;
  }

  begin(id: string): void {
    this.get(id).inFlight++;
  }

  end(id: string): void {
    const s = this.get(id);
    s.inFlight = Math.max(0, s.inFlight - 1);
  }

  /** Records a successful attempt's latency (unary) or time to first token (stream). */
  observe(id: string, kind: 'latency' | 'ttft', ms: number): void {
    const s = this.get(id);
    const key = kind === 'latency' ? 'latencyMs' : 'ttftMs';
    const prev = s[key];
    s[key] = prev === undefined ? ms : prev + this.alpha * (ms - prev);
    s.samples++;
  }

  /** Failed attempts count as slow: the latency strategy moves away from a failing deployment. */
  penalize(id: string, kind: 'latency' | 'ttft', ms: number): void {
    this.observe(id, kind, ms);
  }
}
