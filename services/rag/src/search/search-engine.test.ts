import { describe, expect, it } from 'vitest';
import { axisVector, storedDocument } from '../testing/documents.js';
import { SearchEngine } from './search-engine.js';

function engine() {
  const e = new SearchEngine({ dimension: 8, type: 'flat' });
  e.added(storedDocument('acme', 'a', [0, 1], { tags: ['hr', 'policy'], source: 'wiki' }));
  e.added(storedDocument('acme', 'b', [2], { tags: ['hr'], documentDate: '2023-01-10T00:00:00Z', source: 'mail' }));
  e.added(storedDocument('globex', 'g', [0]));
  return e;
}
const search = (e: SearchEngine, axis: number, extra: object = {}) =>
  e
    .search({ tenant: 'acme', query: 'axis', vector: axisVector(8, axis), topK: 5, ...extra })
    .map((h) => h.document.meta.id);

describe('search engine', () => {
  it('searches only the asking tenant', () => {
    const e = engine();
    expect(search(e, 0)).not.toContain('g');
    expect(
      e.search({ tenant: 'globex', query: 'x', vector: axisVector(8, 2), topK: 5 }).map((h) => h.document.meta.id),
    ).toEqual(['g']);
  });

  it("finds nothing when one tenant names another's document ids (BOLA)", () => {
    expect(search(engine(), 0, { filters: { documentIds: ['g'] } })).toEqual([]);
  });

  it('filters by tags (all), source and time range', () => {
    const e = engine();
    expect(new Set(search(e, 0, { filters: { tags: ['hr', 'policy'] } }))).toEqual(new Set(['a']));
    expect(new Set(search(e, 0, { filters: { sources: ['mail'] } }))).toEqual(new Set(['b']));
    expect(new Set(search(e, 0, { filters: { from: '2024-01-01T00:00:00Z' } }))).toEqual(new Set(['a']));
    expect(new Set(search(e, 0, { filters: { to: '2023-12-31T00:00:00Z' } }))).toEqual(new Set(['b']));
  });

  it('drops hits under the minimum score', () => {
    expect(search(engine(), 0, { minScore: 0.99 })).toEqual(['a']);
  });

  it('forgets removed documents', () => {
    const e = engine();
    e.removed(storedDocument('acme', 'a', [0, 1]));
    expect(search(e, 0)).toEqual(['b']);
  });
});
