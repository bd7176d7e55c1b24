import type { Classification } from './classifier.js';
import { EMOTION_LABELS, type Emotion } from './labels.js';

export interface Segment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

export interface SegmentResult extends Classification {
  speaker: string;
  start: number;
  end: number;
}

export interface SpeakerSummary {
  /** The label with the largest duration-weighted score over the speaker's segments. */
  label: Emotion;
  score: number;
  segments: number;
  /** Seconds spoken. */
  seconds: number;
  scores: Record<Emotion, number>;
}

/**
 * Per speaker, the mean of segment scores weighted by segment duration (a
 * long calm statement outweighs a short exclamation); zero-length segments
 * count as one second so they are not lost.
 */
export function summarizeBySpeaker(results: readonly SegmentResult[]): Record<string, SpeakerSummary> {
  const bySpeaker = new Map<string, SegmentResult[]>();
  for (const r of results) bySpeaker.set(r.speaker, [...(bySpeaker.get(r.speaker) ?? []), r]);
  return Object.fromEntries([...bySpeaker].map(([speaker, rs]) => [speaker, summarize(rs)]));
}

function summarize(results: readonly SegmentResult[]): SpeakerSummary {
  const weights = results.map((r) => Math.max(r.end - r.start, 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const scores = Object.fromEntries(
    EMOTION_LABELS.map((l) => [l, results.reduce((sum, r, i) => sum + r.scores[l] * weights[i]!, 0) / total]),
  ) as Record<Emotion, number>;
  const [label, score] = (Object.entries(scores) as [Emotion, number][]).reduce((a, b) => (b[1] > a[1] ? b : a));
  const seconds = results.reduce((sum, r) => sum + Math.max(r.end - r.start, 0), 0);
  return { label, score, segments: results.length, seconds, scores };
}
