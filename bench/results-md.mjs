// Renders bench/RESULTS.md from the gateway bench's results files (proxy-overhead.json, and
// proxy-soak.json when a soak ran): the summary table, each issue-20 target met or missed, the
// full per-case tables, the soak, the import cost and the machine.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fmt = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const pct = (x) => (x === null || x === undefined ? '–' : `${Math.round(x * 100)} %`);
const signed = (x, d = 2) => (x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${fmt(x, d)}`);

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** Writes RESULTS.md next to the results folder (bench/RESULTS.md) or into `out`; returns its path. */
export async function writeResultsMarkdown({ out } = {}) {
  const dir = out ? path.resolve(out) : fileURLToPath(new URL('./results/', import.meta.url));
  const main = readJson(path.join(dir, 'proxy-overhead.json'));
  const soak = readJson(path.join(dir, 'proxy-soak.json'));
  const file = out ? path.join(dir, 'RESULTS.md') : fileURLToPath(new URL('./RESULTS.md', import.meta.url));
  writeFileSync(file, render(main, soak));
  return file;
}

export function render(main, soak) {
  const lines = ['# Gateway bench results', '', 'Written by `npm run bench` (bench/proxy-overhead.mjs); do not edit by hand. Figures depend on the machine and on what else runs on it: compare targets within one run (the ratios), not across runs.', ''];
  if (main) lines.push(...renderMain(main));
  if (soak) lines.push(...renderSoak(soak));
  if (main?.importCost) lines.push(...renderImportCost(main.importCost));
  if (main) lines.push(...renderMachine(main));
  return lines.join('\n') + '\n';
}

const row = (cells) => `| ${cells.join(' | ')} |`;
const find = (main, mode, c) => main.results.find((r) => r.mode === mode && r.connections === c);

function renderMain(main) {
  const names = Object.keys(main.targets);
  const out = [];
  const chat10 = find(main, 'chat', 10);
  const stream10 = find(main, 'stream', 10);
  const chat1 = find(main, 'chat', 1);
  const stream1 = find(main, 'stream', 1);
  const c50 = ['chat', 'stream'].map((m) => find(main, m, 50)).filter(Boolean);
  out.push('## Summary', '');
  const perCase = main.settings.requestsPerCase ? `${main.settings.requestsPerCase} requests` : `${main.settings.durationSec} s`;
  out.push(`${main.settings.rounds} interleaved round(s) of ${perCase} per case after a warm-up; medians of the rounds; percentages are of the pass-through's figure in the same round.`, '');
  out.push(row(['', 'chat RPS @10', 'stream RPS @10', 'added p50 @1 (chat)', 'added TTFB p50 @1 (stream)', 'CPU µs/req chat @10', 'RSS @50 (end of case)', 'peak RSS', 'idle RSS', 'cold start']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const n of names) {
    const t = (r) => r?.targets[n];
    const rel = (r) => (n !== 'passthrough' && n !== 'direct' && t(r)?.rpsVsPassthrough ? ` (${pct(t(r).rpsVsPassthrough)})` : '');
    const rss50 = c50.length ? Math.max(...c50.map((r) => r.targets[n]?.rssMb ?? 0)) : null;
    out.push(
      row([
        main.targets[n],
        chat10 ? `${fmt(t(chat10).requestsPerSec)}${rel(chat10)}` : '–',
        stream10 ? `${fmt(t(stream10).requestsPerSec)}${rel(stream10)}` : '–',
        n === 'direct' ? `${fmt(t(chat1)?.p50Ms, 2)} ms (p50)` : `${signed(t(chat1)?.addedP50Ms)} ms`,
        n === 'direct' ? `${fmt(t(stream1)?.ttfbP50Ms, 2)} ms (TTFB)` : `${signed(t(stream1)?.addedTtfbP50Ms)} ms`,
        chat10 ? `${fmt(t(chat10).cpuUsPerRequest)}${n !== 'passthrough' && n !== 'direct' && t(chat10).cpuVsPassthrough ? ` (${fmt(t(chat10).cpuVsPassthrough, 2)}×)` : ''}` : '–',
        rss50 ? `${fmt(rss50)} MB` : '–',
        main.peakRssMb?.[n] ? `${fmt(main.peakRssMb[n])} MB` : '–',
        main.coldStart?.[n] ? `${fmt(main.coldStart[n].idleRssMb)} MB` : '–',
        main.coldStart?.[n] ? `${fmt(main.coldStart[n].coldStartMs)} ms` : '–',
      ]),
    );
  }
  out.push('');
  if (main.skipped && Object.keys(main.skipped).length) {
    for (const [k, v] of Object.entries(main.skipped)) out.push(`- ${k} skipped: ${v}`);
    out.push('');
  }
  out.push(...renderTargets(main), '');
  out.push('## Every case', '');
  out.push(row(['mode', 'conns', 'target', 'RPS', 'vs pass-through', 'p50 ms', 'p90 ms', 'p99 ms', 'added p50 ms', 'TTFB p50 ms', 'added TTFB ms', 'CPU µs/req', 'RSS MB', 'non-2xx']));
  out.push(row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of main.results) {
    for (const n of names) {
      const t = r.targets[n];
      if (!t) continue;
      out.push(
        row([
          r.mode,
          r.connections,
          n,
          fmt(t.requestsPerSec),
          t.rpsVsPassthrough ? pct(t.rpsVsPassthrough) : '–',
          fmt(t.p50Ms, 2),
          fmt(t.p90Ms, 2),
          fmt(t.p99Ms, 2),
          t.addedP50Ms !== undefined ? signed(t.addedP50Ms) : '–',
          r.mode === 'stream' ? fmt(t.ttfbP50Ms, 2) : '–',
          t.addedTtfbP50Ms !== undefined ? signed(t.addedTtfbP50Ms) : '–',
          fmt(t.cpuUsPerRequest),
          fmt(t.rssMb),
          fmt(t.non2xx),
        ]),
      );
    }
  }
  out.push('');
  if (main.otlpReceiver) out.push(`The OTLP receiver took ${fmt(main.otlpReceiver.exportRequests)} export requests (${fmt(main.otlpReceiver.exportBytes / 2 ** 20, 1)} MB) from the traced proxy.`, '');
  return out;
}

/** The issue-20 targets, each met or missed, from this run's figures. */
export function targetChecks(main) {
  const checks = [];
  const t = (mode, c, n) => find(main, mode, c)?.targets[n];
  const add = (what, value, limit, met, unit = '') => checks.push({ what, value, limit, met: value === null || value === undefined || Number.isNaN(value) ? null : met, unit });
  for (const mode of ['chat', 'stream']) {
    const p = t(mode, 10, 'proxy');
    if (p?.rpsVsPassthrough !== undefined) add(`proxy ${mode} RPS @10 vs pass-through`, p.rpsVsPassthrough, '≥ 80 %', p.rpsVsPassthrough >= 0.8, 'ratio');
    const pk = t(mode, 10, 'portkey');
    if (p && pk) add(`proxy ${mode} RPS @10 vs Portkey`, p.requestsPerSec / pk.requestsPerSec, '≥ 6×', p.requestsPerSec / pk.requestsPerSec >= 6, 'times');
  }
  const p1 = t('chat', 1, 'proxy');
  const pt1 = t('chat', 1, 'passthrough');
  if (p1 && pt1) add('proxy added p50 @1 (chat) over the pass-through’s', p1.addedP50Ms - pt1.addedP50Ms, '≤ +0.10 ms', p1.addedP50Ms - pt1.addedP50Ms <= 0.1, 'ms');
  const s1 = t('stream', 1, 'proxy');
  const st1 = t('stream', 1, 'passthrough');
  if (s1 && st1) add('proxy added TTFB p50 @1 (stream) over the pass-through’s', s1.addedTtfbP50Ms - st1.addedTtfbP50Ms, '≤ +0.15 ms', s1.addedTtfbP50Ms - st1.addedTtfbP50Ms <= 0.15, 'ms');
  for (const mode of ['chat', 'stream']) {
    const p = t(mode, 10, 'proxy');
    if (p?.cpuVsPassthrough !== undefined) add(`proxy CPU/req ${mode} @10 vs pass-through`, p.cpuVsPassthrough, '≤ 1.3×', p.cpuVsPassthrough <= 1.3, 'times');
  }
  const rss50 = ['chat', 'stream'].map((m) => t(m, 50, 'proxy')?.rssMb).filter((x) => x !== undefined);
  if (rss50.length) add('proxy RSS at 50 connections', Math.max(...rss50), '≤ 100 MB', Math.max(...rss50) <= 100, 'MB');
  if (main.peakRssMb?.proxy) add('proxy peak RSS over the run', main.peakRssMb.proxy, '≤ 100 MB', main.peakRssMb.proxy <= 100, 'MB');
  const cs = main.coldStart?.proxy;
  if (cs) {
    add('proxy idle RSS', cs.idleRssMb, '≤ 70 MB', cs.idleRssMb <= 70, 'MB');
    add('proxy cold start', cs.coldStartMs, '≤ 250 ms', cs.coldStartMs <= 250, 'ms');
  }
  for (const mode of ['chat', 'stream']) {
    const tr = t(mode, 10, 'proxyTraced');
    if (tr?.rpsVsProxy !== undefined) add(`tracing on vs off, ${mode} RPS @10`, tr.rpsVsProxy, '≥ 90 %', tr.rpsVsProxy >= 0.9, 'ratio');
  }
  return checks;
}

function renderTargets(main) {
  const checks = targetChecks(main);
  if (!checks.length) return [];
  const v = (c) => (c.unit === 'ratio' ? pct(c.value) : c.unit === 'times' ? `${fmt(c.value, 2)}×` : c.unit === 'ms' ? `${fmt(c.value, Math.abs(c.value) >= 100 ? 0 : 2)} ms` : `${fmt(c.value)} ${c.unit}`);
  return [
    '## Targets (issue 20), from this run',
    '',
    row(['target', 'measured', 'goal', '']),
    row(['---', '---:', '---', '---']),
    ...checks.map((c) => row([c.what, v(c), c.limit, c.met === null ? 'n/a' : c.met ? 'met' : 'missed'])),
  ];
}

function renderSoak(soak) {
  const out = ['', '## Soak: RSS over many requests', ''];
  out.push(`${fmt(soak.requests)} requests per target at ${soak.connections} connections (chat and 20-chunk streams alternating per block of ${fmt(soak.blockRequests)}); RSS and heap used after each block, each after a full GC; slope by least squares over the blocks after the first (the first holds the warm-up growth).`, '');
  out.push(row(['target', 'RSS after 1st block', 'RSS at end', 'peak RSS', 'RSS slope per 10k requests', 'heap used slope per 10k', 'heap used at end', 'non-2xx']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const [n, s] of Object.entries(soak.targets)) {
    out.push(row([n, `${fmt(s.rssFirstMb, 1)} MB`, `${fmt(s.rssEndMb, 1)} MB`, `${fmt(s.peakRssMb, 1)} MB`, `${signed(s.rssSlopeMbPer10k, 2)} MB`, `${signed(s.heapSlopeMbPer10k, 2)} MB`, `${fmt(s.heapEndMb, 1)} MB`, fmt(s.non2xx)]));
  }
  out.push('', `Run on ${soak.date} (load average at start ${soak.loadAverage?.start?.join(' / ') ?? '?'}).`);
  return out;
}

function renderImportCost(ic) {
  const out = ['', '## Import cost (bench/import-cost.mjs)', ''];
  if (ic.error) return [...out, `Not measured: ${ic.error}`];
  const rows = Array.isArray(ic) ? ic : Array.isArray(ic.rows) ? ic.rows : Array.isArray(ic.results) ? ic.results : undefined;
  if (!rows?.length) return [...out, '```json', JSON.stringify(ic, null, 2), '```'];
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => typeof rows[0][k] !== 'object');
  out.push(row(keys), row(keys.map(() => '---')));
  for (const r of rows) out.push(row(keys.map((k) => (typeof r[k] === 'number' ? fmt(r[k], Number.isInteger(r[k]) ? 0 : 1) : String(r[k] ?? '–')))));
  if (ic.description) out.push('', ic.description);
  return out;
}

function renderMachine(main) {
  const m = main.machine ?? {};
  const v = main.versions ?? {};
  return [
    '',
    '## Machine and versions',
    '',
    `- date: ${main.date}; wall time of the bench: ${main.wallSec} s`,
    `- CPU: ${m.cpuModel ?? '?'}, ${m.cpus ?? '?'} logical cores; ${m.platform ?? ''}`,
    `- load average (1/5/15 min) at start: ${main.loadAverage?.start?.join(' / ')}; at end: ${main.loadAverage?.end?.join(' / ')}`,
    `- Node ${m.node}; tracegate ${v.tracegate}; undici ${v.undici}; ${main.settings?.loadGenerator}${v.portkey ? `; @portkey-ai/gateway ${v.portkey}` : ''}`,
    `- settings: ${JSON.stringify(main.settings)}`,
    '',
    main.description ?? '',
  ];
}

// `node bench/results-md.mjs [DIR]` re-renders RESULTS.md from the results files.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await writeResultsMarkdown({ out: process.argv[2] }));
}
