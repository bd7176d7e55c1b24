import { describe, expect, it } from 'vitest';
import { fitRunCost, planCalls, type RunCost } from './padding-plan.js';

const cost = (perCall: number, perPosition = 1): RunCost => ({ perCall, perPosition });

/** The time the cost model predicts for a plan. */
function predicted(lengths: number[], groups: number[][], c: RunCost): number {
  return groups.reduce((t, g) => t + c.perCall + g.length * Math.max(...g.map((i) => lengths[i]!)) * c.perPosition, 0);
}

describe('planCalls', () => {
  it.each([
    { name: 'equal lengths: one call', lengths: [10, 10, 10, 10], c: cost(5), calls: 1 },
    { name: 'a free call: one call per distinct length', lengths: [3, 9, 3, 9, 5], c: cost(0), calls: 3 },
    { name: 'a dear call: one call whatever the padding', lengths: [2, 128, 7], c: cost(10_000), calls: 1 },
    { name: 'one long row among short ones: two calls', lengths: [8, 9, 128, 10, 8, 9, 10, 8], c: cost(12), calls: 2 },
  ])('$name', ({ lengths, c, calls }) => {
    const groups = planCalls(lengths, c);
    expect(groups).toHaveLength(calls);
    expect(groups.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
  });

  it('never predicts more time than one padded call, and matches an exhaustive search', () => {
    const lengths = [7, 31, 12, 64, 9, 33, 15, 60];
    const c = cost(40);
    const groups = planCalls(lengths, c);
    expect(predicted(lengths, groups, c)).toBeLessThanOrEqual(predicted(lengths, [lengths.map((_, i) => i)], c));
    // Every split of the sorted rows into contiguous runs: 2^(n-1) of them.
    const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]!);
    let best = Infinity;
    for (let mask = 0; mask < 1 << (order.length - 1); mask++) {
      const split: number[][] = [[order[0]!]];
      for (let k = 1; k < order.length; k++) {
        if (mask & (1 << (k - 1))) split.push([]);
        split.at(-1)!.push(order[k]!);
      }
      best = Math.min(best, predicted(lengths, split, c));
    }
    expect(predicted(lengths, groups, c)).toBeCloseTo(best, 9);
  });

  it('plans nothing for an empty batch', () => {
    expect(planCalls([], cost(1))).toEqual([]);
  });
});

describe('fitRunCost', () => {
  it('recovers the per-call and per-position costs from two shapes', () => {
    const c = fitRunCost({ positions: 8, ms: 1.5 + 8 * 0.1 }, { positions: 256, ms: 1.5 + 256 * 0.1 });
    expect(c.perCall).toBeCloseTo(1.5, 9);
    expect(c.perPosition).toBeCloseTo(0.1, 9);
  });

  it('stays non-negative when noise makes the larger shape look cheaper', () => {
    const c = fitRunCost({ positions: 8, ms: 3 }, { positions: 256, ms: 2 });
    expect(c.perPosition).toBeGreaterThan(0);
    expect(c.perCall).toBeGreaterThanOrEqual(0);
  });
});
