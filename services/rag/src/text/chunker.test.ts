import { describe, expect, it } from 'vitest';
import { chunkText, sentenceSpans } from './chunker.js';
import { chunkTranscript } from './transcript.js';

const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} talks about topic ${i}.`);
const text = sentences.join(' ');

describe('chunking', () => {
  const chunks = chunkText(text, { maxChars: 200, overlapChars: 60 });

  it('cuts only at sentence boundaries and stays under the size limit', () => {
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(200);
      expect(c.text).toMatch(/^Sentence number \d+ .*\.$/);
      expect(text.slice(c.start, c.end)).toBe(c.text);
    }
  });

  it('repeats the last sentence of a chunk at the start of the next one', () => {
    for (let i = 1; i < chunks.length; i++) {
      const lastOfPrevious = chunks[i - 1]!.text.split(/(?<=\.) /).at(-1)!;
      expect(chunks[i]!.text.startsWith(lastOfPrevious)).toBe(true);
    }
  });

  it('covers the whole text', () => {
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(text.length);
  });

  it('cuts an over-long sentence at word boundaries', () => {
    const long = `${'word '.repeat(100).trim()}.`;
    const spans = sentenceSpans(long, 50);
    expect(spans.length).toBeGreaterThan(5);
    for (const s of spans) expect(long.slice(s.start, s.end)).toMatch(/^word( word)*\.?$/);
  });

  it('gives nothing for blank text', () => {
    expect(chunkText('  \n ')).toEqual([]);
  });
});

describe('transcript chunking', () => {
  const segments = [
    { speaker: 'Alice', start: 0, end: 4.5, text: 'Welcome to the budget review.' },
    { speaker: 'Bob', start: 4.5, end: 9, text: 'The marketing budget grew by ten percent.' },
    { speaker: 'Alice', start: 9, end: 12, text: 'Why did it grow?' },
    { speaker: 'Carol', start: 12, end: 20, text: 'We launched two campaigns in spring.' },
  ];

  it('keeps speaker and time metadata per chunk', () => {
    const { text: laid, chunks } = chunkTranscript(segments, { maxChars: 90, overlapChars: 30 });
    expect(laid.split('\n')[1]).toBe('Bob: The marketing budget grew by ten percent.');
    expect(chunks[0]).toMatchObject({ speakers: ['Alice', 'Bob'], startSeconds: 0, endSeconds: 9 });
    expect(chunks.at(-1)).toMatchObject({ speakers: ['Alice', 'Carol'], startSeconds: 9, endSeconds: 20 });
    for (const c of chunks) expect(laid.slice(c.start, c.end)).toBe(c.text);
  });
});
