// Import cost of each public entry point against the official `openai` SDK, in the same run:
// wall time and RSS added by `import` (ESM) and `require` (CommonJS) of the entry, each in a fresh
// node process, in interleaved rounds (every entry once per round, the order rotating), medians.
// Also the modules each entry loads (bench/entry-modules.mjs) and reference rows (`zod`, `undici`,
// `@opentelemetry/sdk-trace-node` alone), the floors under what the entries need.
//
// Standalone: `node bench/import-cost.mjs [--rounds N] [--before DIR]` (after `npm run build`)
// writes bench/results/import-cost.json and prints the table; `--before DIR` also measures the
// built tracegate checkout in DIR (e.g. a worktree of an older commit) in the same interleaved
// rounds, its rows labelled `before`. Importable: `run(opts)` returns `{ rows, description, ... }`
// for bench/RESULTS.md (`npm run bench`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { groupModules, loadedModules } from './entry-modules.mjs';
import { machine, writeResults } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const ENTRIES = [
  'tracegate',
  'tracegate/proxy',
  'tracegate/register',
  'tracegate/instrumentation',
  'tracegate/mock',
  'tracegate/semconv',
  'openai',
];
/**
 * Packages measured alone for reference: the floors under the entries (zod: the main entry's
 * exported wire schemas; undici: its HTTP client, loaded by the first call; the OpenTelemetry
 * trace SDK: what `tracegate/register` starts).
 */
export const REFERENCES = ['zod', 'undici', '@opentelemetry/sdk-trace-node'];

/** The child: time and RSS around one import/require, then exit (no work after it counted). */
function childScript(specifier, mode) {
  const s = JSON.stringify(specifier);
  const measure = (load) => `
const rss0 = process.memoryUsage().rss, heap0 = process.memoryUsage().heapUsed, t0 = process.hrtime.bigint();
${load}
const ms = Number(process.hrtime.bigint() - t0) / 1e6, m = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms, rssMb: (m.rss - rss0) / 1048576, heapMb: (m.heapUsed - heap0) / 1048576 }));
process.exit(0);`;
  return mode === 'esm' ? measure(`await import(${s});`) : measure(`require(${s});`);
}

function measureOnce(specifier, mode, node, cwd) {
  const args = mode === 'esm' ? ['--input-type=module', '-e', childScript(specifier, mode)] : ['-e', childScript(specifier, mode)];
  // A clean environment: no OTEL_* from the caller, no exporter traffic (nothing is exported anyway).
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  return JSON.parse(execFileSync(node, args, { cwd, env, encoding: 'utf8' }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;

function version(name) {
  try {
    const req = createRequire(pathToFileURL(`${ROOT}/package.json`));
    return JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * @param {{ rounds?: number, quick?: boolean, node?: string, entries?: string[], references?: boolean, before?: string, log?: (line: string) => void }} [opts]
 *   `before`: the root of another built tracegate checkout, measured in the same rounds (rows with `build: 'before'`)
 */
export async function run(opts = {}) {
  const rounds = opts.rounds ?? (opts.quick ? 2 : 7);
  const node = opts.node ?? process.execPath;
  const log = opts.log ?? (() => {});
  const specs = [...(opts.entries ?? ENTRIES), ...(opts.references === false ? [] : REFERENCES)];
  const builds = [{ build: 'this', dir: ROOT }, ...(opts.before ? [{ build: 'before', dir: opts.before }] : [])];
  const exported = (dir, entry) => {
    if (!entry.startsWith('tracegate')) return true;
    const sub = entry === 'tracegate' ? '.' : `./${entry.slice('tracegate/'.length)}`;
    return sub in (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).exports ?? {});
  };
  const cases = builds.flatMap(({ build, dir }) =>
    specs.filter((entry) => (build === 'this' || entry.startsWith('tracegate')) && exported(dir, entry)).flatMap((entry) => ['esm', 'cjs'].map((mode) => ({ build, dir, entry, mode }))),
  );
  const key = (c) => `${c.build} ${c.entry} ${c.mode}`;
  const samples = new Map(cases.map((c) => [key(c), []]));
  for (let r = 0; r < rounds; r++) {
    // Interleaved: every case once per round; the starting case rotates so none is always first.
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length];
      samples.get(key(c)).push(measureOnce(c.entry, c.mode, node, c.dir));
    }
    log(`import cost: round ${r + 1}/${rounds}`);
  }
  const openai = {};
  const rows = cases.map((c) => {
    const { build, dir, entry, mode } = c;
    const s = samples.get(key(c));
    const files = loadedModules(entry, { mode, cwd: dir, node });
    const row = {
      ...(opts.before ? { build } : {}),
      entry,
      module: mode === 'esm' ? 'import' : 'require',
      ms: round1(median(s.map((x) => x.ms))),
      msMin: round1(Math.min(...s.map((x) => x.ms))),
      rssMb: round1(median(s.map((x) => x.rssMb))),
      heapMb: round1(median(s.map((x) => x.heapMb))),
      modules: files.length,
      reference: REFERENCES.includes(entry),
      loads: groupModules(files),
    };
    if (entry === 'openai') openai[mode] = row;
    return row;
  });
  for (const row of rows) {
    const o = openai[row.module === 'import' ? 'esm' : 'cjs'];
    if (!o) continue;
    row.msVsOpenai = round1(row.ms / o.ms);
    row.rssVsOpenai = round1(row.rssMb / o.rssMb);
  }
  const main = (m) => rows.find((r) => r.entry === 'tracegate' && r.module === m && r.build !== 'before');
  const register = rows.filter((r) => r.entry === 'tracegate/register' && r.build !== 'before');
  const targets = {
    mainNoSlowerThanOpenai: ['import', 'require'].map((m) => ({ module: m, met: main(m) && openai[m === 'import' ? 'esm' : 'cjs'] ? main(m).ms <= openai[m === 'import' ? 'esm' : 'cjs'].ms : null })),
    mainNoHeavierThanOpenai: ['import', 'require'].map((m) => ({ module: m, met: main(m) && openai[m === 'import' ? 'esm' : 'cjs'] ? main(m).rssMb <= openai[m === 'import' ? 'esm' : 'cjs'].rssMb : null })),
    registerWithin150ms: register.map((r) => ({ module: r.module, ms: r.ms, met: r.ms <= 150 })),
  };
  return {
    rounds,
    node: process.version,
    versions: { openai: version('openai'), zod: version('zod'), undici: version('undici') },
    rows,
    targets,
    description:
      `Median of ${rounds} interleaved rounds, each a fresh \`node\` process (${process.version}) that times one \`import()\`/\`require()\` ` +
      'of the entry (hrtime around the call) and the RSS and heap it added. `modules`: files the entry loads. ' +
      '×openai: ratio to the `openai` SDK in the same module system and run. zod, undici and @opentelemetry/sdk-trace-node alone are reference rows.',
  };
}

function table(rows) {
  const cols = [...(rows.some((r) => r.build) ? ['build'] : []), 'entry', 'module', 'ms', 'msMin', 'rssMb', 'heapMb', 'modules', 'msVsOpenai', 'rssVsOpenai'];
  const lines = [`| ${cols.join(' | ')} |`, `| ${cols.map((c) => (['build', 'entry', 'module'].includes(c) ? '---' : '---:')).join(' | ')} |`];
  for (const r of rows) lines.push(`| ${cols.map((c) => (r[c] === undefined ? '–' : String(r[c]))).join(' | ')} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rounds = arg('--rounds') ? Number(arg('--rounds')) : undefined;
  const before = arg('--before');
  const result = await run({ ...(rounds ? { rounds } : {}), ...(before ? { before } : {}), log: (l) => console.error(l) });
  const file = writeResults('import-cost', result);
  console.log(table(result.rows));
  console.log(JSON.stringify(result.targets));
  console.log(`machine: ${JSON.stringify(machine())}\nwrote ${file}`);
}
