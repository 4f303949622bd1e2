/**
 * A real Chromium for the browser tests, on any machine where `npm ci` ran:
 * 1. `CHROMIUM_PATH`, when set (it must exist);
 * 2. the system Chromium (`/usr/bin/chromium`, `/usr/bin/chromium-browser`), when present and
 *    `TRACEGATE_TEST_NO_SYSTEM_CHROMIUM` is not set (that variable checks the next step on a
 *    machine that has both);
 * 3. the Chromium that the npm package `@sparticuz/chromium` (a devDependency) ships inside
 *    itself: its brotli-compressed binary, SwiftShader and NSS libraries are unpacked once into
 *    `node_modules/.cache/tracegate-chromium/<version>/` and the browser runs with those
 *    libraries first on `LD_LIBRARY_PATH`, so it needs nothing from the system but libc.
 * Anything else throws: a browser test fails, never skips, when no browser can be had.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { ROOT } from './build.js';

export interface ChromiumBinary {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
  /** Extra environment for the browser process (with process.env). */
  env: Record<string, string>;
}

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const PACKAGE = '@sparticuz/chromium';

/** The browser per the order in the module comment. */
export async function findChromium(): Promise<ChromiumBinary> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    return { executablePath: explicit, source: 'CHROMIUM_PATH', env: {} };
  }
  if (!process.env.TRACEGATE_TEST_NO_SYSTEM_CHROMIUM) {
    const system = SYSTEM_PATHS.find((p) => existsSync(p));
    if (system) return { executablePath: system, source: 'system', env: {} };
  }
  return packagedChromium();
}

function packageRoot(): string {
  const require = createRequire(join(ROOT, 'package.json'));
  let entry: string;
  try {
    entry = require.resolve(PACKAGE);
  } catch {
    throw new Error(`no Chromium: no system chromium and ${PACKAGE} is not installed (run \`npm ci\`, or apt-get install -y chromium, or set CHROMIUM_PATH)`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'chromium.br'))) return dir;
  }
  throw new Error(`${PACKAGE} has no bin/chromium.br next to ${entry}`);
}

/** The Chromium inside the `@sparticuz/chromium` package, unpacked on first use. */
export async function packagedChromium(): Promise<ChromiumBinary> {
  const pkg = packageRoot();
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(ROOT, 'node_modules', '.cache', 'tracegate-chromium', version);
  if (!existsSync(join(dir, 'chromium'))) await unpack(join(pkg, 'bin'), dir);
  return {
    executablePath: join(dir, 'chromium'),
    source: 'npm',
    env: { LD_LIBRARY_PATH: [join(dir, 'lib'), dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
  };
}

/** Unpacks into a private directory, then renames it into place (parallel test processes race safely). */
async function unpack(bin: string, dir: string): Promise<void> {
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(staging, 'chromium'), { mode: 0o755 }));
    // SwiftShader (libEGL, libGLESv2) at the top; NSS, NSPR and expat under lib/.
    for (const archive of ['swiftshader.tar.br', 'al2023.tar.br']) await untarBrotli(join(bin, archive), staging);
    try {
      renameSync(staging, dir);
    } catch (err) {
      if (!existsSync(join(dir, 'chromium'))) throw err; // else another process finished first
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function untarBrotli(file: string, into: string): Promise<void> {
  const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', resolve);
  });
  // tar may exit at the end-of-archive marker before reading the zero padding after it: a failed
  // write then is not an error when tar itself succeeded.
  const fed = pipeline(createReadStream(file), createBrotliDecompress(), tar.stdin!).then(
    () => undefined,
    (err: unknown) => err,
  );
  const code = await exited;
  const feedError = await fed;
  if (code !== 0) throw new Error(`tar could not unpack ${file} (exit ${code}): ${stderr.trim() || String(feedError ?? '')}`);
}
