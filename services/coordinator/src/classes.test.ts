import { describe, expect, it } from 'vitest';
import { headStarts } from './classes.js';

describe('headStarts', () => {
  it.each([
    [{ realtime: 100, interactive: 50, batch: 10 }, 9000, { realtime: 9000, interactive: 4000, batch: 0 }],
    [{ realtime: 3, interactive: 2, batch: 1 }, 1000, { realtime: 1000, interactive: 500, batch: 0 }],
    [{ realtime: 5, interactive: 5, batch: 5 }, 1000, { realtime: 0, interactive: 0, batch: 0 }],
    [{ realtime: 1, interactive: 10, batch: 1 }, 800, { realtime: 0, interactive: 800, batch: 0 }],
  ])('maps priorities %j over a %i ms window', (priorities, window, expected) => {
    expect(headStarts(priorities, window)).toEqual(expected);
  });
});
