import type { Chunk } from '../model.js';

export interface ChunkingOptions {
  /** Upper bound on a chunk's length in characters: 480 stays within the embedding model's 128 word pieces. */
  maxChars: number;
  /** How much trailing text of a chunk is repeated at the start of the next one. */
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxChars: 480, overlapChars: 120 };

export interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Sentence spans (trimmed) of `text`; a sentence longer than `maxChars` is cut at word boundaries. */
export function sentenceSpans(text: string, maxChars: number): Span[] {
  const spans: Span[] = [];
  for (const { index, segment } of segmenter.segment(text)) {
    const lead = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (trimmed === '') continue;
    spans.push(...splitLong({ start: index + lead, end: index + lead + trimmed.length }, text, maxChars));
  }
  return spans;
}

function splitLong(span: Span, text: string, maxChars: number): Span[] {
  const out: Span[] = [];
  let start = span.start;
  while (span.end - start > maxChars) {
    const cut = text.lastIndexOf(' ', start + maxChars);
    const end = cut > start ? cut : start + maxChars;
    out.push({ start, end });
    start = end;
    while (text[start] === ' ') start++;
  }
  out.push({ start, end: span.end });
  return out;
}

/**
 * Packs whole sentences into chunks of at most `maxChars`, and starts each
 * chunk with the last sentences of the previous one (up to `overlapChars`)
 * so that an answer spanning a boundary is still found in one chunk.
 */
export function chunkText(text: string, options: ChunkingOptions = DEFAULT_CHUNKING): Chunk[] {
  return packSpans(sentenceSpans(text, options.maxChars), options).map(({ start, end }, ordinal) => ({
    ordinal,
    start,
    end,
    text: text.slice(start, end),
  }));
}

export interface PackedChunk {
  /** Indices of the first and last span in the chunk. */
  first: number;
  last: number;
  start: number;
  end: number;
}

/** Groups consecutive spans into chunks with overlap; the building block for documents and transcripts. */
export function packSpans(spans: readonly Span[], options: ChunkingOptions): PackedChunk[] {
  const chunks: PackedChunk[] = [];
  let first = 0;
  while (first < spans.length) {
    const last = lastFitting(spans, first, options.maxChars);
    chunks.push({ first, last, start: spans[first]!.start, end: spans[last]!.end });
    if (last === spans.length - 1) break;
    first = overlapStart(spans, first, last, options.overlapChars);
  }
  return chunks;
}

function lastFitting(sentences: readonly Span[], first: number, maxChars: number): number {
  let last = first;
  const start = sentences[first]!.start;
  while (last + 1 < sentences.length && sentences[last + 1]!.end - start <= maxChars) last++;
  return last;
}

/** The first sentence of the next chunk: back off from `last` while the overlap fits, always moving forward. */
function overlapStart(sentences: readonly Span[], first: number, last: number, overlapChars: number): number {
  let next = last + 1;
  const end = sentences[last]!.end;
  while (next - 1 > first && end - sentences[next - 1]!.start <= overlapChars) next--;
  return next;
}
