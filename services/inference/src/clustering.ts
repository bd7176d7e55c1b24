import { cosineSimilarity } from './speaker-embedding.js';

export interface ClusterOptions {
  /** Clusters whose average similarity is at least this merge. */
  readonly threshold: number;
  /** At most this many clusters: merging goes on below the threshold until it holds. */
  readonly maxClusters?: number;
  /** Exactly this many clusters (when there are as many points), whatever the threshold. */
  readonly clusters?: number;
}

interface Merge {
  readonly a: number;
  readonly b: number;
  readonly similarity: number;
}

/**
 * Agglomerative clustering with average linkage on cosine similarity. The
 * merges come from the nearest-neighbour chain (O(n^2) time and memory);
 * average linkage is reducible, so replaying them from the most similar down
 * and stopping at the threshold (or the cluster count) cuts the same
 * dendrogram a greedy merge would build. Returns a cluster index per point,
 * numbered in order of first appearance.
 */
export function clusterEmbeddings(points: readonly ArrayLike<number>[], options: ClusterOptions): number[] {
  const n = points.length;
  if (n === 0) return [];
  const merges = nearestNeighbourChain(similarityMatrix(points), n).sort((x, y) => y.similarity - x.similarity);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  let count = n;
  for (const m of merges) {
    if (!shouldMerge(m, count, options)) break;
    parent[find(m.b)] = find(m.a);
    count -= 1;
  }
  const ids = new Map<number, number>();
  return points.map((_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

function shouldMerge(m: Merge, count: number, options: ClusterOptions): boolean {
  if (options.clusters !== undefined) return count > Math.max(1, options.clusters);
  if (options.maxClusters !== undefined && count > options.maxClusters) return true;
  return m.similarity >= options.threshold;
}

function similarityMatrix(points: readonly ArrayLike<number>[]): Float64Array {
  const n = points.length;
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const s = cosineSimilarity(points[i]!, points[j]!);
      sim[i * n + j] = s;
      sim[j * n + i] = s;
    }
  }
  return sim;
}

/** Every merge of the average-linkage dendrogram; cluster `a` absorbs `b` and keeps a's index. */
function nearestNeighbourChain(sim: Float64Array, n: number): Merge[] {
  const size = new Array<number>(n).fill(1);
  const active = new Set(Array.from({ length: n }, (_, i) => i));
  const merges: Merge[] = [];
  const chain: number[] = [];
  while (active.size > 1) {
    if (chain.length === 0) chain.push(active.values().next().value!);
    const top = chain.at(-1)!;
    const prev = chain.at(-2);
    const next = nearestOf(top, { sim, n, active }, prev);
    if (next === prev && prev !== undefined) {
      chain.length -= 2;
      merges.push({ a: prev, b: top, similarity: sim[prev * n + top]! });
      absorb(prev, top, { sim, n, size, active });
    } else {
      chain.push(next);
    }
  }
  return merges;
}

/** The most similar active cluster; ties go to `prefer` so the chain terminates. */
function nearestOf(i: number, m: { sim: Float64Array; n: number; active: Set<number> }, prefer?: number): number {
  const { sim, n, active } = m;
  let best = prefer ?? -1;
  let bestSim = prefer === undefined ? -Infinity : sim[i * n + prefer]!;
  for (const j of active) {
    if (j === i || sim[i * n + j]! <= bestSim) continue;
    best = j;
    bestSim = sim[i * n + j]!;
  }
  return best;
}

/** Lance-Williams update for average linkage: the merged cluster's similarity is the size-weighted mean. */
function absorb(a: number, b: number, s: { sim: Float64Array; n: number; size: number[]; active: Set<number> }): void {
  const { sim, n, size, active } = s;
  active.delete(b);
  const wa = size[a]!;
  const wb = size[b]!;
  for (const k of active) {
    if (k === a) continue;
    const v = (wa * sim[a * n + k]! + wb * sim[b * n + k]!) / (wa + wb);
    sim[a * n + k] = v;
    sim[k * n + a] = v;
  }
  size[a] = wa + wb;
}
