/**
 * The report page's script: a thin renderer of the page view (blocks.ts), which the page embeds
 * as JSON. Every figure is already formatted (render/format.ts) and every chart already laid out
 * (render/chart/), so this only creates elements and wires the trace list's clicks and filter.
 * `reportClient` is serialized with `Function.prototype.toString()` into the page, so it must be
 * self-contained: no imports, nothing from module scope, no network. Every text goes into the
 * page through `textContent` or `setAttribute`, never as markup.
 */
import type { Block, PageView, TableView } from './blocks.js';
import type { ChartModel } from '../chart/svg.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the DOM types are not in this project's lib */
export function reportClient(doc: any, view: PageView): void {
  const SVG = 'http://www.w3.org/2000/svg';

  function el(tag: string, attrs?: Record<string, string | number>, text?: string, ns?: string): any {
    const e = ns ? doc.createElementNS(ns, tag) : doc.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svg(model: ChartModel): any {
    const root = el('svg', { viewBox: '0 0 ' + model.width + ' ' + model.height, 'data-chart': model.chart, role: 'img' }, undefined, SVG);
    for (const s of model.shapes) {
      const node = el(s.tag, s.attrs, s.text, SVG);
      if (s.title) node.appendChild(el('title', undefined, s.title, SVG));
      root.appendChild(node);
    }
    return root;
  }

  function table(t: TableView): any {
    const isText = (i: number): boolean => !!t.text && t.text.indexOf(i) >= 0;
    const cls = (i: number, extra?: string): string => [extra || '', isText(i) ? 'text' : '', t.key && t.key.indexOf(i) >= 0 ? 'key' : ''].join(' ').trim();
    const tbl = el('table', t.id ? { id: t.id } : undefined);
    const hr = el('tr');
    t.headers.forEach((h, i) => hr.appendChild(el('th', cls(i) ? { class: cls(i) } : undefined, h)));
    tbl.appendChild(el('thead')).appendChild(hr);
    const body = tbl.appendChild(el('tbody'));
    t.rows.forEach((r, ri) => {
      const tr = el('tr', t.rowAttrs ? t.rowAttrs[ri] : undefined);
      r.forEach((c, i) => {
        const cell = typeof c === 'string' ? { text: c, cls: '' } : c;
        const k = cls(i, cell.cls);
        tr.appendChild(el('td', k ? { class: k } : undefined, cell.text));
      });
      body.appendChild(tr);
    });
    const wrap = el('div', { class: 'scroll' });
    wrap.appendChild(tbl);
    return wrap;
  }

  function block(b: Block): any {
    if (b.kind === 'table') return table(b.table);
    if (b.kind === 'svg') return svg(b.svg);
    if (b.kind === 'flag') return el('div', { class: 'flag ' + b.flag }, b.text);
    const attrs: Record<string, string> = {};
    if (b.attrs) for (const k of Object.keys(b.attrs)) attrs[k] = b.attrs[k]!;
    if (b.cls) attrs.class = b.cls;
    return el(b.kind, attrs, b.text);
  }

  function fill(id: string, blocks: Block[]): any {
    const box = doc.getElementById(id);
    for (const b of blocks) box.appendChild(block(b));
    return box;
  }

  const cards = doc.getElementById('cards');
  for (const c of view.cards) {
    const card = el('div', { class: 'card' });
    card.appendChild(el('b', undefined, c.value));
    card.appendChild(el('span', undefined, c.label));
    cards.appendChild(card);
  }

  if (view.comparison) fill('comparison', view.comparison).hidden = false;

  const charts = doc.getElementById('charts');
  for (const c of view.charts) {
    const box = el('div', { class: 'chart', id: 'chart-' + c.id });
    box.appendChild(el('h3', undefined, c.title));
    if (c.note) box.appendChild(el('p', { class: 'note' }, c.note));
    box.appendChild(c.svg ? svg(c.svg) : el('div', { class: 'empty' }, c.empty));
    if (c.svg && c.legend.length > 1) {
      const legend = el('div', { class: 'legend' });
      for (const item of c.legend) {
        const span = el('span');
        span.appendChild(el('i', { style: 'background:' + item.color }));
        span.appendChild(doc.createTextNode(item.name));
        legend.appendChild(span);
      }
      box.appendChild(legend);
    }
    charts.appendChild(box);
  }

  fill('tables', view.tables);
  fill('routes', view.routes);
  if (view.semanticCache.length) fill('semantic-cache', view.semanticCache).parentNode.hidden = false;
  fill('providers', view.providers);
  fill('coverage', view.coverage);

  const list = doc.getElementById('traces');
  const detail = doc.getElementById('trace-detail');
  const filter = el('input', { class: 'filter', type: 'search', placeholder: 'filter by route, outcome, provider, trace id…', id: 'trace-filter' });
  list.appendChild(filter);
  list.appendChild(el('p', undefined, view.traces.note));
  list.appendChild(table(view.traces.table));
  const rows: any[] = Array.prototype.slice.call(list.querySelectorAll('tbody tr'));
  rows.forEach((tr) => {
    tr.addEventListener('click', () => {
      rows.forEach((other) => other.setAttribute('class', other === tr ? 'trace selected' : 'trace'));
      while (detail.firstChild) detail.removeChild(detail.firstChild);
      for (const b of view.details[Number(tr.getAttribute('data-detail'))] || []) detail.appendChild(block(b));
      const span = tr.getAttribute('data-span');
      Array.prototype.forEach.call(detail.querySelectorAll('p[data-span]'), (p: any) => {
        if (p.getAttribute('data-span') === span) p.setAttribute('class', 'selected-call');
      });
      detail.hidden = false;
    });
  });
  filter.addEventListener('input', () => {
    const q = String(filter.value || '').toLowerCase();
    rows.forEach((tr) => {
      tr.hidden = q !== '' && String(tr.textContent).toLowerCase().indexOf(q) < 0 && String(tr.getAttribute('data-trace')).indexOf(q) < 0;
    });
  });
}
