/**
 * A small HNSW index (hierarchical navigable small world graph, Malkov & Yashunin) over unit
 * vectors, similarity = dot product (cosine for normalized vectors). Sublinear search: a greedy
 * descent through sparse upper layers, then a beam search (`efSearch`) on the dense bottom layer.
 *
 * Removal marks a node deleted (it still routes searches, it is never returned); once deleted
 * nodes outnumber live ones the graph is rebuilt from the live nodes, so the memory and the
 * search cost stay proportional to the live entries. Written here because no HNSW/IVF package
 * on npm is both well kept and free of native install steps (see docs/router.md).
 */

export interface HnswOptions {
  /** Links per node on the upper layers (the bottom layer keeps 2·M). Default 16. */
  m?: number;
  /** Beam width while inserting. Default 100. */
  efConstruction?: number;
  /** Beam width while searching (at least k). Default 64. */
  efSearch?: number;
  /** Seed of the level draw (deterministic graphs for tests and benchmarks). */
  seed?: number;
}

export interface HnswHit {
  /** The label the vector was added with. */
  label: number;
  similarity: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** A binary heap of (id, score) pairs; `max` orders the largest score first. */
class Heap {
  private ids: number[] = [];
  private scores: number[] = [];
  constructor(private readonly max: boolean) {}
  get size(): number {
    return this.ids.length;
  }
  topId(): number {
    return this.ids[0]!;
  }
  topScore(): number {
    return this.scores[0]!;
  }
  private before(i: number, j: number): boolean {
    return this.max ? this.scores[i]! > this.scores[j]! : this.scores[i]! < this.scores[j]!;
  }
  private swap(i: number, j: number): void {
    const id = this.ids[i]!;
    const s = this.scores[i]!;
    this.ids[i] = this.ids[j]!;
    this.scores[i] = this.scores[j]!;
    this.ids[j] = id;
    this.scores[j] = s;
  }
  push(id: number, score: number): void {
    this.ids.push(id);
    this.scores.push(score);
    let i = this.ids.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): void {
    const last = this.ids.length - 1;
    this.swap(0, last);
    this.ids.pop();
    this.scores.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.ids.length && this.before(l, best)) best = l;
      if (r < this.ids.length && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }
  /** Every (id, score), in no particular order. */
  entries(): Array<[number, number]> {
    return this.ids.map((id, i) => [id, this.scores[i]!]);
  }
}

interface Node {
  label: number;
  vector: Float32Array;
  /** links[level] = neighbour ids; scores[level] = their similarity to this node (pruning needs no recomputation). */
  links: number[][];
  scores: number[][];
  deleted: boolean;
}

export class HnswIndex {
  readonly dimensions: number;
  private readonly m: number;
  private readonly m0: number;
  private readonly efConstruction: number;
  efSearch: number;
  private readonly levelMult: number;
  private nodes: Node[] = [];
  private readonly byLabel = new Map<number, number>();
  private entry = -1;
  private topLevel = -1;
  private live = 0;
  private deletedCount = 0;
  private visited = new Uint32Array(0);
  private visitMark = 0;
  private rand: () => number;
  /** Rebuilds done after removals (tests). */
  rebuilds = 0;

  constructor(dimensions: number, options: HnswOptions = {}) {
    this.dimensions = dimensions;
    this.m = options.m ?? 16;
    this.m0 = this.m * 2;
    this.efConstruction = options.efConstruction ?? 100;
    this.efSearch = options.efSearch ?? 64;
    this.levelMult = 1 / Math.log(this.m);
    this.rand = seeded(options.seed ?? 0x9e3779b9);
  }

  /** Live (not removed) vectors. */
  get size(): number {
    return this.live;
  }

  /** Adds a unit vector under `label` (a label already present is replaced). */
  add(label: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new RangeError(`expected a vector of ${this.dimensions} dimensions, got ${vector.length}`);
    this.remove(label);
    const level = Math.floor(-Math.log(1 - this.rand()) * this.levelMult);
    this.place(label, vector, level);
    this.live++;
  }

  private place(label: number, vector: Float32Array, level: number): void {
    const id = this.nodes.length;
    const node: Node = { label, vector, links: [], scores: [], deleted: false };
    for (let l = 0; l <= level; l++) {
      node.links.push([]);
      node.scores.push([]);
    }
    this.nodes.push(node);
    this.byLabel.set(label, id);
    this.insert(id, node, level);
  }

  /** Marks a vector removed; rebuilds the graph when removed nodes outnumber live ones. */
  remove(label: number): void {
    const id = this.byLabel.get(label);
    if (id === undefined) return;
    this.byLabel.delete(label);
    this.nodes[id]!.deleted = true;
    this.live--;
    this.deletedCount++;
    if (this.deletedCount > 32 && this.deletedCount > this.live) this.rebuild();
  }

  has(label: number): boolean {
    return this.byLabel.has(label);
  }

  /** The `k` most similar live vectors, most similar first. */
  search(query: Float32Array, k = 1): HnswHit[] {
    if (this.live === 0 || this.entry < 0) return [];
    let cur = this.entry;
    let curSim = dot(query, this.nodes[cur]!.vector);
    for (let level = this.topLevel; level > 0; level--) [cur, curSim] = this.greedy(query, cur, curSim, level);
    const found = this.searchLayer(query, cur, curSim, Math.max(this.efSearch, k), 0);
    const out: HnswHit[] = [];
    for (const [id, similarity] of found.sort((a, b) => b[1] - a[1])) {
      const n = this.nodes[id]!;
      if (n.deleted) continue;
      out.push({ label: n.label, similarity });
      if (out.length === k) break;
    }
    return out;
  }

  /** Exact search over every live vector (tests and the recall benchmark). */
  bruteForce(query: Float32Array, k = 1): HnswHit[] {
    const all: HnswHit[] = [];
    for (const n of this.nodes) if (!n.deleted) all.push({ label: n.label, similarity: dot(query, n.vector) });
    return all.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  private insert(id: number, node: Node, level: number): void {
    if (this.entry < 0) {
      this.entry = id;
      this.topLevel = level;
      return;
    }
    const q = node.vector;
    let cur = this.entry;
    let curSim = dot(q, this.nodes[cur]!.vector);
    for (let l = this.topLevel; l > level; l--) [cur, curSim] = this.greedy(q, cur, curSim, l);
    for (let l = Math.min(level, this.topLevel); l >= 0; l--) {
      const found = this.searchLayer(q, cur, curSim, this.efConstruction, l);
      const max = l === 0 ? this.m0 : this.m;
      const chosen = this.selectNeighbours(found, this.m);
      node.links[l] = chosen.map(([n]) => n);
      node.scores[l] = chosen.map(([, s]) => s);
      for (const [n, s] of chosen) this.link(n, id, s, l, max);
      // The closest found is where the next layer down starts.
      const best = found.reduce((a, b) => (b[1] > a[1] ? b : a));
      cur = best[0];
      curSim = best[1];
    }
    if (level > this.topLevel) {
      this.topLevel = level;
      this.entry = id;
    }
  }

  /** Adds `to` to the links of `from` on `level`; past `max` links the least similar one is dropped. */
  private link(from: number, to: number, sim: number, level: number, max: number): void {
    const node = this.nodes[from]!;
    const links = node.links[level]!;
    const scores = node.scores[level]!;
    if (links.length < max) {
      links.push(to);
      scores.push(sim);
      return;
    }
    let worst = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! < scores[worst]!) worst = i;
    if (scores[worst]! >= sim) return;
    links[worst] = to;
    scores[worst] = sim;
  }

  /**
   * The neighbour selection heuristic: take candidates closest first, keep one only when it is
   * closer to the new node than to every one kept so far (spreads links across clusters); fill
   * up with the closest rejected ones.
   */
  private selectNeighbours(candidates: Array<[number, number]>, max: number): Array<[number, number]> {
    const sorted = [...candidates].sort((a, b) => b[1] - a[1]);
    if (sorted.length <= max) return sorted;
    const kept: Array<[number, number]> = [];
    const rejected: Array<[number, number]> = [];
    for (const c of sorted) {
      if (kept.length >= max) break;
      const v = this.nodes[c[0]]!.vector;
      if (kept.every(([k]) => dot(v, this.nodes[k]!.vector) < c[1])) kept.push(c);
      else rejected.push(c);
    }
    for (const r of rejected) {
      if (kept.length >= max) break;
      kept.push(r);
    }
    return kept;
  }

  private greedy(q: Float32Array, start: number, startSim: number, level: number): [number, number] {
    let cur = start;
    let curSim = startSim;
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of this.nodes[cur]!.links[level] ?? []) {
        const s = dot(q, this.nodes[n]!.vector);
        if (s > curSim) {
          curSim = s;
          cur = n;
          changed = true;
        }
      }
    }
    return [cur, curSim];
  }

  private searchLayer(q: Float32Array, start: number, startSim: number, ef: number, level: number): Array<[number, number]> {
    if (this.visited.length < this.nodes.length) this.visited = new Uint32Array(Math.max(this.nodes.length * 2, 64));
    if (++this.visitMark === 0xffffffff) {
      this.visited.fill(0);
      this.visitMark = 1;
    }
    const mark = this.visitMark;
    this.visited[start] = mark;
    const candidates = new Heap(true);
    const results = new Heap(false);
    candidates.push(start, startSim);
    results.push(start, startSim);
    while (candidates.size) {
      const c = candidates.topId();
      const cSim = candidates.topScore();
      if (results.size >= ef && cSim < results.topScore()) break;
      candidates.pop();
      for (const n of this.nodes[c]!.links[level] ?? []) {
        if (this.visited[n] === mark) continue;
        this.visited[n] = mark;
        const s = dot(q, this.nodes[n]!.vector);
        if (results.size < ef || s > results.topScore()) {
          candidates.push(n, s);
          results.push(n, s);
          if (results.size > ef) results.pop();
        }
      }
    }
    return results.entries();
  }

  /** Rebuilds the graph from the live nodes (compact ids, each keeps its level). */
  private rebuild(): void {
    const old = this.nodes;
    this.nodes = [];
    this.byLabel.clear();
    this.entry = -1;
    this.topLevel = -1;
    this.deletedCount = 0;
    for (const n of old) if (!n.deleted) this.place(n.label, n.vector, n.links.length - 1);
    this.rebuilds++;
  }
}

/** xorshift32: a seeded uniform draw in [0, 1) for the level of each node. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
