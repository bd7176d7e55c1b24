import { describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS, prepareInput } from './truncate.js';

describe('input preparation', () => {
  it('keeps short text whole, folding whitespace', () => {
    expect(prepareInput('  so   happy\n today ')).toEqual({ text: 'so happy today', truncated: false });
  });

  it('cuts long text at a word boundary within the limit and says so', () => {
    const { text, truncated } = prepareInput('word '.repeat(500));
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(MAX_INPUT_CHARS);
    expect(text.endsWith('word')).toBe(true);
  });
});
