import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS, type Emotion } from './labels.js';
import { summarizeBySpeaker, type SegmentResult } from './segments.js';

function result(speaker: string, start: number, end: number, label: Emotion): SegmentResult {
  const scores = Object.fromEntries(EMOTION_LABELS.map((l) => [l, l === label ? 1 : 0])) as Record<Emotion, number>;
  return { speaker, start, end, label, score: 1, scores, truncated: false, analyzedChars: 10 };
}

describe('per-speaker summary', () => {
  it('weights segments by duration', () => {
    const summary = summarizeBySpeaker([
      result('a', 0, 1, 'anger'),
      result('a', 1, 10, 'neutral'),
      result('b', 0, 2, 'joy'),
    ]);
    expect(summary['a']).toMatchObject({ label: 'neutral', segments: 2, seconds: 10 });
    expect(summary['a']!.scores.anger).toBeCloseTo(0.1);
    expect(summary['b']).toMatchObject({ label: 'joy', score: 1 });
  });
});
