import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The recorded provider responses (copied from ../shared/fixtures/providers). */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/providers', import.meta.url));

export function fixtureText(path: string): string {
  return readFileSync(`${FIXTURES_DIR}/${path}`, 'utf8');
}

export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(fixtureText(path)) as T;
}

/** The payload lines of a `.chunks.txt` fixture, parsed. */
export function fixtureChunks<T = Record<string, unknown>>(path: string): T[] {
  return fixtureText(path)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

/** A recognizable fake key: tests scan outputs for it to prove it never leaks. */
export const FAKE_KEY = 'sk-tracegate-test-KEY-4f1c9e2a7b';
