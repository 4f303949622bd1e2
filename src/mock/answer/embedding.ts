/** Deterministic embeddings: the same text and dimension always give the same unit vector. */
import { createHash } from 'node:crypto';
import { createPrng } from './prng.js';

export function embedText(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest().readUInt32BE(0);
  const next = createPrng(seed);
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  // Rounded to float32 so the float and base64 encodings carry identical values.
  return raw.map((v) => Math.fround(v / norm));
}

/** Little-endian float32 bytes, base64: OpenAI's `encoding_format: "base64"`. */
export function vectorToBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}
