import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const settings = (random: number) => ({ baseMs: 200, capMs: 60_000, random: () => random });

  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [9, 51_200],
    [10, 60_000],
    [500, 60_000],
  ])('attempt %i without jitter waits the full %i ms', (attempt, expected) => {
    expect(backoffDelay(attempt, settings(1))).toBe(expected);
  });

  it('jitter keeps the delay between half and all of the ceiling', () => {
    expect(backoffDelay(3, settings(0))).toBe(400);
    expect(backoffDelay(3, settings(0.5))).toBe(600);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(4);
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1600);
    }
  });
});
