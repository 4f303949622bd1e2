/**
 * The built CLI for child-process tests: `npm run build` output is used when it is newer than
 * every source file; otherwise the build runs first (about 45 s), so the test never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUILT = 'dist/cjs/src/cli/main.js';
const SOURCES = ['src', 'instrumentations', 'semconv'];

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : entry.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return max;
}

export function ensureBuilt(): void {
  const built = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
  const source = Math.max(...SOURCES.map(newest));
  if (built > source) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
}

export const BIN = 'bin/tracegate.cjs';
