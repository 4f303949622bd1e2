/**
 * Bar chart models: vertical grouped bars (one group per cohort, one bar per series) on a value
 * axis in one notation, and horizontal rate bars from 0 to 100 %. Each data point is a `rect` of
 * class `pt`; a value that is not known draws no bar.
 */
import { layoutLabels } from './labels.js';
import { tickLabels, type Notation, type Scale } from './scale.js';
import { valueAxis } from './value-axis.js';
import { color, FONT_SIZE, r1, type ChartModel, type Shape } from './svg.js';
import { fitText, textWidth } from './text.js';

export interface BarGroup {
  label: string;
  values: { series: string; value: number | null; text: string }[];
}

export interface GroupedBarsOptions {
  chart: string;
  series: string[];
  notation: Notation;
  width?: number;
  height?: number;
}

export function groupedBars(groups: BarGroup[], o: GroupedBarsOptions): ChartModel {
  const W = o.width ?? 640;
  const H = o.height ?? 260;
  const top = 14;
  const bottom = 30;
  const right = 8;
  const values = groups.flatMap((g) => g.values.map((v) => v.value ?? 0));
  const plotH = H - top - bottom;
  const { scale, left, shapes } = valueAxis(Math.max(0, ...values), o.notation, top, plotH, W - right);
  const slot = (W - left - right) / Math.max(1, groups.length);
  const barW = Math.max(2, Math.min(28, (slot * 0.8) / Math.max(1, o.series.length)));
  groups.forEach((g, gi) => {
    const x0 = left + gi * slot + (slot - barW * o.series.length) / 2;
    for (const v of g.values) {
      if (v.value === null) continue;
      const si = o.series.indexOf(v.series);
      const h = (plotH * v.value) / scale.max;
      shapes.push({
        tag: 'rect',
        attrs: { class: 'pt', x: r1(x0 + si * barW), y: r1(top + plotH - h), width: r1(barW - 1), height: r1(Math.max(0.5, h)), fill: color(si), 'data-series': v.series, 'data-value': v.value },
        title: `${g.label} · ${v.series}: ${v.text}`,
      });
    }
  });
  const centers = groups.map((_, gi) => left + gi * slot + slot / 2);
  const placed = layoutLabels(
    groups.map((g) => g.label),
    centers,
    { left: 0, right: W, fontSize: FONT_SIZE },
  );
  placed.forEach((l, gi) => {
    if (!l.shown) return;
    const lines = groups[gi]!.values.map((v) => `${v.series}: ${v.text}`);
    shapes.push({ tag: 'text', attrs: { x: r1(l.x), y: H - bottom + 16, 'text-anchor': 'middle', class: 'xlabel' }, text: l.text, title: [l.full, ...lines].join('\n') });
  });
  return { chart: o.chart, width: W, height: H, shapes };
}

export interface RateRow {
  label: string;
  /** 0..1. */
  value: number;
  text: string;
  series: string;
  valueText: string;
}

/** Horizontal bars from 0 to 100 %, one row (a `pt`) each. */
export function rateBars(rows: RateRow[], o: { chart: string; series: string[]; width?: number }): ChartModel {
  const W = o.width ?? 640;
  const rowH = 20;
  const valueRoom = textWidth('100.0%', FONT_SIZE) + 10;
  const longest = Math.max(0, ...rows.map((r) => textWidth(r.label, FONT_SIZE)));
  const left = Math.ceil(Math.min(W * 0.42, longest + 12));
  const H = 26 + rows.length * rowH;
  const plotW = W - left - valueRoom;
  const scale: Scale = { max: 1, step: 0.25, ticks: [0, 0.25, 0.5, 0.75, 1], decimals: 2 };
  const ticks = tickLabels(scale, 'pct');
  const shapes: Shape[] = [];
  scale.ticks.forEach((t, i) => {
    const x = r1(left + plotW * t);
    shapes.push({ tag: 'line', attrs: { x1: x, x2: x, y1: 4, y2: H - 18, class: 'axis' } });
    shapes.push({ tag: 'text', attrs: { x, y: H - 5, 'text-anchor': 'middle', class: 'tick' }, text: ticks[i]! });
  });
  rows.forEach((r, i) => {
    const y = 6 + i * rowH;
    shapes.push({ tag: 'text', attrs: { x: left - 6, y: y + 12, 'text-anchor': 'end', class: 'ylabel' }, text: fitText(r.label, left - 10, FONT_SIZE), title: r.label });
    const w = Math.max(0.5, plotW * Math.min(1, Math.max(0, r.value)));
    shapes.push({ tag: 'rect', attrs: { class: 'pt', x: left, y, width: r1(w), height: rowH - 6, fill: color(o.series.indexOf(r.series)), 'data-value': r.value }, title: `${r.label}: ${r.text}` });
    shapes.push({ tag: 'text', attrs: { x: r1(left + w + 4), y: y + 12, class: 'value' }, text: r.valueText });
  });
  return { chart: o.chart, width: W, height: H, shapes };
}
