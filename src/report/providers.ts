/** Attempt-level figures per provider deployment: attempts, failures by error type, USD spent (failed attempts included). */
import type { JoinedCall } from './model/join.js';
import type { ProviderAttempts } from './types.js';

export class ProviderAttemptsAcc {
  private readonly rows = new Map<string, ProviderAttempts>();

  add(j: JoinedCall): void {
    for (const a of j.attempts) {
      const provider = a.provider ?? '?';
      const deployment = a.deploymentId ?? '?';
      const model = a.model ?? '?';
      const key = `${j.call.shadow ? 's' : 'l'}\u0000${provider}\u0000${deployment}\u0000${model}`;
      let row = this.rows.get(key);
      if (!row) {
        row = { provider, deployment, model, shadow: j.call.shadow, attempts: 0, failed: 0, failureRate: null, errorTypes: {}, costUsd: 0, inputTokens: 0, outputTokens: 0 };
        this.rows.set(key, row);
      }
      row.attempts++;
      if (a.failed) {
        row.failed++;
        const t = a.errorType ?? '_OTHER';
        row.errorTypes[t] = (row.errorTypes[t] ?? 0) + 1;
      }
      row.costUsd += a.costUsd ?? 0;
      row.inputTokens += a.inTokens ?? 0;
      row.outputTokens += a.outTokens ?? 0;
    }
  }

  list(): ProviderAttempts[] {
    const out = [...this.rows.values()].map((r) => ({ ...r, errorTypes: { ...r.errorTypes }, failureRate: r.attempts ? r.failed / r.attempts : null }));
    return out.sort((a, b) => Number(a.shadow) - Number(b.shadow) || b.attempts - a.attempts || (a.deployment < b.deployment ? -1 : 1));
  }
}
