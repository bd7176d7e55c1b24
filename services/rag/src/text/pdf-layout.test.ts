import { describe, expect, it } from 'vitest';
import { pageText, type TextRun } from './pdf-layout.js';

/** A 12-point run at (x, y); its width is 6 points per character. */
const run = (str: string, x: number, y: number, hasEOL = false): TextRun => ({
  str,
  transform: [12, 0, 0, 12, x, y],
  width: str.length * 6,
  height: 12,
  hasEOL,
});

describe('pageText', () => {
  it.each<[string, TextRun[], string]>([
    ['ends lines where pdf.js saw an end of line', [run('one', 72, 700, true), run('two', 72, 686)], 'one\ntwo'],
    ['ends lines where the baseline changes', [run('one', 72, 700), run('two', 72, 686)], 'one\ntwo'],
    ['keeps pieces of a word together', [run('Hyd', 72, 700), run('rogen', 90, 700)], 'Hydrogen'],
    ['puts a space where runs leave a gap', [run('two', 72, 700), run('words', 100, 700)], 'two words'],
    ['adds no second space', [run('two ', 72, 700), run('words', 100, 700)], 'two words'],
    ['keeps a subscript on its line', [run('H', 72, 700), run('2', 78, 697), run('O', 84, 700)], 'H2O'],
    ['skips empty end-of-line markers', [run('a', 72, 700), run('', 78, 700, true), run('b', 72, 686)], 'a\nb'],
    [
      'starts a paragraph where the gap is wider than the usual line spacing',
      [run('a', 72, 700), run('b', 72, 686), run('c', 72, 672), run('d', 72, 640), run('e', 72, 626)],
      'a\nb\nc\n\nd\ne',
    ],
    [
      'treats evenly double-spaced lines as one paragraph',
      [run('a', 72, 700), run('b', 72, 672), run('c', 72, 644), run('d', 72, 616)],
      'a\nb\nc\nd',
    ],
    [
      'starts a paragraph at the top of the next column',
      [run('a', 72, 700), run('b', 72, 686), run('c', 320, 700), run('d', 320, 686)],
      'a\nb\n\nc\nd',
    ],
    ['judges a page of two lines by their font size', [run('Title', 72, 700), run('Body', 72, 650)], 'Title\n\nBody'],
  ])('%s', (_what, runs, expected) => {
    expect(pageText(runs)).toBe(expected);
  });

  it('is empty for a page without text', () => {
    expect(pageText([])).toBe('');
    expect(pageText([run(' ', 72, 700, true)])).toBe('');
  });
});
