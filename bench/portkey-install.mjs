// Installs the Portkey gateway for the proxy bench into its own folder, .cache/bench-portkey,
// with its own package.json, so that it is never a dependency of tracegate. @portkey-ai/gateway
// 1.15.2 needs @hono/node-server pinned to 1.14.1 (through npm `overrides`), or its streams fail
// with "immutable" header errors. Resolves to the package's folder, or to { skipped: reason }.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

export const PORTKEY_VERSION = '1.15.2';
export const HONO_NODE_SERVER_VERSION = '1.14.1';

const version = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return undefined;
  }
};

export async function ensurePortkey({ root = new URL('../.cache/bench-portkey/', import.meta.url).pathname, timeoutMs = 240_000 } = {}) {
  const pkgDir = `${root}node_modules/@portkey-ai/gateway`;
  const ready = () => version(`${pkgDir}/package.json`) === PORTKEY_VERSION && version(`${root}node_modules/@hono/node-server/package.json`) === HONO_NODE_SERVER_VERSION && existsSync(`${pkgDir}/build/start-server.js`);
  if (ready()) return pkgDir;
  mkdirSync(root, { recursive: true });
  writeFileSync(
    `${root}package.json`,
    JSON.stringify(
      {
        name: 'tracegate-bench-portkey',
        private: true,
        description: 'The Portkey gateway for bench/proxy-overhead.mjs; not a tracegate dependency.',
        dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION },
        overrides: { '@hono/node-server': HONO_NODE_SERVER_VERSION },
      },
      null,
      2,
    ) + '\n',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await new Promise((resolve) => {
    const child = spawn(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, err: e.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, err });
    });
  });
  if (ready()) return pkgDir;
  return { skipped: `npm install of @portkey-ai/gateway@${PORTKEY_VERSION} failed (${result.code}): ${String(result.err).trim().split('\n').slice(-3).join(' ').slice(0, 400)}` };
}
