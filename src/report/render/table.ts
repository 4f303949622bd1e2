/**
 * Fixed-width text tables for the terminal. Columns have a width and alignment; long text is cut
 * with "…", except in a `flex` first column (as wide as its longest value where the line has room;
 * a longer value gets a line of its own above its figures) and a `wrap` last column (continued
 * on the next lines). No line is longer than the line width.
 */

export interface Column<Row> {
  header: string;
  width: number;
  align?: 'left' | 'right';
  /** First column only: sized to its values, never cut. */
  flex?: boolean;
  /** Last column only: takes the rest of the line and wraps, never cut. */
  wrap?: boolean;
  value(row: Row): string;
}

export function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

const len = (text: string): number => [...text].length;

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const t = cut(text, width);
  const n = width - len(t);
  return align === 'left' ? t + ' '.repeat(n) : ' '.repeat(n) + t;
}

/** `text` in lines of at most `width` characters, broken at spaces (and inside words longer than a line). */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (len(word) > width) {
      if (line) out.push(line);
      line = '';
      out.push([...word].slice(0, width).join(''));
      word = [...word].slice(width).join('');
    }
    if (line && len(line) + 1 + len(word) > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], lineWidth = 100): string[] {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c) => c.width);
  const fixed = (except: number): number => widths.reduce((s, w, i) => (i === except ? s : s + w), 0) + columns.length - 1;
  const first = columns[0];
  if (first?.flex) {
    const want = Math.max(len(first.header), ...cells.map((r) => len(r[0]!)));
    widths[0] = Math.max(len(first.header), Math.min(want, lineWidth - fixed(0)));
  }
  const lastIndex = columns.length - 1;
  const last = columns[lastIndex];
  if (last?.wrap && lastIndex > 0) widths[lastIndex] = Math.max(last.width, lineWidth - fixed(lastIndex));
  const indent = ' '.repeat(widths.slice(0, lastIndex).reduce((s, w) => s + w, 0) + lastIndex);
  const line = (values: string[]): string[] => {
    const parts = values.map((v, i) => (i === lastIndex && last?.wrap ? v : pad(v, widths[i]!, columns[i]!.align ?? 'right')));
    if (!last?.wrap) return [parts.join(' ').replace(/\s+$/, '')];
    const wrapped = wrapWords(values[lastIndex]!, widths[lastIndex]!);
    const head = [...parts.slice(0, lastIndex), wrapped[0]!].join(' ').replace(/\s+$/, '');
    return [head, ...wrapped.slice(1).map((w) => indent + w)];
  };
  const out = line(columns.map((c) => c.header));
  for (const r of cells) {
    if (first?.flex && len(r[0]!) > widths[0]!) {
      out.push(cut(r[0]!, lineWidth));
      out.push(...line(['', ...r.slice(1)]));
    } else out.push(...line(r));
  }
  return out;
}

/** Strips control characters (escape sequences in aliases or explanations must not drive the terminal). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
