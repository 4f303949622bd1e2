/**
 * The attempt waterfall of one trace: a row per call and per attempt, bars placed on one time
 * scale from the trace's first call, labels cut to the label column.
 */
import { ms } from '../format.js';
import { FONT_SIZE, r1, type ChartModel, type Shape } from './svg.js';
import { fitText } from './text.js';

export interface WaterfallRow {
  label: string;
  /** ms from the trace's first call. */
  offsetMs: number;
  durationMs: number;
  error: boolean;
  call: boolean;
  note: string;
}

export function waterfall(rows: WaterfallRow[], o: { width?: number } = {}): ChartModel {
  const W = o.width ?? 760;
  const rowH = 24;
  const left = 300;
  const right = 10;
  const total = Math.max(1e-6, ...rows.map((s) => s.offsetMs + s.durationMs));
  const plotW = W - left - right;
  const shapes: Shape[] = [];
  rows.forEach((s, k) => {
    const y = 4 + k * rowH;
    const indent = s.call ? 4 : 16;
    const text = fitText(s.label, left - indent - 8, FONT_SIZE);
    shapes.push({ tag: 'text', attrs: { x: indent, y: y + 14 }, text, ...(text !== s.label ? { title: s.label } : {}) });
    const x = left + (plotW * Math.max(0, s.offsetMs)) / total;
    const w = Math.max(2, (plotW * s.durationMs) / total);
    shapes.push({
      tag: 'rect',
      attrs: { class: 'pt span', x: r1(x), y: y + 2, width: r1(Math.min(w, W - right - x)), height: rowH - 8, fill: s.error ? '#c0392b' : s.call ? '#7f8c8d' : '#2f6fdb' },
      title: `${s.label}: ${ms(s.durationMs)} ms from +${ms(s.offsetMs)} ms · ${s.note}`,
    });
  });
  const base = rows.length * rowH + 18;
  shapes.push({ tag: 'text', attrs: { x: left, y: base }, text: '0 ms' });
  shapes.push({ tag: 'text', attrs: { x: W - right, y: base, 'text-anchor': 'end' }, text: `${ms(total)} ms` });
  return { chart: 'waterfall', width: W, height: base + 4, shapes };
}
