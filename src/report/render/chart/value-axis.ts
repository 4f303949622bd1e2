/** A vertical value axis: grid lines and tick labels in one notation, with a left margin as wide as its longest label. */
import { linearScale, tickLabels, type Notation, type Scale } from './scale.js';
import { FONT_SIZE, r1, type Shape } from './svg.js';
import { textWidth } from './text.js';

export interface ValueAxis {
  scale: Scale;
  /** x where the plot starts (right of the labels). */
  left: number;
  shapes: Shape[];
}

/** The axis for values up to `maxValue` in a plot from `top` down `plotH` px, grid lines to `gridRight`. */
export function valueAxis(maxValue: number, notation: Notation, top: number, plotH: number, gridRight: number): ValueAxis {
  const scale = linearScale(maxValue, { integer: notation === 'count' });
  const ticks = tickLabels(scale, notation);
  const left = Math.ceil(Math.max(...ticks.map((t) => textWidth(t, FONT_SIZE))) + 12);
  const shapes: Shape[] = [];
  scale.ticks.forEach((t, i) => {
    const y = r1(top + plotH - (plotH * t) / scale.max);
    shapes.push({ tag: 'line', attrs: { x1: left, x2: gridRight, y1: y, y2: y, class: 'axis' } });
    shapes.push({ tag: 'text', attrs: { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, text: ticks[i]! });
  });
  return { scale, left, shapes };
}
