/** The report page's CSS (inlined: the page loads nothing at view time). */
export const REPORT_CSS = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#dde1e8; --bg:#fff; --panel:#f6f7f9; --bad:#c0392b; --good:#1e8449; --accent:#2f6fdb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 18px 28px 8px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 2px 0; color: var(--muted); }
main { padding: 8px 28px 40px; max-width: 1400px; }
section { margin-top: 26px; }
h2 { font-size: 16px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.card b { display: block; font-size: 18px; }
.card span { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--bg); }
.chart svg { width: 100%; height: auto; display: block; }
svg[data-chart=waterfall] { width: 100%; max-width: 980px; height: auto; display: block; margin: 8px 0; }
.chart .note { margin: -2px 0 6px; color: var(--muted); font-size: 12px; }
.chart .empty { color: var(--muted); font-style: italic; padding: 20px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 12px; color: var(--muted); margin-top: 4px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; vertical-align: -1px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .axis { stroke: var(--line); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; background: var(--panel); position: sticky; top: 0; white-space: normal; vertical-align: bottom; min-width: 4em; }
th.key, td.key { font-weight: 700; color: var(--fg); background: #eef3fc; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
td.text { white-space: normal; overflow-wrap: anywhere; min-width: 8em; }
td.text:first-child { min-width: 14em; }
.scroll { max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
tr.trace { cursor: pointer; }
tr.trace:hover, tr.trace.selected { background: #eaf1fd; }
.bad { color: var(--bad); }
.good { color: var(--good); }
.flag { background: #fff4e5; border-left: 4px solid #e67e22; padding: 6px 10px; margin: 6px 0; }
.flag.route_rollback { background: #fdecea; border-color: var(--bad); }
#trace-detail { margin-top: 14px; border: 1px solid var(--line); border-radius: 6px; padding: 12px; background: var(--panel); }
#trace-detail[hidden] { display: none; }
#trace-detail code { font-size: 12px; }
#trace-detail .selected-call { font-weight: 600; }
.filter { margin: 6px 0; padding: 4px 8px; width: 320px; border: 1px solid var(--line); border-radius: 4px; }
footer { color: var(--muted); font-size: 12px; padding: 10px 28px 30px; }
`;
