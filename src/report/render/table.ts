/** Fixed-width text tables for the terminal: columns with a width and alignment; long text is cut with "…". */

export interface Column<Row> {
  header: string;
  width: number;
  align?: 'left' | 'right';
  value(row: Row): string;
}

export function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const t = cut(text, width);
  const n = width - [...t].length;
  return align === 'left' ? t + ' '.repeat(n) : ' '.repeat(n) + t;
}

export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const line = (cells: string[]): string => cells.join(' ').replace(/\s+$/, '');
  const out = [line(columns.map((c) => pad(c.header, c.width, c.align ?? 'right')))];
  for (const r of rows) out.push(line(columns.map((c) => pad(c.value(r), c.width, c.align ?? 'right'))));
  return out;
}

/** Strips control characters (escape sequences in aliases or explanations must not drive the terminal). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
