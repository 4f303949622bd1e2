// Writes docs/semconv.md from the semconv module (run `npm run build` first).
// `--check` exits 1 when the file differs instead of writing it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { semconvMarkdown } from '../dist/esm/semconv/markdown.js';

const file = new URL('../docs/semconv.md', import.meta.url);
const text = semconvMarkdown();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error('docs/semconv.md is out of date: run `npm run build && node scripts/semconv-table.mjs`');
    process.exit(1);
  }
} else {
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  writeFileSync(file, text);
  console.log('wrote docs/semconv.md');
}
