/**
 * Category and time labels under an x axis, laid out so no two overlap: labels are cut to their
 * slot, and when slots are too narrow for a readable label only every k-th one is shown (the
 * rest keep their full text as a tooltip). Widths are the estimates of text.ts.
 */
import { fitText, textWidth } from './text.js';

export interface PlacedLabel {
  /** Centre of the label (text-anchor middle). */
  x: number;
  /** What is drawn ('' when thinned out). */
  text: string;
  /** The whole label (the tooltip). */
  full: string;
  shown: boolean;
}

export interface LabelRow {
  /** Left edge and width of the drawing (labels stay inside it). */
  left: number;
  right: number;
  fontSize: number;
  /** Space kept between two labels. */
  gap?: number;
  /** The shortest cut label worth drawing, in characters (default 6, with the "…"). */
  minChars?: number;
}

/** Labels centred at `centers` (ascending), each at most as wide as the room around it. */
export function layoutLabels(labels: string[], centers: number[], row: LabelRow): PlacedLabel[] {
  const gap = row.gap ?? 6;
  const minWidth = textWidth('x'.repeat(Math.max(1, (row.minChars ?? 6) - 1)) + '…', row.fontSize);
  const n = labels.length;
  if (n === 0) return [];
  const pitch = n > 1 ? Math.min(...centers.slice(1).map((c, i) => c - centers[i]!)) : Infinity;
  let every = 1;
  while (every < n && pitch * every - gap < minWidth) every++;
  return labels.map((full, i) => {
    const x = centers[i]!;
    const shown = i % every === 0;
    if (!shown) return { x, text: '', full, shown };
    const room = Math.min(pitch * every - gap, 2 * (x - row.left), 2 * (row.right - x));
    const text = fitText(full, room, row.fontSize);
    return { x, text, full, shown: text !== '' };
  });
}

/** Horizontal extent of a label drawn with text-anchor middle. */
export function labelExtent(l: Pick<PlacedLabel, 'x' | 'text'>, fontSize: number): [number, number] {
  const w = textWidth(l.text, fontSize);
  return [l.x - w / 2, l.x + w / 2];
}

export interface TimeTick {
  ms: number;
  x: number;
  text: string;
}

const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/**
 * UTC clock ticks on a time axis from `startMs` to `endMs` drawn from x `left` to `right`: the
 * smallest round step whose labels (HH:MM:SS below a minute, HH:MM from a minute, the date from a
 * day) fit between ticks with `gap` to spare.
 */
export function timeTicks(startMs: number, endMs: number, left: number, right: number, fontSize: number, gap = 10): TimeTick[] {
  const span = Math.max(1, endMs - startMs);
  const pxPerMs = (right - left) / span;
  const text = (ms: number, step: number): string => {
    const iso = new Date(ms).toISOString();
    if (step >= 86_400_000) return iso.slice(0, 10);
    return step >= 60_000 ? iso.slice(11, 16) : iso.slice(11, 19);
  };
  for (const step of TIME_STEPS_MS) {
    const width = textWidth(text(startMs, step), fontSize);
    if (step * pxPerMs < width + gap) continue;
    const ticks: TimeTick[] = [];
    for (let t = Math.ceil(startMs / step) * step; t <= endMs; t += step) {
      const x = left + (t - startMs) * pxPerMs;
      // Keep each label whole inside the drawing.
      if (x - width / 2 < left - 0.5 || x + width / 2 > right + 0.5) continue;
      ticks.push({ ms: t, x, text: text(t, step) });
    }
    return ticks;
  }
  return [];
}
