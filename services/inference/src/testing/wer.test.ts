import { describe, expect, it } from 'vitest';
import { normalizeWords, wer, wordErrors } from './wer.js';

describe('word error rate', () => {
  it('normalizes case and punctuation', () => {
    expect(normalizeWords("Don't stop, Bob!  It's 5 o'clock.")).toEqual([
      "don't",
      'stop',
      'bob',
      "it's",
      '5',
      "o'clock",
    ]);
  });

  it('counts substitutions, deletions and insertions', () => {
    expect(wordErrors(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(wordErrors(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(1);
    expect(wordErrors(['a', 'b', 'c'], ['a', 'c'])).toBe(1);
    expect(wordErrors(['a', 'b', 'c'], ['a', 'b', 'c', 'd', 'e'])).toBe(2);
    expect(wordErrors([], ['a'])).toBe(1);
  });

  it('pools errors over a corpus', () => {
    expect(
      wer([
        { reference: 'one two three four', hypothesis: 'one two three four' },
        { reference: 'five six', hypothesis: 'five seven' },
      ]),
    ).toBeCloseTo(1 / 6);
  });
});
