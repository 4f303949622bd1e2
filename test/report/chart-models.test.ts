/**
 * The HTML report's chart models (src/report/render/chart/) as pure functions: value axes in one
 * notation whose labels stay inside the drawing, x-axis labels that never overlap (cut, then
 * thinned), clock ticks on the time axis, and the cost texts that never show an unknown cost as 0.
 */
import { describe, expect, it } from 'vitest';
import { groupedBars, rateBars } from '../../src/report/render/chart/bars.js';
import { labelExtent, layoutLabels, timeTicks } from '../../src/report/render/chart/labels.js';
import { linearScale, niceStep, tickLabels } from '../../src/report/render/chart/scale.js';
import { FONT_SIZE, type ChartModel, type Shape } from '../../src/report/render/chart/svg.js';
import { fitText, textWidth } from '../../src/report/render/chart/text.js';
import { stackedTimeline } from '../../src/report/render/chart/timeline.js';
import { waterfall } from '../../src/report/render/chart/waterfall.js';
import { callCostDollars, callCostText, cost, costDollars, knownCost, usd } from '../../src/report/render/format.js';

const decimals = (label: string): number => (label.includes('.') ? label.split('.')[1]!.replace(/\D/g, '').length : 0);

/** Horizontal extent of a text shape per its anchor. */
function extent(s: Shape): [number, number] {
  const w = textWidth(s.text ?? '', FONT_SIZE);
  const x = Number(s.attrs.x);
  const anchor = s.attrs['text-anchor'];
  return anchor === 'end' ? [x - w, x] : anchor === 'middle' ? [x - w / 2, x + w / 2] : [x, x + w];
}

function texts(m: ChartModel, cls?: string): Shape[] {
  return m.shapes.filter((s) => s.tag === 'text' && (cls === undefined || s.attrs.class === cls) && s.text);
}

function expectInside(m: ChartModel): void {
  for (const s of texts(m)) {
    const [a, b] = extent(s);
    expect(a, `${s.text} starts inside`).toBeGreaterThanOrEqual(0);
    expect(b, `${s.text} ends inside`).toBeLessThanOrEqual(m.width);
    expect(Number(s.attrs.y) - FONT_SIZE, `${s.text} not clipped at the top`).toBeGreaterThanOrEqual(0);
    expect(Number(s.attrs.y), `${s.text} not clipped at the bottom`).toBeLessThanOrEqual(m.height);
  }
}

function expectNoOverlap(shapes: Shape[]): void {
  const boxes = shapes.map(extent).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0], `label ${i} clear of label ${i - 1}`).toBeGreaterThanOrEqual(boxes[i - 1]![1]);
}

describe('value axes', () => {
  it('nice steps are 1, 2 or 5 × 10^k', () => {
    expect([0.00031, 0.0009, 0.004, 0.3, 1, 1.2, 3, 7, 240].map(niceStep)).toEqual([0.0005, 0.001, 0.005, 0.5, 1, 2, 5, 10, 500]);
  });

  it('a cost axis has one notation: the same decimals on every tick, no exponent, the top covers the data', () => {
    const s = linearScale(0.0123);
    expect(s.ticks).toEqual([0, 0.005, 0.01, 0.015]);
    expect(tickLabels(s, 'usd')).toEqual(['$0.000', '$0.005', '$0.010', '$0.015']);
    // Deterministic sweep over twelve orders of magnitude.
    for (let e = -8; e <= 4; e++) {
      for (const m of [1, 1.3, 2.7, 4.99, 6.1, 9.9]) {
        const max = m * Math.pow(10, e);
        const scale = linearScale(max);
        const labels = tickLabels(scale, 'usd');
        expect(scale.max).toBeGreaterThanOrEqual(max);
        expect(scale.ticks.length - 1).toBeLessThanOrEqual(4);
        expect(new Set(labels.map(decimals)).size, labels.join(' ')).toBe(1);
        expect(labels.join(' ')).not.toMatch(/e/);
        // Labels are distinct and read back to the ticks.
        expect(new Set(labels).size).toBe(labels.length);
        labels.forEach((l, i) => expect(Number(l.replace(/[$,]/g, ''))).toBeCloseTo(scale.ticks[i]!, 12));
      }
    }
  });

  it('a count axis steps in whole numbers (no 12.5 calls)', () => {
    expect(linearScale(46, { integer: true }).ticks).toEqual([0, 20, 40, 60]);
    expect(linearScale(3, { integer: true }).ticks).toEqual([0, 1, 2, 3]);
    expect(tickLabels(linearScale(5000, { integer: true }), 'count')).toEqual(['0', '2,000', '4,000', '6,000']);
    expect(linearScale(0).ticks).toEqual([0, 1]);
  });
});

describe('label layout', () => {
  it('cuts labels to their slot and, when slots are too narrow, shows every k-th without overlap', () => {
    const labels = Array.from({ length: 40 }, (_, i) => `support-route-number-${i}`);
    const centers = labels.map((_, i) => 60 + i * 14);
    const placed = layoutLabels(labels, centers, { left: 0, right: 640, fontSize: FONT_SIZE });
    const shown = placed.filter((l) => l.shown);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.length).toBeLessThan(40);
    expect(placed.every((l) => l.full === labels[placed.indexOf(l)])).toBe(true);
    const boxes = shown.map((l) => labelExtent(l, FONT_SIZE));
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]).toBeGreaterThanOrEqual(boxes[i - 1]![1]);
    for (const [a, b] of boxes) expect(a >= 0 && b <= 640).toBe(true);
    // Wide slots: every label, whole.
    const few = layoutLabels(['support-fast', 'agent-lite'], [160, 480], { left: 0, right: 640, fontSize: FONT_SIZE });
    expect(few.map((l) => l.text)).toEqual(['support-fast', 'agent-lite']);
  });

  it('fitText cuts with an ellipsis within the width', () => {
    const t = fitText('support-accurate · anthropic/claude-sonnet-4-5', 100, FONT_SIZE);
    expect(t.endsWith('…')).toBe(true);
    expect(textWidth(t, FONT_SIZE)).toBeLessThanOrEqual(100);
    expect(fitText('short', 100, FONT_SIZE)).toBe('short');
  });

  it('clock ticks on a time axis are round, inside the axis and apart', () => {
    const start = Date.UTC(2026, 0, 1, 10, 0, 3, 250);
    for (const spanMs of [12_000, 95_000, 3_600_000, 5 * 86_400_000]) {
      const ticks = timeTicks(start, start + spanMs, 40, 630, FONT_SIZE);
      expect(ticks.length, `span ${spanMs}`).toBeGreaterThanOrEqual(2);
      const step = ticks[1]!.ms - ticks[0]!.ms;
      expect(ticks.every((t) => t.ms % step === 0)).toBe(true);
      const shapes: Shape[] = ticks.map((t) => ({ tag: 'text', attrs: { x: t.x, y: 10, 'text-anchor': 'middle' }, text: t.text }));
      expectNoOverlap(shapes);
      for (const s of shapes) {
        const [a, b] = extent(s);
        expect(a >= 40 - 0.5 && b <= 630 + 0.5).toBe(true);
      }
    }
  });
});

describe('chart models', () => {
  const groups = (n: number, label: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => ({
      label: label(i),
      values: [
        { series: 'per successful trace', value: 0.00042 * (i + 1), text: 'x' },
        { series: 'per call', value: i === 1 ? null : 0.0002 * (i + 1), text: 'y' },
      ],
    }));

  it('grouped bars: a point per known value, tick labels inside the drawing, x labels apart', () => {
    for (const n of [1, 4, 12, 60]) {
      const m = groupedBars(
        groups(n, (i) => `support-accurate · anthropic/claude-${i}`),
        { chart: 'cost', series: ['per successful trace', 'per call'], notation: 'usd' },
      );
      expect(m.shapes.filter((s) => s.attrs.class === 'pt')).toHaveLength(2 * n - (n > 1 ? 1 : 0));
      expectInside(m);
      expectNoOverlap(texts(m, 'xlabel'));
      const ticks = texts(m, 'tick').map((s) => s.text!);
      expect(new Set(ticks.map(decimals)).size).toBe(1);
      expect(ticks.every((t) => t.startsWith('$'))).toBe(true);
    }
  });

  it('rate bars: row labels fit their column, value texts stay inside', () => {
    const m = rateBars(
      Array.from({ length: 6 }, (_, i) => ({ label: `provider anthropic-with-a-very-long-deployment-name-${i} · groundedness`, value: i / 5, text: '', series: 'g', valueText: `${i * 20}.0%` })),
      { chart: 'evals', series: ['g'] },
    );
    expectInside(m);
    expect(texts(m, 'tick').map((s) => s.text)).toEqual(['0%', '25%', '50%', '75%', '100%']);
  });

  it('the provider timeline has whole-number counts and clock labels that do not overlap', () => {
    const m = stackedTimeline({ startMs: Date.UTC(2026, 0, 1, 10), widthMs: 1000, series: { openai: [5, 12, 7, 30, 3, 9, 1, 0, 4, 11, 20, 6], gemini: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } }, { chart: 'providers' })!;
    expectInside(m);
    expect(texts(m, 'tick').every((s) => /^\d+$/.test(s.text!))).toBe(true);
    expect(texts(m, 'xlabel').length).toBeGreaterThanOrEqual(2);
    expectNoOverlap(texts(m, 'xlabel'));
    expect(m.shapes.filter((s) => s.attrs.class === 'pt')).toHaveLength(23);
    expect(stackedTimeline({ startMs: 0, widthMs: 1000, series: {} }, { chart: 'providers' })).toBeNull();
  });

  it('the waterfall cuts labels to its label column', () => {
    const m = waterfall([
      { label: 'chat a-route-with-a-name-far-longer-than-the-label-column-of-the-waterfall (call)', offsetMs: 0, durationMs: 100, error: false, call: true, note: '' },
      { label: 'attempt 0 · openai/gpt-4o-mini', offsetMs: 0, durationMs: 60, error: true, call: false, note: '' },
    ]);
    const labels = texts(m).filter((s) => Number(s.attrs.x) < 300);
    expect(labels).toHaveLength(2);
    expect(labels[0]!.text!.endsWith('…')).toBe(true);
    expect(labels[0]!.title).toMatch(/^chat a-route-with/);
    expect(labels[1]!.text).toBe('attempt 0 · openai/gpt-4o-mini');
    for (const s of labels) expect(extent(s)[1]).toBeLessThanOrEqual(300);
    expect(m.shapes.filter((s) => s.attrs.class === 'pt span')).toHaveLength(2);
  });
});

describe('cost texts', () => {
  it('never show an unknown cost as 0', () => {
    expect(cost(0, 3, 3)).toBe('unknown');
    expect(cost(0, 1, 3)).toBe('unknown');
    expect(cost(0.0012, 1, 3)).toBe('≥0.00120');
    expect(cost(0.0012, 0, 3)).toBe('0.00120');
    expect(cost(0, 0, 3)).toBe('0');
    expect(cost(null, 0, 0)).toBe('n/a');
    expect(costDollars(0.0012, 1, 3)).toBe('≥$0.00120');
    expect(costDollars(0, 2, 2)).toBe('unknown');
    expect(costDollars(null, 0, 0)).toBe('n/a');
    expect(knownCost(0, 2, 2)).toBeNull();
    expect(knownCost(0.5, 0, 2)).toBe(0.5);
    expect(usd(null)).toBe('n/a');
    expect(callCostText(null, true)).toBe('unknown');
    expect(callCostText(null, false)).toBe('n/a');
    expect(callCostText(0.0004, true)).toBe('0.000400');
    expect(callCostDollars(0.0004, true)).toBe('$0.000400');
    expect(callCostDollars(null, false)).toBe('n/a');
    expect(callCostDollars(null, true)).toBe('unknown');
  });
});
