/** The page's tables as blocks: cohorts (calls, cost, traces, evaluations), routes, provider attempts, coverage and the comparison. */
import type { CohortStats, Comparison, Report } from '../../types.js';
import { cost, int, ms, num, pct, signedPct, signedPoints, usd } from '../format.js';
import { table, type Block, type Cell } from './blocks.js';

function by(t: { by: string[] }): string {
  return t.by.join(' × ');
}

function cohortBlocks(t: Report['tables'][number]): Block[] {
  const out: Block[] = [];
  const live = t.cohorts.filter((c) => c.requests > 0);
  out.push({ kind: 'h3', text: `By ${by(t)}: calls, success and latency` });
  out.push(
    table({
      headers: ['cohort', 'requests', 'success', 'attempts/req', 'retry', 'fallback', 'fallback ok', 'p50 ms', 'p95 ms', 'p99 ms', 'ttft p50', 'ttft p95', 'in app trace', 'all attributes'],
      rows: live.map((c) => [
        c.label,
        int(c.requests),
        pct(c.successRate),
        num(c.attemptsPerRequest, 2),
        pct(c.retryRate),
        pct(c.fallbackRate),
        pct(c.fallbackSuccessRate),
        ms(c.latencyMs.p50),
        ms(c.latencyMs.p95),
        ms(c.latencyMs.p99),
        ms(c.ttftMs.p50),
        ms(c.ttftMs.p95),
        pct(c.coverage.inAppTraceShare),
        pct(c.coverage.completeShare),
      ]),
      text: [0],
    }),
  );
  out.push({ kind: 'h3', text: `By ${by(t)}: tokens and cost (USD, failed attempts included)` });
  out.push(
    table({
      headers: ['cohort', 'requests', '$/successful trace', '$/successful req', '$/req', 'cost $', 'in tok/req', 'out tok/req', 'no price'],
      rows: live.map((c: CohortStats) => [
        c.label,
        int(c.requests),
        cost(c.costPerSuccessfulTrace, c.traces.priceUnknown, c.traces.traces),
        cost(c.costPerSuccessfulRequest, c.priceUnknown, c.requests),
        cost(c.costPerRequest, c.priceUnknown, c.requests),
        cost(c.costUsd, c.priceUnknown, c.requests),
        num(c.inputTokensPerRequest, 1),
        num(c.outputTokensPerRequest, 1),
        c.priceUnknown ? int(c.priceUnknown) : '',
      ]),
      text: [0],
      key: [2],
    }),
  );
  const withTraces = t.cohorts.filter((c) => c.traces.traces > 0);
  if (withTraces.length) {
    out.push({ kind: 'h3', text: `Traces by ${by(t)} (a trace is in every cohort it touched)` });
    out.push(
      table({
        headers: ['cohort', 'traces', 'success', 'partial', 'calls p50', 'calls p95', 'retries/trace', 'fallbacks/trace', '$/successful trace', 'whole trace $/successful trace', "cohort's share $", 'whole traces $'],
        rows: withTraces.map((c) => {
          const tr = c.traces;
          return [
            c.label,
            int(tr.traces),
            pct(tr.successRate),
            int(tr.partial),
            int(tr.callsPerTrace.p50),
            int(tr.callsPerTrace.p95),
            num(tr.retriesPerTrace, 2),
            num(tr.fallbacksPerTrace, 2),
            cost(tr.costPerSuccessfulTrace, tr.priceUnknown, tr.traces),
            cost(tr.wholeTraceCostPerSuccessfulTrace, tr.priceUnknown, tr.traces),
            cost(tr.costShareUsd, tr.priceUnknown, tr.traces),
            cost(tr.costWholeUsd, tr.priceUnknown, tr.traces),
          ];
        }),
        text: [0],
        key: [8],
      }),
    );
  }
  const ev: Cell[][] = [];
  for (const c of t.cohorts) for (const e of c.evals) ev.push([c.label, e.evaluator, int(e.results), int(e.failed), pct(e.failRate), num(e.meanScore, 3)]);
  if (ev.length) {
    out.push({ kind: 'h3', text: `Eval-fail-rate by ${by(t)}` });
    out.push(table({ headers: ['cohort', 'evaluator', 'results', 'failed', 'fail rate', 'mean score'], rows: ev, text: [0, 1] }));
  }
  return out;
}

export function cohortTableBlocks(report: Report): Block[] {
  return report.tables.flatMap(cohortBlocks);
}

export function routeBlocks(report: Report): Block[] {
  const out: Block[] = [];
  for (const r of report.routes) {
    const p = r.primary ? `primary ${r.primary.deployment} (${r.primary.provider}/${r.primary.model}, ${r.primary.source})` : 'no primary';
    out.push({ kind: 'h3', text: `${r.route}: ${int(r.requests)} requests, ${p}, off-primary ${pct(r.offPrimaryShare)}` });
    const rows: Cell[][] = r.targets.map((t) => [
      t.deployment,
      `${t.provider}/${t.model}`,
      int(t.requests),
      pct(t.share),
      t.primary ? 'primary' : t.viaFallback === t.requests ? 'via fallback' : t.configured === false ? { text: 'not configured for this alias', cls: 'bad' } : t.viaFallback ? `${t.viaFallback} via fallback` : '',
    ]);
    if (r.failed) rows.push(['(failed)', '', int(r.failed), pct(r.failed / r.requests), { text: 'no answer', cls: 'bad' }]);
    if (r.cacheHits) rows.push(['(cache)', '', int(r.cacheHits), pct(r.cacheHits / r.requests), '']);
    out.push(table({ headers: ['deployment', 'provider/model', 'requests', 'share', ''], rows, text: [0, 1, 4] }));
    const reasons = Object.entries(r.reasons)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${int(n)}`);
    if (reasons.length) out.push({ kind: 'p', text: `Off-primary because: ${reasons.join(', ')}` });
  }
  return out;
}

export function providerBlocks(report: Report): Block[] {
  return [
    table({
      headers: ['deployment', 'provider/model', 'attempts', 'failed', 'failure rate', 'errors', 'cost $ (failed included)', 'tokens in', 'tokens out'],
      rows: report.providers.map((p) => [
        p.deployment + (p.shadow ? ' (shadow)' : ''),
        `${p.provider}/${p.model}`,
        int(p.attempts),
        int(p.failed),
        pct(p.failureRate),
        Object.entries(p.errorTypes)
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
        usd(p.costUsd),
        int(p.inputTokens),
        int(p.outputTokens),
      ]),
      text: [0, 1, 5],
    }),
  ];
}

/** Per route that looked up the semantic cache: hit rate, what the hits saved, and the eval-fail-rate of cached next to provider answers. */
export function semanticCacheBlocks(report: Report): Block[] {
  const routes = report.semanticCache ?? [];
  if (!routes.length) return [];
  return [
    table({
      headers: ['route', 'lookups', 'hits', 'hit rate', 'saved $', 'mean hit similarity', 'eval-fail-rate cached', 'eval-fail-rate provider'],
      rows: routes.map((r) => [
        r.route,
        int(r.lookups),
        int(r.hits),
        pct(r.hitRate),
        usd(r.savedUsd),
        num(r.meanHitSimilarity, 3),
        { text: pct(r.cachedEvalFailRate), cls: r.cachedEvalFailRate !== null && r.answeredEvalFailRate !== null && r.cachedEvalFailRate > r.answeredEvalFailRate ? 'bad' : '' },
        pct(r.answeredEvalFailRate),
      ]),
      text: [0],
    }),
  ];
}

export function coverageBlocks(report: Report): Block[] {
  const cov = report.coverage;
  const g = report.traceGrouping;
  const success = g.success === 'evals' ? 'the root span, unhandled call failures and every evaluation' : 'the root span and unhandled call failures';
  return [
    { kind: 'p', text: `${pct(cov.inAppTraceShare)} of calls (${int(cov.inAppTrace)} of ${int(cov.calls)}) sit inside an application trace.` },
    { kind: 'p', text: `${pct(cov.completeShare)} of calls (${int(cov.complete)}) carry every required attribute on their call and attempt spans.` },
    { kind: 'p', text: `Calls missing attempt spans: ${int(cov.callsMissingAttempts)}; attempt spans without their call: ${int(cov.orphanAttempts)}; evaluations without their answer: ${int(cov.orphanEvaluations)}.` },
    {
      kind: 'p',
      text: `Traces: ${int(g.traces)} with gateway calls (${int(g.partial)} without their root span), ${int(g.tracesWithoutCalls)} without; success counts ${success}. Spans after their trace closed: ${int(g.late.spans)} late (idle ${int(g.idleMs)} ms), ${int(g.overflow.spans)} overflow (over ${int(g.maxOpenTraces)} open traces); verdicts changed after close: ${int(g.verdictsChangedAfterClose)}.`,
    },
    { kind: 'p', text: `Required on call spans: ${cov.required.call.join(', ')}; on attempt spans: ${cov.required.attempt.join(', ')}.` },
  ];
}

export function comparisonBlocks(c: Comparison): Block[] {
  const out: Block[] = [{ kind: 'p', text: `Baseline: ${c.baseline.source} → current: ${c.current.source}` }];
  if (c.flags.length === 0) out.push({ kind: 'p', text: 'No cohort moved past the thresholds.' });
  for (const f of c.flags) out.push({ kind: 'flag', flag: f.kind, text: `[${f.kind}] ${f.message}` });
  out.push(
    table({
      headers: ['cohort', 'by', 'requests', 'success Δ', 'p50 Δ', 'p95 Δ', '$/successful trace Δ', '$/successful req Δ', 'eval-fail-rate Δ', 'flags'],
      rows: c.cohorts.map((d) => [
        d.label,
        d.by.join('+'),
        d.only ? `${d.only} only` : int(d.requests.current),
        signedPoints(d.successRate.delta),
        signedPct(d.latencyP50Ms.relative),
        signedPct(d.latencyP95Ms.relative),
        signedPct(d.costPerSuccessfulTrace.relative),
        signedPct(d.costPerSuccessfulRequest.relative),
        Object.entries(d.evalFailRate)
          .map(([k, m]) => `${k} ${signedPoints(m.delta)}`)
          .join(', '),
        { text: d.flags.join(', '), cls: d.flags.length ? 'bad' : '' },
      ]),
      text: [0, 1, 8, 9],
      key: [6],
    }),
  );
  return out;
}
