// The semantic cache's index: lookup p50/p99 at 1k, 10k and 100k entries in one namespace,
// memory per entry, and recall@1 of the HNSW search against brute force. Entries are the mock's
// embeddings (hashed word n-grams, the same function `tracegate mock` answers with) of synthetic
// questions drawn from a seeded vocabulary; queries are stored questions with one or two words
// changed (paraphrase-like) and fresh questions (misses). In-process, no network.
// Run after `npm run build` (node --expose-gc for the memory figures):
//   node --expose-gc bench/semantic-cache.mjs [--dims 384] [--sizes 1000,10000,100000] [--queries 1000]
// Writes bench/results/semantic-cache.json.
import { embedText } from '../dist/esm/src/mock/answer/embedding.js';
import { SemanticNamespace } from '../dist/esm/src/router/semantic-cache/namespace.js';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { percentile, writeResults } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DIMS = Number(arg('dims', '384'));
const SIZES = arg('sizes', '1000,10000,100000').split(',').map(Number);
const QUERIES = Number(arg('queries', '1000'));
// --append: keep the rows of other sizes already in the results file (run sizes separately on a busy machine).
const APPEND = process.argv.includes('--append');

let seed = 12345;
const rnd = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};
// Questions about topics: each topic has a few key words; a question is 3-4 of its topic's words
// among 3-6 common words (a skewed draw from a small list), so questions on one topic are close.
const WORDS = Array.from({ length: 20000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
const COMMON = Array.from({ length: 200 }, (_, i) => `c${i.toString(36)}`);
const topicCount = (n) => Math.max(10, Math.round(n / 20));
const topicWords = (t) => Array.from({ length: 6 }, (_, k) => WORDS[(t * 7919 + k * 104729) % WORDS.length]);
const common = () => COMMON[Math.floor(rnd() ** 2 * COMMON.length)];
let topics = 10;
const sentence = () => {
  const tw = topicWords(Math.floor(rnd() * topics));
  const words = [...Array.from({ length: 3 + Math.floor(rnd() * 2) }, () => tw[Math.floor(rnd() * tw.length)]), ...Array.from({ length: 3 + Math.floor(rnd() * 4) }, common)];
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [words[i], words[j]] = [words[j], words[i]];
  }
  return words;
};
const pick = () => (rnd() < 0.5 ? common() : WORDS[Math.floor(rnd() * WORDS.length)]);
const vec = (words) => Float32Array.from(embedText(words.join(' '), DIMS));

const NOTE =
  'One namespace (SemanticNamespace: HNSW M 16, efConstruction 100, efSearch 64) filled with the mock embeddings of synthetic topic questions; lookup = SemanticNamespace.search (nearest entry); recall@1 = share of queries whose result is the brute-force nearest (ties count); bytesPerEntry = heap + array buffers per entry, with a ~500-byte answer object; the machine is shared with other jobs (load varies between rows)';
const gc = globalThis.gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
};
const ANSWER = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A typical short answer of about two hundred characters, which is what a support bot says when asked how to reset a password: go to settings, choose security, then reset.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 40, total_tokens: 60 },
};

function dot(a, b) {
  let x = 0;
  for (let i = 0; i < a.length; i++) x += a[i] * b[i];
  return x;
}
function bruteForce(vectors, q) {
  let best = -1;
  let bestSim = -Infinity;
  for (let i = 0; i < vectors.length; i++) {
    const s = dot(vectors[i], q);
    if (s > bestSim) {
      bestSim = s;
      best = i;
    }
  }
  return { best, bestSim };
}

const resultsUrl = new URL('./results/semantic-cache.json', import.meta.url);
const results = [];
if (APPEND) {
  try {
    for (const r of JSON.parse(readFileSync(resultsUrl, 'utf8')).results ?? []) if (!SIZES.includes(r.entries)) results.push(r);
  } catch {
    /* no earlier file */
  }
}
const save = () =>
  writeResults('semantic-cache', {
    note: NOTE,
    gcExposed: Boolean(gc),
    results: [...results].sort((a, b) => a.entries - b.entries),
  });
for (const n of SIZES) {
  topics = topicCount(n);
  const sentences = Array.from({ length: n }, sentence);
  const vectors = sentences.map(vec);
  // Whole entries as the cache holds them: vector, HNSW links, a ~500-byte answer, metadata.
  const before = heap();
  const t0 = performance.now();
  const ns = new SemanticNamespace();
  const now = Date.now();
  vectors.forEach((v, i) =>
    ns.add({ id: `e${i}`, vector: v, answer: structuredClone(ANSWER), deployment: { id: 'chat#0', name: 'chat', provider: 'openai', model: 'gpt-4o-mini' }, storedAt: now, expiresAt: now + 3_600_000, costUsd: 0.00003 }, n, now),
  );
  const buildMs = performance.now() - t0;
  const bytes = heap() - before;
  // Queries: 80% paraphrases of stored questions (one or two words changed), 20% fresh ones.
  const queries = Array.from({ length: QUERIES }, (_, i) => {
    if (i % 5 === 4) return vec(sentence());
    const s = [...sentences[Math.floor(rnd() * n)]];
    for (let k = 0; k < 1 + (i % 2); k++) s[Math.floor(rnd() * s.length)] = pick();
    return vec(s);
  });
  for (const q of queries.slice(0, 100)) ns.search(q, 0, now); // warm-up
  const lat = [];
  let agree = 0;
  let sims = 0;
  const bruteLat = [];
  for (const q of queries) {
    const s = performance.now();
    const { match } = ns.search(q, 0, now); // threshold 0: always the nearest entry
    lat.push(performance.now() - s);
    const b0 = performance.now();
    const exact = bruteForce(vectors, q);
    bruteLat.push(performance.now() - b0);
    if (match && (match.entry.id === `e${exact.best}` || Math.abs(match.similarity - exact.bestSim) < 1e-6)) agree++;
    sims += exact.bestSim;
  }
  lat.sort((a, b) => a - b);
  bruteLat.sort((a, b) => a - b);
  const r3 = (x) => Math.round(x * 1000) / 1000;
  const row = {
    entries: n,
    dims: DIMS,
    buildMs: Math.round(buildMs),
    insertMeanMs: r3(buildMs / n),
    lookupP50Ms: r3(percentile(lat, 50)),
    lookupP99Ms: r3(percentile(lat, 99)),
    bruteForceP50Ms: r3(percentile(bruteLat, 50)),
    bruteForceP99Ms: r3(percentile(bruteLat, 99)),
    recallAt1: r3(agree / QUERIES),
    loadAvg1m: r3(os.loadavg()[0]),
    meanBestSimilarity: r3(sims / QUERIES),
    ...(gc ? { bytesPerEntry: Math.round(bytes / n), vectorBytes: DIMS * 4 } : {}),
  };
  console.log(JSON.stringify(row));
  results.push(row);
  save(); // after each size: a long run keeps what it measured
}
console.log(`wrote ${save()}`);
