/**
 * Builds dist/ when it is missing or older than the sources (tests that run the built package).
 * Test files run in parallel processes and the build starts by removing dist/, so the build runs
 * under a lock directory: one process builds, the others wait and then find dist/ fresh.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;

const LOCK = join(ROOT, 'node_modules', '.tracegate-build-lock');
const LOCK_STALE_MS = 5 * 60_000;

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function fresh(): boolean {
  const marker = join(ROOT, 'dist/cjs/instrumentations/register.js');
  const sources = Math.max(...['src', 'instrumentations', 'semconv'].map((d) => newest(join(ROOT, d))));
  return existsSync(marker) && statSync(marker).mtimeMs >= sources;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lock(): void {
  const until = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      // Another process is building; a lock left by a killed process is removed once stale.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > until) throw new Error(`could not take the build lock ${LOCK}`);
      sleep(200);
    }
  }
}

export function ensureBuilt(): void {
  if (fresh()) return;
  lock();
  try {
    if (!fresh()) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
