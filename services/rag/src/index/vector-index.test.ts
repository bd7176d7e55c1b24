import { describe, expect, it } from 'vitest';
import { axisVector } from '../testing/documents.js';
import { IndexType, VectorIndex } from './vector-index.js';

describe.each([IndexType.Flat, IndexType.Hnsw])('%s vector index', (type) => {
  const build = () => {
    const index = new VectorIndex<string>({ dimension: 8, type, hnsw: { efConstruction: 16, efSearch: 16 } });
    index.add([0, 1, 2, 3, 4, 5].map((axis) => ({ key: `k${axis}`, vector: axisVector(8, axis) })));
    return index;
  };

  it('finds the nearest vector first, with its cosine score', () => {
    const hits = build().search(axisVector(8, 3), 2);
    expect(hits[0]).toEqual({ key: 'k3', score: expect.closeTo(1, 5) as number });
    expect(hits).toHaveLength(2);
  });

  it('never returns removed keys, and keeps the others findable', () => {
    const index = build();
    index.remove(['k3', 'k1']);
    expect(index.size).toBe(4);
    const keys = index.search(axisVector(8, 3), 6).map((h) => h.key);
    expect(keys).not.toContain('k3');
    expect(keys).not.toContain('k1');
    expect(keys.sort()).toEqual(['k0', 'k2', 'k4', 'k5']);
    expect(index.search(axisVector(8, 4), 1)[0]!.key).toBe('k4');
  });

  it('applies a filter, asking FAISS for more when needed', () => {
    const keys = build()
      .search(axisVector(8, 0), 2, (k) => k === 'k5' || k === 'k4')
      .map((h) => h.key);
    expect(keys.sort()).toEqual(['k4', 'k5']);
  });

  it('refuses a vector of the wrong dimension', () => {
    expect(() => build().search(new Float32Array(3), 1)).toThrow(/3 dimensions; the index has 8/);
  });
});

describe('HNSW parameters', () => {
  it('tunes efSearch at query time and refuses it on a flat index', () => {
    const hnsw = new VectorIndex<string>({ dimension: 8, type: IndexType.Hnsw });
    hnsw.add([{ key: 'a', vector: axisVector(8, 1) }]);
    hnsw.setEfSearch(4);
    expect(hnsw.search(axisVector(8, 1), 1)[0]!.key).toBe('a');
    expect(() => new VectorIndex<string>({ dimension: 8, type: IndexType.Flat }).setEfSearch(4)).toThrow(/HNSW/);
  });
});
