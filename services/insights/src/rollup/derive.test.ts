import type { InsightsEvent } from '@nemo/common';
import { describe, expect, it } from 'vitest';
import { bucketOf, rollupDeltas } from './derive.js';
import { termsOf } from './terms.js';
import { quantileOf, waitBucketOf } from './wait-buckets.js';

const base = { tenant: 'acme', userId: 'u1' };
const rag = (id: string, at: string, results: number): InsightsEvent => ({
  ...base,
  id,
  at,
  type: 'rag.query',
  results,
});

describe('rollup derivation', () => {
  it.each([
    ['2026-01-05T10:59:59.999Z', 'hour', '2026-01-05T10:00:00.000Z'],
    ['2026-01-05T10:59:59.999+02:00', 'hour', '2026-01-05T08:00:00.000Z'],
    ['2026-01-05T23:30:00-01:00', 'day', '2026-01-06T00:00:00.000Z'],
  ] as const)('buckets %s by %s in UTC', (at, grain, bucket) => {
    expect(bucketOf(at, grain)).toBe(bucket);
  });

  it('merges a batch into one delta per row, in key order', () => {
    const deltas = rollupDeltas(
      [rag('a', '2026-01-05T10:10:00Z', 0), rag('b', '2026-01-05T10:20:00Z', 3), rag('c', '2026-01-05T10:30:00Z', 0)],
      'hour',
    );
    expect(deltas.map((d) => [d.dims[0], d.count, d.sum])).toEqual([
      ['empty', 2, 0],
      ['hit', 1, 3],
    ]);
  });

  it('counts transcript terms once per occurrence, lower-cased, without stopwords', () => {
    expect(termsOf('The GPU, the gpu and Überlänge — ok?')).toEqual(['gpu', 'gpu', 'überlänge']);
    const [delta] = rollupDeltas(
      [{ ...base, id: 't', at: '2026-01-05T10:00:00Z', type: 'transcript.text', transcriptId: 't1', text: 'GPU gpu' }],
      'day',
    );
    expect(delta).toMatchObject({ metric: 'term', dims: ['gpu', '', ''], count: 2, sum: 2 });
  });
});

describe('GPU wait histogram', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1.5, 2],
    [51, 100],
    [3_600_001, Number.POSITIVE_INFINITY],
  ])('puts a wait of %s ms in the bucket up to %s ms', (wait, bound) => {
    expect(waitBucketOf(wait)).toBe(bound);
  });

  it('reads quantiles as bucket bounds', () => {
    const bins = [
      { upperMs: 10, count: 90 },
      { upperMs: 1000, count: 10 },
    ];
    expect(quantileOf(bins, 0.5)).toBe(10);
    expect(quantileOf(bins, 0.95)).toBe(1000);
    expect(quantileOf([], 0.5)).toBeUndefined();
  });
});
