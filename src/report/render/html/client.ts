/**
 * The report page's script. `reportClient` is serialized with `Function.prototype.toString()` into
 * the page and called with the document and the embedded report data, so it must be
 * self-contained: no imports, nothing from module scope, no network. Every text from the traces
 * (aliases, model names, explanations) goes into the page through `textContent` or
 * `setAttribute`, never as markup. Charts are inline SVG drawn here; each data point is an element
 * with class `pt` (the browser test counts them).
 */
import type { CohortStats, Report, SampledTrace } from '../../types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function reportClient(doc: any, data: Report): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#2f6fdb', '#e67e22', '#27ae60', '#8e44ad', '#c0392b', '#16a085', '#d4ac0d', '#7f8c8d', '#2c3e50', '#f39c12'];

  function el(tag: string, attrs?: Record<string, string | number>, text?: string): any {
    const e = doc.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svgEl(tag: string, attrs?: Record<string, string | number>, text?: string): any {
    const e = doc.createElementNS(SVG, tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function titled(node: any, text: string): any {
    node.appendChild(svgEl('title', undefined, text));
    return node;
  }
  function fmtInt(n: number | null | undefined): string {
    return n === null || n === undefined || !isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US');
  }
  function fmtPct(v: number | null | undefined): string {
    return v === null || v === undefined || !isFinite(v) ? '-' : (v * 100).toFixed(1) + '%';
  }
  function fmtMs(v: number | null | undefined): string {
    if (v === null || v === undefined || !isFinite(v)) return '-';
    return v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
  }
  function fmtUsd(v: number | null | undefined): string {
    if (v === null || v === undefined || !isFinite(v)) return '-';
    if (v === 0) return '0';
    if (Math.abs(v) >= 100) return v.toFixed(0);
    if (Math.abs(v) >= 1) return v.toFixed(2);
    // Three significant digits in fixed notation (never 2.00e-8).
    const decimals = Math.min(100, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v)))));
    return v.toFixed(decimals);
  }
  function fmtNum(v: number | null | undefined, d: number): string {
    return v === null || v === undefined || !isFinite(v) ? '-' : v.toFixed(d);
  }
  function niceMax(v: number): number {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    const m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function legend(parent: any, names: string[]): void {
    const box = el('div', { class: 'legend' });
    names.forEach((n, i) => {
      const item = el('span');
      const sw = el('i');
      sw.setAttribute('style', 'background:' + PALETTE[i % PALETTE.length]);
      item.appendChild(sw);
      item.appendChild(doc.createTextNode(n));
      box.appendChild(item);
    });
    parent.appendChild(box);
  }
  function chartBox(id: string, title: string): any {
    const box = el('div', { class: 'chart', id: 'chart-' + id });
    box.appendChild(el('h3', undefined, title));
    doc.getElementById('charts').appendChild(box);
    return box;
  }
  function empty(box: any, text: string): void {
    box.appendChild(el('div', { class: 'empty' }, text));
  }

  interface Group {
    label: string;
    values: { name: string; value: number; text: string }[];
  }

  /** Vertical grouped bars: one group per cohort, one bar (a `pt`) per series. */
  function groupedBars(box: any, chart: string, groups: Group[], series: string[], unit: (v: number) => string): void {
    const W = 640;
    const H = 260;
    const left = 56;
    const bottom = 54;
    const top = 12;
    const max = niceMax(Math.max(0, ...groups.flatMap((g) => g.values.map((v) => v.value))));
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, 'data-chart': chart, role: 'img' });
    const plotH = H - top - bottom;
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      svg.appendChild(svgEl('line', { x1: left, x2: W - 8, y1: y, y2: y, class: 'axis' }));
      svg.appendChild(svgEl('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, unit((max * i) / 4)));
    }
    const slot = (W - left - 8) / Math.max(1, groups.length);
    const barW = Math.max(2, Math.min(28, (slot * 0.8) / Math.max(1, series.length)));
    groups.forEach((g, gi) => {
      const x0 = left + gi * slot + (slot - barW * series.length) / 2;
      g.values.forEach((v, si) => {
        const h = max > 0 ? (plotH * v.value) / max : 0;
        const rect = svgEl('rect', {
          class: 'pt',
          x: x0 + si * barW,
          y: top + plotH - h,
          width: barW - 1,
          height: Math.max(0.5, h),
          fill: PALETTE[series.indexOf(v.name) % PALETTE.length]!,
          'data-series': v.name,
          'data-value': v.value,
        });
        svg.appendChild(titled(rect, g.label + ' · ' + v.name + ': ' + v.text));
      });
      const label = g.label.length > 22 ? g.label.slice(0, 21) + '…' : g.label;
      svg.appendChild(titled(svgEl('text', { x: left + gi * slot + slot / 2, y: H - bottom + 16, 'text-anchor': 'middle' }, label), g.label));
    });
    box.appendChild(svg);
    if (series.length > 1) legend(box, series);
  }

  /** Horizontal bars 0..100 %: one `pt` per (cohort, evaluator). */
  function rateBars(box: any, chart: string, rows: { label: string; value: number; text: string; series: string }[], series: string[]): void {
    const W = 640;
    const rowH = 20;
    const left = 230;
    const H = 24 + rows.length * rowH;
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, 'data-chart': chart, role: 'img' });
    const plotW = W - left - 60;
    for (let i = 0; i <= 4; i++) {
      const x = left + (plotW * i) / 4;
      svg.appendChild(svgEl('line', { x1: x, x2: x, y1: 4, y2: H - 16, class: 'axis' }));
      svg.appendChild(svgEl('text', { x, y: H - 4, 'text-anchor': 'middle' }, i * 25 + '%'));
    }
    rows.forEach((r, i) => {
      const y = 6 + i * rowH;
      const label = r.label.length > 38 ? r.label.slice(0, 37) + '…' : r.label;
      svg.appendChild(titled(svgEl('text', { x: left - 6, y: y + 12, 'text-anchor': 'end' }, label), r.label));
      const w = Math.max(0.5, plotW * Math.min(1, r.value));
      const rect = svgEl('rect', {
        class: 'pt',
        x: left,
        y,
        width: w,
        height: rowH - 6,
        fill: PALETTE[series.indexOf(r.series) % PALETTE.length]!,
        'data-value': r.value,
      });
      svg.appendChild(titled(rect, r.label + ': ' + r.text));
      svg.appendChild(svgEl('text', { x: left + w + 4, y: y + 12 }, fmtPct(r.value)));
    });
    box.appendChild(svg);
    legend(box, series);
  }

  /** Stacked bars over time: one `pt` per (bucket, label) with a count. */
  function stackedTime(box: any, chart: string): void {
    const tl = data.providerTimeline;
    const labels = tl ? Object.keys(tl.series).sort() : [];
    if (!tl || labels.length === 0) return empty(box, 'No live calls.');
    const n = Math.max(...labels.map((l) => tl.series[l]!.length));
    const totals: number[] = [];
    for (let i = 0; i < n; i++) totals.push(labels.reduce((s, l) => s + (tl.series[l]![i] ?? 0), 0));
    const W = 640;
    const H = 240;
    const left = 48;
    const bottom = 30;
    const top = 10;
    const plotH = H - top - bottom;
    const max = niceMax(Math.max(...totals));
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, 'data-chart': chart, role: 'img' });
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      svg.appendChild(svgEl('line', { x1: left, x2: W - 8, y1: y, y2: y, class: 'axis' }));
      svg.appendChild(svgEl('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, String(Number(((max * i) / 4).toFixed(2)))));
    }
    const slot = (W - left - 8) / n;
    for (let i = 0; i < n; i++) {
      let y = top + plotH;
      labels.forEach((l, li) => {
        const c = tl.series[l]![i] ?? 0;
        if (!c) return;
        const h = (plotH * c) / max;
        y -= h;
        const t0 = new Date(tl.startMs + i * tl.widthMs).toISOString().slice(11, 19);
        const rect = svgEl('rect', { class: 'pt', x: left + i * slot + 1, y, width: Math.max(1, slot - 2), height: Math.max(0.5, h), fill: PALETTE[li % PALETTE.length]!, 'data-series': l });
        svg.appendChild(titled(rect, t0 + ' UTC · ' + l + ': ' + c + ' of ' + totals[i]));
      });
    }
    const span = (n * tl.widthMs) / 1000;
    svg.appendChild(svgEl('text', { x: left, y: H - 8 }, new Date(tl.startMs).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'));
    svg.appendChild(svgEl('text', { x: W - 8, y: H - 8, 'text-anchor': 'end' }, '+' + (span < 120 ? span.toFixed(0) + ' s' : (span / 60).toFixed(0) + ' min') + ' (' + tl.widthMs / 1000 + ' s per bar)'));
    box.appendChild(svg);
    legend(box, labels);
  }

  function table(parent: any, headers: string[], rows: (string | { text: string; cls?: string })[][], textCols?: number[]): any {
    const t = el('table');
    const thead = el('thead');
    const hr = el('tr');
    headers.forEach((h, i) => hr.appendChild(el('th', textCols && textCols.indexOf(i) >= 0 ? { class: 'text' } : undefined, h)));
    thead.appendChild(hr);
    t.appendChild(thead);
    const tb = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      r.forEach((c, i) => {
        const cell = typeof c === 'string' ? { text: c } : c;
        const cls = [cell.cls || '', textCols && textCols.indexOf(i) >= 0 ? 'text' : ''].join(' ').trim();
        tr.appendChild(el('td', cls ? { class: cls } : undefined, cell.text));
      });
      tb.appendChild(tr);
    }
    t.appendChild(tb);
    const wrap = el('div', { class: 'scroll' });
    wrap.appendChild(t);
    parent.appendChild(wrap);
    return t;
  }

  // ---- header -------------------------------------------------------------------------------
  const tot = data.totals;
  const cards = doc.getElementById('cards');
  const card = (value: string, label: string): void => {
    const c = el('div', { class: 'card' });
    c.appendChild(el('b', undefined, value));
    c.appendChild(el('span', undefined, label));
    cards.appendChild(c);
  };
  card(fmtInt(tot.requests), 'live calls');
  card(fmtPct(tot.successRate), 'succeeded');
  card(fmtNum(tot.attemptsPerRequest, 2), 'attempts per request');
  card(fmtMs(tot.latencyMs.p95) + ' ms', 'p95 latency');
  card(fmtInt(tot.traces.traces), 'traces (user tasks)');
  card(fmtPct(tot.traces.successRate), 'traces succeeded');
  card(fmtInt(tot.traces.callsPerTrace.p50) + ' / ' + fmtInt(tot.traces.callsPerTrace.p95), 'calls per trace p50 / p95');
  card('$' + fmtUsd(tot.costPerSuccessfulTrace), 'cost per successful trace');
  card('$' + fmtUsd(tot.costPerSuccessfulRequest), 'cost per successful call');
  card(fmtPct(data.coverage.inAppTraceShare), 'calls inside an app trace');
  card(fmtPct(data.coverage.completeShare), 'calls with all required attributes');
  if (data.shadowTotals) card(fmtInt(data.shadowTotals.requests), 'shadow calls');

  // ---- charts ------------------------------------------------------------------------------
  const routeTable = data.tables.find((t) => t.by.length === 1 && t.by[0] === 'route');
  const routes: CohortStats[] = routeTable ? routeTable.cohorts.filter((c) => !c.shadow) : [];
  const latBox = chartBox('latency', 'Latency percentiles by route (ms)');
  if (routes.length === 0) empty(latBox, 'No live calls.');
  else
    groupedBars(
      latBox,
      'latency',
      routes.map((c) => ({
        label: c.label,
        values: [
          { name: 'p50', value: c.latencyMs.p50 ?? 0, text: fmtMs(c.latencyMs.p50) + ' ms' },
          { name: 'p95', value: c.latencyMs.p95 ?? 0, text: fmtMs(c.latencyMs.p95) + ' ms' },
          { name: 'p99', value: c.latencyMs.p99 ?? 0, text: fmtMs(c.latencyMs.p99) + ' ms' },
        ],
      })),
      ['p50', 'p95', 'p99'],
      (v) => fmtMs(v),
    );
  const costBox = chartBox('cost', 'Cost per successful trace next to cost per call, by route (USD; failed attempts and failed traces included)');
  const costed = routes.filter((c) => c.costPerSuccessfulTrace !== null || c.costPerRequest !== null);
  const COST_SERIES = ['per successful trace', 'per call'];
  if (costed.length === 0) empty(costBox, 'No calls with a known cost.');
  else
    groupedBars(
      costBox,
      'cost',
      costed.map((c) => ({
        label: c.label,
        values: [
          { name: COST_SERIES[0]!, value: c.costPerSuccessfulTrace ?? 0, text: '$' + fmtUsd(c.costPerSuccessfulTrace) + ' (' + fmtInt(c.traces.successes) + ' of ' + fmtInt(c.traces.traces) + ' traces succeeded)' },
          { name: COST_SERIES[1]!, value: c.costPerRequest ?? 0, text: '$' + fmtUsd(c.costPerRequest) + ' (' + fmtInt(c.requests) + ' calls)' },
        ],
      })),
      COST_SERIES,
      (v) => '$' + fmtUsd(v),
    );
  const evalBox = chartBox('evals', 'Eval-fail-rate by cohort');
  const evalRows: { label: string; value: number; text: string; series: string }[] = [];
  const evaluators: string[] = [];
  for (const t of data.tables) {
    if (t.by.length !== 1 || (t.by[0] !== 'route' && t.by[0] !== 'provider')) continue;
    for (const c of t.cohorts) {
      for (const e of c.evals) {
        if (e.failRate === null) continue;
        if (evaluators.indexOf(e.evaluator) < 0) evaluators.push(e.evaluator);
        evalRows.push({ label: t.by[0] + ' ' + c.label + ' · ' + e.evaluator, value: e.failRate, text: fmtPct(e.failRate) + ' (' + e.failed + ' of ' + e.withVerdict + ')', series: e.evaluator });
      }
    }
  }
  if (evalRows.length === 0) empty(evalBox, 'No evaluation results in these traces.');
  else rateBars(evalBox, 'evals', evalRows, evaluators);
  stackedTime(chartBox('providers', 'Provider distribution over time (live calls by answering provider)'), 'providers');

  // ---- cohort tables -----------------------------------------------------------------------
  const tablesBox = doc.getElementById('tables');
  for (const t of data.tables) {
    tablesBox.appendChild(el('h3', undefined, 'By ' + t.by.join(' × ')));
    table(
      tablesBox,
      ['cohort', 'requests', 'success', 'attempts/req', 'retry', 'fallback', 'fallback ok', 'p50 ms', 'p95 ms', 'p99 ms', 'ttft p50', 'ttft p95', 'in tok/req', 'out tok/req', 'cost $', '$/req', '$/successful req', '$/successful trace', 'in app trace', 'all attributes'],
      t.cohorts.filter((c) => c.requests > 0).map((c) => [
        c.label,
        fmtInt(c.requests),
        fmtPct(c.successRate),
        fmtNum(c.attemptsPerRequest, 2),
        fmtPct(c.retryRate),
        fmtPct(c.fallbackRate),
        fmtPct(c.fallbackSuccessRate),
        fmtMs(c.latencyMs.p50),
        fmtMs(c.latencyMs.p95),
        fmtMs(c.latencyMs.p99),
        fmtMs(c.ttftMs.p50),
        fmtMs(c.ttftMs.p95),
        fmtNum(c.inputTokensPerRequest, 1),
        fmtNum(c.outputTokensPerRequest, 1),
        fmtUsd(c.costUsd),
        fmtUsd(c.costPerRequest),
        fmtUsd(c.costPerSuccessfulRequest),
        fmtUsd(c.costPerSuccessfulTrace),
        fmtPct(c.coverage.inAppTraceShare),
        fmtPct(c.coverage.completeShare),
      ]),
    );
    const withTraces = t.cohorts.filter((c) => c.traces.traces > 0);
    if (withTraces.length) {
      tablesBox.appendChild(el('h3', undefined, 'Traces by ' + t.by.join(' × ') + ' (a trace is in every cohort it touched)'));
      table(
        tablesBox,
        ['cohort', 'traces', 'success', 'partial', 'calls p50', 'calls p95', 'retries/trace', 'fallbacks/trace', "cohort's share $", 'whole traces $', '$/successful trace', 'whole trace $/successful trace'],
        withTraces.map((c) => [
          c.label,
          fmtInt(c.traces.traces),
          fmtPct(c.traces.successRate),
          fmtInt(c.traces.partial),
          fmtInt(c.traces.callsPerTrace.p50),
          fmtInt(c.traces.callsPerTrace.p95),
          fmtNum(c.traces.retriesPerTrace, 2),
          fmtNum(c.traces.fallbacksPerTrace, 2),
          fmtUsd(c.traces.costShareUsd),
          fmtUsd(c.traces.costWholeUsd),
          fmtUsd(c.traces.costPerSuccessfulTrace),
          fmtUsd(c.traces.wholeTraceCostPerSuccessfulTrace),
        ]),
      );
    }
    const ev: string[][] = [];
    for (const c of t.cohorts) for (const e of c.evals) ev.push([c.label, e.evaluator, fmtInt(e.results), fmtInt(e.failed), fmtPct(e.failRate), fmtNum(e.meanScore, 3)]);
    if (ev.length) {
      tablesBox.appendChild(el('h3', undefined, 'Eval-fail-rate by ' + t.by.join(' × ')));
      table(tablesBox, ['cohort', 'evaluator', 'results', 'failed', 'fail rate', 'mean score'], ev, [1]);
    }
  }

  // ---- routes and providers ----------------------------------------------------------------
  const routesBox = doc.getElementById('routes');
  for (const r of data.routes) {
    const p = r.primary ? 'primary ' + r.primary.deployment + ' (' + r.primary.provider + '/' + r.primary.model + ', ' + r.primary.source + ')' : 'no primary';
    routesBox.appendChild(el('h3', undefined, r.route + ': ' + fmtInt(r.requests) + ' requests, ' + p + ', off-primary ' + fmtPct(r.offPrimaryShare)));
    const rows: (string | { text: string; cls?: string })[][] = r.targets.map((t) => [
      t.deployment,
      t.provider + '/' + t.model,
      fmtInt(t.requests),
      fmtPct(t.share),
      t.primary ? 'primary' : t.viaFallback === t.requests ? 'via fallback' : t.configured === false ? { text: 'not configured for this alias', cls: 'bad' } : t.viaFallback ? t.viaFallback + ' via fallback' : '',
    ]);
    if (r.failed) rows.push(['(failed)', '', fmtInt(r.failed), fmtPct(r.failed / r.requests), { text: 'no answer', cls: 'bad' }]);
    if (r.cacheHits) rows.push(['(cache)', '', fmtInt(r.cacheHits), fmtPct(r.cacheHits / r.requests), '']);
    table(routesBox, ['deployment', 'provider/model', 'requests', 'share', ''], rows, [1, 4]);
    const reasons = Object.keys(r.reasons)
      .filter((k) => (r.reasons as Record<string, number>)[k]! > 0)
      .map((k) => k + ' ' + fmtInt((r.reasons as Record<string, number>)[k]));
    if (reasons.length) routesBox.appendChild(el('p', undefined, 'Off-primary because: ' + reasons.join(', ')));
  }
  table(
    doc.getElementById('providers'),
    ['deployment', 'provider/model', 'attempts', 'failed', 'failure rate', 'errors', 'cost $ (failed included)', 'tokens in', 'tokens out'],
    data.providers.map((p) => [
      p.deployment + (p.shadow ? ' (shadow)' : ''),
      p.provider + '/' + p.model,
      fmtInt(p.attempts),
      fmtInt(p.failed),
      fmtPct(p.failureRate),
      Object.keys(p.errorTypes)
        .map((k) => k + ' ' + p.errorTypes[k])
        .join(', '),
      fmtUsd(p.costUsd),
      fmtInt(p.inputTokens),
      fmtInt(p.outputTokens),
    ]),
    [1, 5],
  );

  // ---- coverage and comparison -------------------------------------------------------------
  const cov = data.coverage;
  const covBox = doc.getElementById('coverage');
  covBox.appendChild(el('p', undefined, fmtPct(cov.inAppTraceShare) + ' of calls (' + fmtInt(cov.inAppTrace) + ' of ' + fmtInt(cov.calls) + ') sit inside an application trace.'));
  covBox.appendChild(el('p', undefined, fmtPct(cov.completeShare) + ' of calls (' + fmtInt(cov.complete) + ') carry every required attribute on their call and attempt spans.'));
  covBox.appendChild(
    el(
      'p',
      undefined,
      'Calls missing attempt spans: ' + fmtInt(cov.callsMissingAttempts) + '; attempt spans without their call: ' + fmtInt(cov.orphanAttempts) + '; evaluations without their answer: ' + fmtInt(cov.orphanEvaluations) + '.',
    ),
  );
  const g = data.traceGrouping;
  covBox.appendChild(
    el(
      'p',
      undefined,
      'Traces: ' + fmtInt(g.traces) + ' with gateway calls (' + fmtInt(g.partial) + ' without their root span), ' + fmtInt(g.tracesWithoutCalls) + ' without; success counts ' + (g.success === 'evals' ? 'the root span, unhandled call failures and every evaluation' : 'the root span and unhandled call failures') + '. Spans after their trace closed: ' + fmtInt(g.late.spans) + ' late (idle ' + fmtInt(g.idleMs) + ' ms), ' + fmtInt(g.overflow.spans) + ' overflow (over ' + fmtInt(g.maxOpenTraces) + ' open traces); verdicts changed after close: ' + fmtInt(g.verdictsChangedAfterClose) + '.',
    ),
  );
  covBox.appendChild(el('p', undefined, 'Required on call spans: ' + cov.required.call.join(', ') + '; on attempt spans: ' + cov.required.attempt.join(', ') + '.'));
  const cmpBox = doc.getElementById('comparison');
  if (data.comparison) {
    cmpBox.hidden = false;
    cmpBox.appendChild(el('p', undefined, 'Baseline: ' + data.comparison.baseline.source + ' → current: ' + data.comparison.current.source));
    if (data.comparison.flags.length === 0) cmpBox.appendChild(el('p', undefined, 'No cohort moved past the thresholds.'));
    for (const f of data.comparison.flags) cmpBox.appendChild(el('div', { class: 'flag ' + f.kind }, '[' + f.kind + '] ' + f.message));
    table(
      cmpBox,
      ['cohort', 'by', 'requests', 'success Δ', 'p50 Δ', 'p95 Δ', '$/successful trace Δ', '$/successful req Δ', 'eval-fail-rate Δ', 'flags'],
      data.comparison.cohorts.map((d) => [
        d.label,
        d.by.join('+'),
        d.only ? d.only + ' only' : fmtInt(d.requests.current),
        d.successRate.delta === null ? '-' : (d.successRate.delta * 100).toFixed(1) + ' pts',
        d.latencyP50Ms.relative === null ? '-' : (d.latencyP50Ms.relative * 100).toFixed(0) + '%',
        d.latencyP95Ms.relative === null ? '-' : (d.latencyP95Ms.relative * 100).toFixed(0) + '%',
        d.costPerSuccessfulTrace.relative === null ? '-' : (d.costPerSuccessfulTrace.relative * 100).toFixed(0) + '%',
        d.costPerSuccessfulRequest.relative === null ? '-' : (d.costPerSuccessfulRequest.relative * 100).toFixed(0) + '%',
        Object.keys(d.evalFailRate)
          .map((k) => {
            const m = d.evalFailRate[k]!;
            return k + ' ' + (m.delta === null ? '-' : (m.delta >= 0 ? '+' : '') + (m.delta * 100).toFixed(1) + ' pts');
          })
          .join(', '),
        { text: d.flags.join(', '), cls: d.flags.length ? 'bad' : '' },
      ]),
      [1, 8, 9],
    );
  }

  // ---- trace list and detail ---------------------------------------------------------------
  const traces: SampledTrace[] = data.traces;
  const list = doc.getElementById('traces');
  const detail = doc.getElementById('trace-detail');
  const filter = el('input', { class: 'filter', type: 'search', placeholder: 'filter by route, outcome, provider, trace id…', id: 'trace-filter' });
  list.appendChild(filter);
  list.appendChild(el('p', undefined, traces.length + ' calls sampled (failures, fallbacks, failed evaluations and retries first). Click one for its attempt waterfall and evaluations.'));
  const evalSummary = (t: SampledTrace): { text: string; cls?: string } => {
    const failed = t.evals.filter((e) => e.passed === false).length;
    const passed = t.evals.filter((e) => e.passed === true).length;
    if (!t.evals.length) return { text: '' };
    return { text: passed + ' passed, ' + failed + ' failed', cls: failed ? 'bad' : 'good' };
  };
  const tbl = table(
    list,
    ['start (UTC)', 'trace', 'route', 'outcome', 'answered by', 'attempts', 'latency ms', 'cost $', 'evaluations'],
    traces.map((t) => [
      new Date(t.startMs).toISOString().slice(11, 23),
      t.traceId.slice(0, 12) + '…',
      t.route + (t.shadow ? ' (shadow)' : ''),
      { text: t.outcome, cls: t.outcome === 'success' || t.outcome === 'cache_hit' ? '' : t.outcome === 'fallback_success' ? '' : 'bad' },
      t.provider ? t.provider + '/' + (t.model || '?') : '-',
      String(t.attempts.length),
      fmtMs(t.durationMs),
      fmtUsd(t.costUsd),
      evalSummary(t),
    ]),
    [2, 4, 8],
  );
  const rows = tbl.querySelectorAll('tbody tr');
  rows.forEach((tr: any, i: number) => {
    tr.setAttribute('class', 'trace');
    tr.setAttribute('data-trace', traces[i]!.traceId);
    tr.setAttribute('data-span', traces[i]!.spanId);
    tr.addEventListener('click', () => showTrace(i));
  });
  filter.addEventListener('input', () => {
    const q = String(filter.value || '').toLowerCase();
    rows.forEach((tr: any) => {
      tr.hidden = q !== '' && String(tr.textContent).toLowerCase().indexOf(q) < 0 && String(tr.getAttribute('data-trace')).indexOf(q) < 0;
    });
  });

  const isOk = (outcome: string): boolean => outcome === 'success' || outcome === 'fallback_success' || outcome === 'cache_hit';

  /** The detail of a trace: every sampled call of the clicked call's trace, its attempts and evaluations. */
  function showTrace(i: number): void {
    const t = traces[i]!;
    rows.forEach((tr: any, j: number) => tr.setAttribute('class', j === i ? 'trace selected' : 'trace'));
    while (detail.firstChild) detail.removeChild(detail.firstChild);
    detail.hidden = false;
    const calls = traces.filter((c) => c.traceId === t.traceId).sort((a, b) => a.startMs - b.startMs);
    const base = calls[0]!.startMs;
    const many = calls.length > 1;
    detail.appendChild(el('h3', undefined, 'Trace ' + t.traceId + (many ? ' (' + calls.length + ' calls)' : '')));
    for (const c of calls) {
      detail.appendChild(
        el(
          'p',
          c === t ? { class: 'selected-call' } : undefined,
          c.route +
            (c.shadow ? ' (shadow)' : '') +
            ' · ' +
            c.outcome +
            (c.fallbackAlias ? ' via fallback ' + c.fallbackAlias : '') +
            ' · ' +
            fmtMs(c.durationMs) +
            ' ms' +
            (c.ttftMs !== null ? ' (first chunk ' + fmtMs(c.ttftMs) + ' ms)' : '') +
            ' · $' +
            fmtUsd(c.costUsd) +
            ' · call span ' +
            c.spanId,
        ),
      );
    }
    const W = 760;
    const rowH = 24;
    const left = 300;
    const spans: { label: string; offset: number; dur: number; error: boolean; note: string; call: boolean }[] = [];
    for (const c of calls) {
      const at = c.startMs - base;
      spans.push({ label: 'chat ' + c.route + ' (call)', offset: at, dur: c.durationMs, error: !isOk(c.outcome), note: c.outcome, call: true });
      for (const a of c.attempts) {
        spans.push({
          label: '  attempt ' + a.index + ' · ' + (a.provider || '?') + '/' + (a.model || '?'),
          offset: at + a.offsetMs,
          dur: a.durationMs,
          error: !!a.errorType,
          note: (a.status !== null ? 'HTTP ' + a.status + ' ' : '') + (a.errorType || 'ok') + (a.retryReason ? ' · after ' + a.retryReason : '') + (a.costUsd !== null ? ' · $' + fmtUsd(a.costUsd) : ''),
          call: false,
        });
      }
    }
    const total = Math.max(1e-6, ...spans.map((s) => s.offset + s.dur));
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + (spans.length * rowH + 22), 'data-chart': 'waterfall', role: 'img' });
    spans.forEach((s, k) => {
      const y = 4 + k * rowH;
      const label = s.label.length > 44 ? s.label.slice(0, 43) + '…' : s.label;
      svg.appendChild(titled(svgEl('text', { x: s.call ? 4 : 16, y: y + 14 }, label.trim()), s.label.trim()));
      const x = left + ((W - left - 10) * Math.max(0, s.offset)) / total;
      const w = Math.max(2, ((W - left - 10) * s.dur) / total);
      const rect = svgEl('rect', { class: 'pt span', x, y: y + 2, width: w, height: rowH - 8, fill: s.error ? '#c0392b' : s.call ? '#7f8c8d' : '#2f6fdb' });
      svg.appendChild(titled(rect, s.label.trim() + ': ' + fmtMs(s.dur) + ' ms from +' + fmtMs(s.offset) + ' ms · ' + s.note));
    });
    svg.appendChild(svgEl('text', { x: left, y: spans.length * rowH + 18 }, '0 ms'));
    svg.appendChild(svgEl('text', { x: W - 10, y: spans.length * rowH + 18, 'text-anchor': 'end' }, fmtMs(total) + ' ms'));
    detail.appendChild(svg);
    const attemptRows: (string | { text: string; cls?: string })[][] = [];
    for (const c of calls) {
      for (const a of c.attempts) {
        attemptRows.push([
          c.route,
          String(a.index),
          a.deployment || '-',
          (a.provider || '?') + '/' + (a.model || '?'),
          a.status === null ? '-' : String(a.status),
          { text: a.errorType || '', cls: a.errorType ? 'bad' : '' },
          fmtMs(c.startMs - base + a.offsetMs),
          fmtMs(a.durationMs),
          fmtMs(a.ttftMs),
          (a.inputTokens ?? '-') + ' / ' + (a.outputTokens ?? '-'),
          fmtUsd(a.costUsd),
        ]);
      }
    }
    table(detail, ['call', 'attempt', 'deployment', 'provider/model', 'HTTP', 'error', 'start +ms', 'ms', 'ttft ms', 'tokens in/out', 'cost $'], attemptRows, [0, 2, 3]);
    detail.appendChild(el('h3', undefined, 'Evaluations'));
    const evalRows: (string | { text: string; cls?: string })[][] = [];
    for (const c of calls) {
      for (const e of c.evals) {
        evalRows.push([
          c.route,
          e.name,
          fmtNum(e.score, 3),
          e.label || '',
          { text: e.passed === null ? '?' : e.passed ? 'passed' : 'failed', cls: e.passed === false ? 'bad' : e.passed ? 'good' : '' },
          fmtNum(e.threshold, 3),
          e.explanation || '',
        ]);
      }
    }
    if (evalRows.length === 0) detail.appendChild(el('p', { class: 'no-evals' }, 'No evaluation results for the answers of this trace.'));
    else {
      const et = table(detail, ['call', 'evaluator', 'score', 'label', 'verdict', 'threshold', 'explanation'], evalRows, [0, 1, 3, 6]);
      et.setAttribute('id', 'trace-evals');
    }
  }
}
