// The package as a user gets it: `npm pack`, install the tarball into a new project in a temporary
// folder, and there: import every public subpath with `import` and `require`, typecheck a small
// TypeScript file against the shipped types, run `npx tracegate --help`, replay a recorded
// fixture through `tracegate mock` (the CLI) and `tracegate/mock` (the library), from a folder that
// has no test/fixtures of its own, and serve a call through `tracegate/proxy` from both builds
// (the main entry no longer exports the proxy, nor loads yaml, ajv or the mock). Prints `N passed, N failed`; exits non-zero on any failure.
// Dependencies come from the npm cache filled by `npm ci` (else the npm registry).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((p) => p !== './package.json').map((p) => (p === '.' ? 'tracegate' : `tracegate/${p.slice(2)}`));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = [];

function check(name, fn) {
  return Promise.resolve()
    .then(fn)
    .then(
      () => {
        results.push([name, true]);
        console.log(`ok   ${name}`);
      },
      (err) => {
        results.push([name, false]);
        console.log(`FAIL ${name}\n     ${String(err?.stdout ?? '') + String(err?.stderr ?? '') || err?.message || err}`.trimEnd());
      },
    );
}

const work = mkdtempSync(join(tmpdir(), 'tracegate-pack-'));
const project = join(work, 'app');
try {
  if (!existsSync(join(root, 'dist/cjs/src/index.js'))) execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  // dist/ is built (by npm test or just above): pack it as is.
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const tarball = join(work, JSON.parse(out)[0].filename);
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tracegate-consumer', private: true, type: 'module' }, null, 2));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: project, stdio: 'inherit' });
  const run = (args, options = {}) => execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8', stdio: 'pipe', ...options });

  for (const sub of subpaths) {
    await check(`import('${sub}')`, () => {
      const keys = run(['--input-type=module', '-e', `const m = await import('${sub}'); console.log(Object.keys(m).length)`]);
      if (!(Number(keys) > 0)) throw new Error(`no exports (${keys.trim()})`);
    });
    await check(`require('${sub}')`, () => {
      const keys = run(['-e', `console.log(Object.keys(require('${sub}')).length)`]);
      if (!(Number(keys) > 0)) throw new Error(`no exports (${keys.trim()})`);
    });
  }

  await check('the shipped types typecheck a small TypeScript file (nodenext, strict)', () => {
    writeFileSync(
      join(project, 'index.ts'),
      [
        "import { Router, getCallInfo, RateLimitError, type ChatCompletion } from 'tracegate';",
        "import { startMockServer } from 'tracegate/mock';",
        "import { proxyConfigFromObject, startProxy, type ProxyServer } from 'tracegate/proxy';",
        "import { register } from 'tracegate/instrumentation';",
        "import * as semconv from 'tracegate/semconv';",
        "import * as evals from 'tracegate/evals';",
        'export async function main(): Promise<string | null> {',
        "  const mock = await startMockServer();",
        "  const router = new Router({ models: [{ name: 'a', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-x', baseURL: mock.baseURL('openai') }] });",
        "  const c: ChatCompletion = await router.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'hi' }] });",
        '  const attempts: number | undefined = getCallInfo(c)?.attempts.length;',
        '  void attempts; void RateLimitError; void register; void semconv; void evals;',
        "  const proxy: ProxyServer = await startProxy({ config: proxyConfigFromObject({ models: [{ name: 'a', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-x' }] }, { env: {} }), port: 0 });",
        '  await proxy.shutdown(); await proxy.router.close();',
        '  await router.close(); await mock.close();',
        '  return c.choices[0]!.message.content;',
        '}',
        '',
      ].join('\n'),
    );
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, typeRoots: [join(root, 'node_modules/@types')], types: ['node'] }, files: ['index.ts'] }),
    );
    run([tsc, '-p', 'tsconfig.json']);
  });

  // One call through the proxy from code, with each build: mock upstream → tracegate/proxy → fetch.
  const proxyCall = (importLine) => `${importLine}
    const mock = await startMockServer();
    const config = proxyConfigFromObject({ models: [{ name: 'a', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-pack-check', baseURL: mock.baseURL('openai') }] }, { env: {} });
    const proxy = await startProxy({ config, port: 0, logger: silentLogger });
    const r = await fetch(proxy.url + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'hi' }] }) });
    const body = await r.json();
    await proxy.shutdown(); await proxy.router.close(); await mock.close();
    process.stdout.write(r.status + ' ' + body.object);`;
  await check("tracegate/proxy (ESM) serves a chat call from code", () => {
    const text = run(['--input-type=module', '-e', proxyCall("import { startProxy, proxyConfigFromObject, silentLogger } from 'tracegate/proxy'; import { startMockServer } from 'tracegate/mock';")]);
    if (text !== '200 chat.completion') throw new Error(`answered ${text}`);
  });
  await check("tracegate/proxy (CommonJS) serves a chat call from code", () => {
    const text = run(['-e', `(async () => { ${proxyCall("const { startProxy, proxyConfigFromObject, silentLogger } = require('tracegate/proxy'); const { startMockServer } = require('tracegate/mock');")} })().catch((e) => { console.error(e); process.exit(1); });`]);
    if (text !== '200 chat.completion') throw new Error(`answered ${text}`);
  });
  await check("the main entry exports no proxy and loads no yaml, ajv, proxy or mock (both builds)", () => {
    const heavy = String(/node_modules[\\/](yaml|ajv)[\\/]|[\\/]src[\\/](proxy|mock)[\\/]/);
    const cjs = run(['-e', `const t = require('tracegate'); const bad = Object.keys(require.cache).filter((k) => ${heavy}.test(k)); console.log(typeof t.startProxy, typeof t.startMockServer, bad.length)`]);
    if (cjs.trim() !== 'undefined undefined 0') throw new Error(`require('tracegate'): ${cjs}`);
    const esm = run(['--input-type=module', '-e', `const t = await import('tracegate'); console.log(typeof t.startProxy, typeof t.startMockServer)`]);
    if (esm.trim() !== 'undefined undefined') throw new Error(`import('tracegate'): ${esm}`);
  });

  await check('npx tracegate --help', () => {
    const text = execFileSync(npm, ['exec', '--no', '--', 'tracegate', '--help'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    if (!/mock[\s\S]*proxy[\s\S]*report/.test(text)) throw new Error(`unexpected help:\n${text}`);
  });

  const expected = readFileSync(join(root, 'test/fixtures/providers/openai/openai-text.json'), 'utf8');
  const replay = async (baseURL) => {
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-pack-check', 'x-mock-fixture': 'openai/openai-text' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.text();
    if (res.status !== 200 || text !== expected) throw new Error(`fixture replay answered ${res.status}: ${text.slice(0, 200)}`);
  };

  await check('tracegate/mock (library, ESM) replays a recorded fixture from a folder without test/fixtures', () => {
    const text = run([
      '--input-type=module',
      '-e',
      `import { startMockServer } from 'tracegate/mock';
       const m = await startMockServer();
       const r = await fetch(m.baseURL('openai') + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-pack-check', 'x-mock-fixture': 'openai/openai-text' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
       process.stdout.write(String(r.status) + '\\n' + await r.text());
       await m.close();`,
    ]);
    const [status, ...body] = text.split('\n');
    if (status !== '200' || body.join('\n') !== expected) throw new Error(`answered ${status}: ${body.join('\n').slice(0, 200)}`);
  });

  await check('npx tracegate mock (CLI) replays a recorded fixture', async () => {
    const bin = join(project, 'node_modules/.bin/tracegate');
    const child = spawn(bin, ['mock', '--port', '0', '--quiet'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise((ok, fail) => {
        let seen = '';
        const timer = setTimeout(() => fail(new Error(`no listening line: ${seen}`)), 15_000);
        child.stdout.on('data', (d) => {
          seen += d;
          const m = /listening on (\S+)/.exec(seen);
          if (m) {
            clearTimeout(timer);
            ok(m[1]);
          }
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}: ${seen}`)));
      });
      await replay(`${url}/v1`);
    } finally {
      child.kill('SIGTERM');
    }
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const passed = results.filter(([, ok]) => ok).length;
const failed = results.length - passed;
console.log(`pack-check: ${passed} passed, ${failed} failed`);
process.exitCode = failed || results.length === 0 ? 1 : 0;
