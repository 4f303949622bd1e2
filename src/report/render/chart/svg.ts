/** A chart as data: the shapes of one inline SVG, built by the pure chart models and drawn by the page's script. */

export interface Shape {
  tag: 'rect' | 'line' | 'text';
  attrs: Record<string, string | number>;
  text?: string;
  /** Tooltip (an SVG `<title>`). */
  title?: string;
}

export interface ChartModel {
  /** `data-chart` of the SVG. */
  chart: string;
  width: number;
  height: number;
  shapes: Shape[];
}

export const FONT_SIZE = 11;

export const PALETTE = ['#2f6fdb', '#e67e22', '#27ae60', '#8e44ad', '#c0392b', '#16a085', '#d4ac0d', '#7f8c8d', '#2c3e50', '#f39c12'];

export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** Rounds coordinates to 0.1 (smaller pages, same picture). */
export function r1(v: number): number {
  return Math.round(v * 10) / 10;
}
