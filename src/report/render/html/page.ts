/**
 * The HTML report: one self-contained file. CSS and script are inline, the page view (view.ts:
 * formatted figures and laid-out charts) is embedded as JSON (escaped so no text in it can close
 * the script element), the page's small script turns it into elements and SVG, and a
 * Content-Security-Policy forbids any network access at view time. Text from the traces is never
 * written as markup (see client.ts).
 */
import type { Report } from '../../types.js';
import { reportClient } from './client.js';
import { pageView } from './view.js';
import { REPORT_CSS } from './style.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a `<script>` element: no `<`, `>`, `&` or line separators left as such. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderHtml(report: Report): string {
  const source = report.input.traces[0]?.file ?? 'traces';
  const title = `tracegate report: ${source}`;
  const range = report.timeRange ? `${new Date(report.timeRange.startMs).toISOString()} → ${new Date(report.timeRange.endMs).toISOString()}` : 'no calls';
  const script = `(${reportClient.toString()})(document, JSON.parse(document.getElementById('report-view').textContent));`.replace(/<\/(script)/gi, '<\\/$1');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(range)} · generated ${escapeHtml(report.generatedAt)}${report.baseline ? ` · window ${escapeHtml(report.label)} (baseline ${escapeHtml(report.baseline.label)})` : ''}</p>
<div class="cards" id="cards"></div>
</header>
<main>
<section id="comparison-section"><div id="comparison" hidden><h2>Compared with the baseline</h2></div></section>
<section><h2>Charts</h2><div class="charts" id="charts"></div></section>
<section><h2>Cohorts</h2><div id="tables"></div></section>
<section><h2>Traces</h2><div id="traces"></div><div id="trace-detail" hidden></div></section>
<section><h2>Route → provider distribution</h2><div id="routes"></div></section>
<section hidden><h2>Semantic cache: cached answers against provider answers, per route</h2><div id="semantic-cache"></div></section>
<section><h2>Attempts by provider deployment</h2><div id="providers"></div></section>
<section><h2>Span coverage</h2><div id="coverage"></div></section>
</main>
<footer>Made by tracegate report from exported OpenTelemetry traces. Self-contained: no network access at view time.</footer>
<script type="application/json" id="report-view">${scriptSafeJson(pageView(report))}</script>
<script>${script}</script>
</body>
</html>
`;
}
