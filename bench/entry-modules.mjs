// Which modules does `import`/`require` of an entry point load? Runs one fresh node process and
// returns the files it loaded: for CommonJS the keys of `require.cache`; for ESM the URLs the ESM
// loader resolved (bench/module-trace-hooks.mjs) plus `require.cache` (CommonJS packages that an
// ES module imports load their own files through require).
// Used by test/core/entry-footprint.test.ts (what an entry must not load) and by
// bench/import-cost.mjs (what each entry loads).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOOKS = new URL('./module-trace-hooks.mjs', import.meta.url).href;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {string} specifier e.g. 'tracegate', 'tracegate/register', 'openai'
 * @param {{ mode: 'esm' | 'cjs', cwd?: string, node?: string }} options
 * @returns {string[]} absolute paths of the loaded files (node: builtins left out)
 */
export function loadedModules(specifier, { mode, cwd = ROOT, node = process.execPath }) {
  const dir = mkdtempSync(join(tmpdir(), 'tracegate-modules-'));
  const file = join(dir, 'esm.txt');
  try {
    let out;
    if (mode === 'cjs') {
      out = execFileSync(node, ['-e', `require(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], { cwd, encoding: 'utf8' });
    } else {
      const register = `import { register } from 'node:module'; register(${JSON.stringify(HOOKS)}, { data: { file: ${JSON.stringify(file)} } });`;
      out = execFileSync(
        node,
        [
          '--import',
          `data:text/javascript,${encodeURIComponent(register)}`,
          '--input-type=module',
          '-e',
          `import { createRequire } from 'node:module'; await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)))`,
        ],
        { cwd, encoding: 'utf8' },
      );
    }
    const files = new Set(JSON.parse(out));
    if (mode === 'esm') {
      let urls = '';
      try {
        urls = readFileSync(file, 'utf8');
      } catch {
        // nothing resolved through the ESM loader
      }
      for (const url of urls.split('\n')) if (url.startsWith('file:')) files.add(fileURLToPath(url));
    }
    return [...files].filter((f) => !f.startsWith('node:') && !f.startsWith('data:') && !f.includes('[eval'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Groups loaded files: a package under node_modules by its name (`zod`, `@opentelemetry/core`),
 * tracegate's own files by folder under the build (`src/router`, `instrumentations/sdk`).
 * @param {string[]} files
 * @returns {Record<string, number>} group → number of files
 */
export function groupModules(files) {
  const groups = {};
  for (const f of files) {
    const p = f.split(sep).join('/');
    const nm = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p);
    let g;
    if (nm) g = nm[1];
    else {
      const own = /\/dist\/(?:esm|cjs)\/(.*)\/[^/]+$/.exec(p);
      g = own ? own[1] : pathToFileURL(f).pathname.replace(ROOT.split(sep).join('/'), '');
    }
    groups[g] = (groups[g] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(groups).sort(([a], [b]) => a.localeCompare(b)));
}
