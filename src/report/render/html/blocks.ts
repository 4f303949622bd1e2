/**
 * The report page as data: every figure already formatted (render/format.ts) and every chart
 * already laid out (render/chart/), so the page's script only turns blocks into elements.
 */
import type { ChartModel } from '../chart/svg.js';

export type Cell = string | { text: string; cls?: string };

export interface TableView {
  headers: string[];
  rows: Cell[][];
  /** Columns of text (left-aligned, may wrap). */
  text?: number[];
  /** Headline columns (emphasized). */
  key?: number[];
  id?: string;
  /** Extra attributes per body row. */
  rowAttrs?: Record<string, string>[];
}

export type Block =
  | { kind: 'h3' | 'p'; text: string; cls?: string; attrs?: Record<string, string> }
  | { kind: 'flag'; text: string; flag: string }
  | { kind: 'table'; table: TableView }
  | { kind: 'svg'; svg: ChartModel };

export interface ChartView {
  id: string;
  title: string;
  /** A line under the title (units, time range). */
  note?: string;
  svg: ChartModel | null;
  /** Shown instead of the chart when there is nothing to draw. */
  empty: string;
  legend: { name: string; color: string }[];
}

export interface PageView {
  cards: { value: string; label: string }[];
  comparison: Block[] | null;
  charts: ChartView[];
  traces: { note: string; table: TableView };
  /** Per trace of the list, the detail shown when one of its calls is clicked (rows name theirs in `data-detail`). */
  details: Block[][];
  tables: Block[];
  routes: Block[];
  /** Empty when no call looked up the semantic cache (the section stays hidden). */
  semanticCache: Block[];
  providers: Block[];
  coverage: Block[];
}

export function table(t: TableView): Block {
  return { kind: 'table', table: t };
}
