import { EmotionLabel } from '@nemo/inference';
import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS, LABEL_MAPS, toPlatformScores } from './labels.js';

describe('label mapping', () => {
  it('covers every label of the model in use, and nothing else', () => {
    expect(Object.keys(LABEL_MAPS['emotion-minilm-prototypes']!).sort()).toEqual(Object.values(EmotionLabel).sort());
  });

  it('maps the GoEmotions labels onto all seven platform labels', () => {
    const mapping = LABEL_MAPS['go-emotions']!;
    expect(Object.keys(mapping)).toHaveLength(28);
    expect(new Set(Object.values(mapping))).toEqual(new Set(EMOTION_LABELS));
    expect(mapping['nervousness']).toBe('fear');
    expect(mapping['annoyance']).toBe('anger');
    expect(mapping['realization']).toBe('surprise');
  });

  it('sums model scores into platform labels and picks the largest', () => {
    const result = toPlatformScores(LABEL_MAPS['go-emotions']!, { annoyance: 0.3, anger: 0.2, joy: 0.4, neutral: 0.1 });
    expect(result.label).toBe('anger');
    expect(result.score).toBeCloseTo(0.5);
    expect(result.scores.disgust).toBe(0);
    expect(Object.values(result.scores).reduce((a, b) => a + b)).toBeCloseTo(1);
  });

  it('refuses a model label without a mapping', () => {
    expect(() => toPlatformScores(LABEL_MAPS['emotion-minilm-prototypes']!, { contempt: 1 })).toThrow(
      /contempt has no platform mapping/,
    );
  });
});
