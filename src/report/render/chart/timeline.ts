/**
 * Stacked bars over time (live calls per bucket by answering provider): a count axis with whole
 * steps, UTC clock ticks under the bars that never overlap, one `pt` per (bucket, label).
 */
import type { TimeSeries } from '../../stats/time-buckets.js';
import { timeTicks } from './labels.js';
import { color, FONT_SIZE, r1, type ChartModel } from './svg.js';
import { valueAxis } from './value-axis.js';

export function stackedTimeline(tl: TimeSeries, o: { chart: string; width?: number; height?: number }): ChartModel | null {
  const labels = Object.keys(tl.series).sort();
  if (labels.length === 0) return null;
  const n = Math.max(...labels.map((l) => tl.series[l]!.length));
  if (n === 0) return null;
  const totals: number[] = [];
  for (let i = 0; i < n; i++) totals.push(labels.reduce((s, l) => s + (tl.series[l]![i] ?? 0), 0));
  const W = o.width ?? 640;
  const H = o.height ?? 240;
  const top = 14;
  const bottom = 26;
  const right = 8;
  const plotH = H - top - bottom;
  const { scale, left, shapes } = valueAxis(Math.max(...totals), 'count', top, plotH, W - right);
  const slot = (W - left - right) / n;
  for (let i = 0; i < n; i++) {
    let y = top + plotH;
    const t0 = new Date(tl.startMs + i * tl.widthMs).toISOString().slice(11, 19);
    labels.forEach((l, li) => {
      const c = tl.series[l]![i] ?? 0;
      if (!c) return;
      const h = (plotH * c) / scale.max;
      y -= h;
      shapes.push({
        tag: 'rect',
        attrs: { class: 'pt', x: r1(left + i * slot + 1), y: r1(y), width: r1(Math.max(1, slot - 2)), height: r1(Math.max(0.5, h)), fill: color(li), 'data-series': l },
        title: `${t0} UTC · ${l}: ${c} of ${totals[i]}`,
      });
    });
  }
  const endMs = tl.startMs + n * tl.widthMs;
  for (const t of timeTicks(tl.startMs, endMs, left, W - right, FONT_SIZE)) {
    shapes.push({ tag: 'line', attrs: { x1: r1(t.x), x2: r1(t.x), y1: top + plotH, y2: top + plotH + 4, class: 'axis' } });
    shapes.push({ tag: 'text', attrs: { x: r1(t.x), y: H - 6, 'text-anchor': 'middle', class: 'xlabel' }, text: t.text });
  }
  return { chart: o.chart, width: W, height: H, shapes };
}
