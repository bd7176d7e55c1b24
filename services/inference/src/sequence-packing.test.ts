import { describe, expect, it } from 'vitest';
import { assignRows, MASKED, packSequences } from './sequence-packing.js';

describe('assignRows', () => {
  it('fills rows first-fit by decreasing length, within capacity', () => {
    expect(assignRows([3, 7, 5, 2, 4], 10)).toEqual([[1, 0], [2, 4], [3]]);
  });

  it('gives a sequence as long as the capacity a row of its own', () => {
    expect(assignRows([10, 1, 10], 10)).toEqual([[0], [2], [1]]);
  });
});

describe('packSequences', () => {
  const batch = packSequences(
    [
      [101, 7, 102],
      [101, 102],
      [101, 8, 9, 102],
    ],
    6,
  );
  const bias = (row: number, q: number, k: number) => batch.bias[(row * batch.cols + q) * batch.cols + k];

  it('lays sequences back to back, positions counting from 0 in each', () => {
    expect([batch.rows, batch.cols]).toEqual([2, 6]);
    expect(batch.spans).toEqual([
      { row: 1, start: 0, length: 3 },
      { row: 0, start: 4, length: 2 },
      { row: 0, start: 0, length: 4 },
    ]);
    expect([...batch.ids.slice(0, 6)].map(Number)).toEqual([101, 8, 9, 102, 101, 102]);
    expect([...batch.positions.slice(0, 6)].map(Number)).toEqual([0, 1, 2, 3, 0, 1]);
    expect([...batch.ids.slice(6)].map(Number)).toEqual([101, 7, 102, 0, 0, 0]);
  });

  it('lets each sequence see only itself', () => {
    expect(bias(0, 0, 3)).toBe(0);
    expect(bias(0, 3, 4)).toBe(MASKED);
    expect(bias(0, 4, 0)).toBe(MASKED);
    expect(bias(0, 4, 5)).toBe(0);
  });

  it('keeps padding to itself, so no real token sees it and no padding row is empty', () => {
    expect(bias(1, 2, 3)).toBe(MASKED);
    expect(bias(1, 3, 2)).toBe(MASKED);
    expect(bias(1, 3, 5)).toBe(0);
  });
});
