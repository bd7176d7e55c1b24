import { describe, expect, it } from 'vitest';
import { clusterEmbeddings } from './clustering.js';

const around = (center: number[], jitter: number, seed: number): number[] =>
  center.map((c, i) => c + jitter * Math.sin(seed * 12.9898 + i * 78.233));

describe('average-linkage clustering', () => {
  const a = [1, 0, 0];
  const b = [0, 1, 0];
  const c = [0, 0, 1];
  const points = [around(a, 0.1, 1), around(b, 0.1, 2), around(a, 0.1, 3), around(c, 0.1, 4), around(b, 0.1, 5)];

  it('groups points above the similarity threshold, numbered by first appearance', () => {
    expect(clusterEmbeddings(points, { threshold: 0.8 })).toEqual([0, 1, 0, 2, 1]);
  });

  it('keeps merging below the threshold to honour maxClusters, and merges to an exact count', () => {
    expect(new Set(clusterEmbeddings(points, { threshold: 0.8, maxClusters: 2 })).size).toBe(2);
    expect(clusterEmbeddings(points, { threshold: 0.99, clusters: 3 })).toEqual([0, 1, 0, 2, 1]);
    expect(clusterEmbeddings(points, { threshold: -1 })).toEqual([0, 0, 0, 0, 0]);
  });

  it('handles no points and one point', () => {
    expect(clusterEmbeddings([], { threshold: 0.5 })).toEqual([]);
    expect(clusterEmbeddings([[1, 2]], { threshold: 0.5 })).toEqual([0]);
  });

  it('matches a naive greedy average-linkage on random points', () => {
    const random = Array.from({ length: 40 }, (_, i) => around([0, 0, 0, 0], 1, i + 1));
    for (const threshold of [0.9, 0.5, 0, -0.5]) {
      expect(clusterEmbeddings(random, { threshold })).toEqual(naive(random, threshold));
    }
  });
});

function naive(points: number[][], threshold: number): number[] {
  const cos = (x: number[], y: number[]) =>
    x.reduce((s, v, i) => s + v * y[i]!, 0) / Math.hypot(...x) / Math.hypot(...y);
  let clusters = points.map((_, i) => [i]);
  for (;;) {
    let best: [number, number, number] | undefined;
    clusters.forEach((p, i) =>
      clusters.slice(i + 1).forEach((q, k) => {
        const s =
          p.flatMap((x) => q.map((y) => cos(points[x]!, points[y]!))).reduce((u, v) => u + v, 0) /
          (p.length * q.length);
        if (!best || s > best[2]) best = [i, i + 1 + k, s];
      }),
    );
    if (!best || best[2] < threshold) break;
    const [i, j] = best;
    clusters[i] = [...clusters[i]!, ...clusters[j]!];
    clusters = clusters.filter((_, k) => k !== j);
  }
  const label = new Array<number>(points.length);
  clusters.forEach((members, id) => members.forEach((m) => (label[m] = id)));
  const order = new Map<number, number>();
  return label.map((l) => (order.has(l) ? order.get(l)! : (order.set(l, order.size), order.size - 1)));
}
