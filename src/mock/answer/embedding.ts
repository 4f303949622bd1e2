/**
 * Deterministic embeddings with meaning enough for tests: the text's lower-cased words and word
 * pairs are hashed into the vector's dimensions (feature hashing with a hashed sign), so texts
 * sharing most of their words get close vectors (cosine ≈ their weighted word overlap) and
 * unrelated texts nearly orthogonal ones. A small component seeded by the whole text keeps any two
 * different texts apart. Same text and dimension, same unit vector.
 */
import { createHash } from 'node:crypto';
import { createPrng } from './prng.js';

/** Weight of word pairs against single words (order matters a little, not much). */
const PAIR_WEIGHT = 0.5;
/** Weight of the per-text component: distinct texts never share a vector. */
const TEXT_WEIGHT = 0.05;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function hash32(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}

export function embedText(text: string, dimensions: number): number[] {
  const raw = new Array<number>(dimensions).fill(0);
  const add = (feature: string, weight: number) => {
    const h = hash32(feature);
    raw[h % dimensions]! += h & 0x80000000 ? -weight : weight;
  };
  const w = words(text);
  w.forEach((word, i) => {
    add(`w:${word}`, 1);
    if (i > 0) add(`p:${w[i - 1]} ${word}`, PAIR_WEIGHT);
  });
  let norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0));
  const next = createPrng(hash32(text));
  // Texts without words get a random-looking vector of their own; others a small share of one.
  const share = norm > 0 ? TEXT_WEIGHT * norm : 1;
  for (let i = 0; i < dimensions; i++) raw[i]! += (next() * 2 - 1) * share / Math.sqrt(dimensions / 3);
  norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  // Rounded to float32 so the float and base64 encodings carry identical values.
  return raw.map((v) => Math.fround(v / norm));
}

/** Little-endian float32 bytes, base64: OpenAI's `encoding_format: "base64"`. */
export function vectorToBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}
