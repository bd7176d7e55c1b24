import faiss from 'faiss-node';
import { DEFAULT_HNSW, type HnswParameters } from './hnsw-parameters.js';

export const IndexType = { Flat: 'flat', Hnsw: 'hnsw' } as const;
export type IndexType = (typeof IndexType)[keyof typeof IndexType];

export interface VectorHit<K> {
  key: K;
  /** Inner product of unit vectors: cosine similarity. */
  score: number;
}

export interface VectorIndexOptions {
  dimension: number;
  type: IndexType;
  hnsw?: HnswParameters;
}

const METRIC_INNER_PRODUCT = 0; // faiss::METRIC_INNER_PRODUCT

/**
 * One FAISS index with keys instead of labels. Flat removes vectors at once
 * (faiss compacts its storage in order, and so does the label table). HNSW
 * cannot remove: removed labels become tombstones that searches skip, and
 * the graph is rebuilt from the live vectors once a quarter of it is dead.
 */
export class VectorIndex<K> {
  private index: faiss.Index;
  private keys: (K | undefined)[] = [];
  private vectors: (Float32Array | undefined)[] = [];
  private readonly labelOf = new Map<K, number>();
  private dead = 0;

  constructor(private options: VectorIndexOptions) {
    this.index = this.create();
  }

  get size(): number {
    return this.labelOf.size;
  }

  add(entries: readonly { key: K; vector: Float32Array }[]): void {
    if (entries.length === 0) return;
    const flat = new Array<number>(entries.length * this.options.dimension);
    entries.forEach(({ key, vector }, i) => {
      this.assertDimension(vector);
      for (let d = 0; d < vector.length; d++) flat[i * this.options.dimension + d] = vector[d]!;
      this.labelOf.set(key, this.keys.length);
      this.keys.push(key);
      this.vectors.push(vector);
    });
    this.index.add(flat);
  }

  /** HNSW: trade recall for speed at query time; the graph stays as built. */
  setEfSearch(efSearch: number): void {
    if (this.options.type !== IndexType.Hnsw) throw new Error('efSearch applies to HNSW indexes only');
    this.options = { ...this.options, hnsw: { ...(this.options.hnsw ?? DEFAULT_HNSW), efSearch } };
    this.index.setHnswParameter('efSearch', efSearch);
  }

  remove(keys: readonly K[]): void {
    const labels = keys.map((k) => this.labelOf.get(k)).filter((l): l is number => l !== undefined);
    if (labels.length === 0) return;
    for (const label of labels) {
      this.labelOf.delete(this.keys[label]!);
      this.keys[label] = undefined;
      this.vectors[label] = undefined;
    }
    if (this.options.type === IndexType.Flat) this.compactFlat(labels);
    else if ((this.dead += labels.length) * 4 > this.keys.length) this.rebuild();
  }

  /**
   * The `k` nearest live vectors for which `accept` holds, best first. Asks
   * FAISS for more while filters or tombstones leave fewer than `k`.
   */
  search(query: Float32Array, k: number, accept: (key: K) => boolean = () => true): VectorHit<K>[] {
    this.assertDimension(query);
    const total = this.index.ntotal();
    if (total === 0 || k <= 0) return [];
    const vector = Array.from(query);
    let want = k;
    for (;;) {
      const hits = this.collect(this.index.search(vector, Math.min(want, total)), accept);
      if (hits.length >= k || want >= total) return hits.slice(0, k);
      want *= 4;
    }
  }

  private collect(result: faiss.SearchResult, accept: (key: K) => boolean): VectorHit<K>[] {
    const hits: VectorHit<K>[] = [];
    result.labels.forEach((label, i) => {
      const key = label < 0 ? undefined : this.keys[label];
      if (key !== undefined && accept(key)) hits.push({ key, score: result.distances[i]! });
    });
    return hits;
  }

  private compactFlat(labels: number[]): void {
    this.index.removeIds(labels);
    this.keys = this.keys.filter((k) => k !== undefined);
    this.vectors = this.vectors.filter((v) => v !== undefined);
    this.keys.forEach((key, label) => this.labelOf.set(key!, label));
  }

  private rebuild(): void {
    const live = this.keys.flatMap((key, i) => (key === undefined ? [] : [{ key, vector: this.vectors[i]! }]));
    this.index = this.create();
    this.keys = [];
    this.vectors = [];
    this.labelOf.clear();
    this.dead = 0;
    this.add(live);
  }

  private create(): faiss.Index {
    const { dimension, type } = this.options;
    if (type === IndexType.Flat) return new faiss.IndexFlatIP(dimension);
    const index = faiss.Index.fromFactory(dimension, 'HNSW32,Flat', METRIC_INNER_PRODUCT);
    const { efConstruction, efSearch } = this.options.hnsw ?? DEFAULT_HNSW;
    index.setHnswParameter('efConstruction', efConstruction);
    index.setHnswParameter('efSearch', efSearch);
    return index;
  }

  private assertDimension(vector: Float32Array): void {
    if (vector.length !== this.options.dimension) {
      throw new Error(`Vector has ${vector.length} dimensions; the index has ${this.options.dimension}`);
    }
  }
}
