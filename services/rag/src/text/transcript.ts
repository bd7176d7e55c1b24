import type { Chunk } from '../model.js';
import { type ChunkingOptions, DEFAULT_CHUNKING, packSpans, sentenceSpans, type Span } from './chunker.js';

export interface TranscriptSegment {
  speaker: string;
  /** Seconds from the start of the recording. */
  start: number;
  end: number;
  text: string;
}

interface SegmentSpan extends Span {
  segment: TranscriptSegment;
}

/**
 * A transcript becomes one line per segment, `Speaker: text`, and chunks
 * are whole segments (a long one is cut at sentences), so every chunk knows
 * who spoke and when.
 */
export function chunkTranscript(
  segments: readonly TranscriptSegment[],
  options: ChunkingOptions = DEFAULT_CHUNKING,
): { text: string; chunks: Chunk[] } {
  const { text, spans } = layOut(segments, options.maxChars);
  const chunks = packSpans(spans, options).map(({ first, last, start, end }, ordinal): Chunk => {
    const covered = spans.slice(first, last + 1).map((s) => s.segment);
    return {
      ordinal,
      start,
      end,
      text: text.slice(start, end),
      speakers: [...new Set(covered.map((s) => s.speaker))],
      startSeconds: Math.min(...covered.map((s) => s.start)),
      endSeconds: Math.max(...covered.map((s) => s.end)),
    };
  });
  return { text, chunks };
}

function layOut(segments: readonly TranscriptSegment[], maxChars: number): { text: string; spans: SegmentSpan[] } {
  let text = '';
  const spans: SegmentSpan[] = [];
  for (const segment of segments) {
    const body = segment.text.replace(/\s+/g, ' ').trim();
    if (body === '') continue;
    if (text !== '') text += '\n';
    const lineStart = text.length;
    text += `${segment.speaker}: ${body}`;
    const line = text.slice(lineStart);
    const pieces = line.length <= maxChars ? [{ start: 0, end: line.length }] : sentenceSpans(line, maxChars);
    for (const p of pieces) spans.push({ start: lineStart + p.start, end: lineStart + p.end, segment });
  }
  return { text, spans };
}
