import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000],
    ['720h', 2_592_000_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '15', 'm', '-5m', '1.5h', '15 m', '0s'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
