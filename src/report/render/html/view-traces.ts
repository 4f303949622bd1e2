/**
 * The trace list (the sampled calls in start order) and, per trace id, the detail a click shows:
 * every sampled call of that trace, the attempt waterfall, the attempts and the evaluations.
 */
import type { SampledAttempt, SampledTrace } from '../../types.js';
import { waterfall, type WaterfallRow } from '../chart/waterfall.js';
import { callCostDollars, callCostText, int, ms, num } from '../format.js';
import { table, type Block, type Cell, type TableView } from './blocks.js';

const isOk = (outcome: string): boolean => outcome === 'success' || outcome === 'fallback_success' || outcome === 'cache_hit';

const attemptUsage = (a: SampledAttempt): boolean => (a.inputTokens ?? 0) + (a.outputTokens ?? 0) > 0;
const callUsage = (t: SampledTrace): boolean => t.attempts.some(attemptUsage);

function evalSummary(t: SampledTrace): Cell {
  if (!t.evals.length) return '';
  const failed = t.evals.filter((e) => e.passed === false).length;
  const passed = t.evals.filter((e) => e.passed === true).length;
  return { text: `${passed} passed, ${failed} failed`, cls: failed ? 'bad' : 'good' };
}

export function traceNote(count: number): string {
  return `${int(count)} calls in start order. When a file has more, the sample keeps failures, fallbacks, failed evaluations and retries before plain successes. Click a call for its attempt waterfall and evaluations.`;
}

export function traceTable(traces: SampledTrace[], detailIndex: number[]): TableView {
  return {
    headers: ['start (UTC)', 'trace', 'route', 'outcome', 'answered by', 'attempts', 'latency ms', 'cost $', 'evaluations'],
    rows: traces.map((t) => [
      new Date(t.startMs).toISOString().slice(11, 23),
      `${t.traceId.slice(0, 12)}…`,
      t.route + (t.shadow ? ' (shadow)' : ''),
      { text: t.outcome, cls: isOk(t.outcome) ? '' : 'bad' },
      t.provider ? `${t.provider}/${t.model || '?'}` : '-',
      String(t.attempts.length),
      ms(t.durationMs),
      callCostText(t.costUsd, callUsage(t)),
      evalSummary(t),
    ]),
    text: [2, 4, 8],
    rowAttrs: traces.map((t, i) => ({ class: 'trace', 'data-trace': t.traceId, 'data-span': t.spanId, 'data-detail': String(detailIndex[i]) })),
  };
}

function waterfallRows(calls: SampledTrace[], base: number): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  for (const c of calls) {
    const at = c.startMs - base;
    rows.push({ label: `chat ${c.route} (call)`, offsetMs: at, durationMs: c.durationMs, error: !isOk(c.outcome), note: c.outcome, call: true });
    for (const a of c.attempts) {
      const note = `${a.status !== null ? `HTTP ${a.status} ` : ''}${a.errorType || 'ok'}${a.retryReason ? ` · after ${a.retryReason}` : ''} · cost ${callCostDollars(a.costUsd, attemptUsage(a))}`;
      rows.push({ label: `attempt ${a.index} · ${a.provider || '?'}/${a.model || '?'}`, offsetMs: at + a.offsetMs, durationMs: a.durationMs, error: !!a.errorType, note, call: false });
    }
  }
  return rows;
}

function detail(calls: SampledTrace[]): Block[] {
  const base = calls[0]!.startMs;
  const out: Block[] = [{ kind: 'h3', text: `Trace ${calls[0]!.traceId}${calls.length > 1 ? ` (${calls.length} calls)` : ''}` }];
  for (const c of calls) {
    out.push({
      kind: 'p',
      attrs: { 'data-span': c.spanId },
      text: `${c.route}${c.shadow ? ' (shadow)' : ''} · ${c.outcome}${c.fallbackAlias ? ` via fallback ${c.fallbackAlias}` : ''} · ${ms(c.durationMs)} ms${c.ttftMs !== null ? ` (first chunk ${ms(c.ttftMs)} ms)` : ''} · cost ${callCostDollars(c.costUsd, callUsage(c))} · call span ${c.spanId}`,
    });
  }
  out.push({ kind: 'svg', svg: waterfall(waterfallRows(calls, base)) });
  const attempts: Cell[][] = [];
  for (const c of calls) {
    for (const a of c.attempts) {
      attempts.push([
        c.route,
        String(a.index),
        a.deployment || '-',
        `${a.provider || '?'}/${a.model || '?'}`,
        a.status === null ? '-' : String(a.status),
        { text: a.errorType || '', cls: a.errorType ? 'bad' : '' },
        ms(c.startMs - base + a.offsetMs),
        ms(a.durationMs),
        ms(a.ttftMs),
        `${a.inputTokens ?? '-'} / ${a.outputTokens ?? '-'}`,
        callCostText(a.costUsd, attemptUsage(a)),
      ]);
    }
  }
  out.push(table({ headers: ['call', 'attempt', 'deployment', 'provider/model', 'HTTP', 'error', 'start +ms', 'ms', 'ttft ms', 'tokens in/out', 'cost $'], rows: attempts, text: [0, 2, 3] }));
  out.push({ kind: 'h3', text: 'Evaluations' });
  const evals: Cell[][] = [];
  for (const c of calls) {
    for (const e of c.evals) {
      evals.push([
        c.route,
        e.name,
        num(e.score, 3),
        e.label || '',
        { text: e.passed === null ? '?' : e.passed ? 'passed' : 'failed', cls: e.passed === false ? 'bad' : e.passed ? 'good' : '' },
        num(e.threshold, 3),
        e.explanation || '',
      ]);
    }
  }
  if (evals.length === 0) out.push({ kind: 'p', cls: 'no-evals', text: 'No evaluation results for the answers of this trace.' });
  else out.push(table({ headers: ['call', 'evaluator', 'score', 'label', 'verdict', 'threshold', 'explanation'], rows: evals, text: [0, 1, 3, 6], id: 'trace-evals' }));
  return out;
}

/** The details of the sampled calls' traces (each trace once) and, per call, the index of its trace's detail. */
export function traceDetails(traces: SampledTrace[]): { details: Block[][]; index: number[] } {
  const byTrace = new Map<string, SampledTrace[]>();
  for (const t of traces) {
    const list = byTrace.get(t.traceId);
    if (list) list.push(t);
    else byTrace.set(t.traceId, [t]);
  }
  const ids = [...byTrace.keys()];
  const details = ids.map((id) => detail([...byTrace.get(id)!].sort((a, b) => a.startMs - b.startMs)));
  const at = new Map(ids.map((id, i) => [id, i]));
  return { details, index: traces.map((t) => at.get(t.traceId)!) };
}
