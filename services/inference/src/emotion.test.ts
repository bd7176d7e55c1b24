import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmotion } from './emotion.js';
import type { ModelServer } from './model-server.js';
import type { EmotionResult } from './emotion.js';
import { labelledSentences } from './testdata/emotion-sentences.js';

// Project-built classifier (nearest label centroid) on the real all-MiniLM-L6-v2
// weights: no registry here carries a text-emotion model (models/README.md).
describe('emotion on all-MiniLM-L6-v2 prototypes (real embedding weights)', { timeout: 60_000 }, () => {
  let server: ModelServer<string, EmotionResult>;
  beforeAll(async () => {
    server = await startEmotion();
  }, 120_000);
  afterAll(() => server.close());

  it('labels at least 80% of 40 hand-labelled sentences correctly', async () => {
    const results = await Promise.all(labelledSentences.map(([text]) => server.infer(text)));
    const wrong = labelledSentences.filter(([, label], i) => results[i]!.label !== label);
    const accuracy = 1 - wrong.length / labelledSentences.length;
    console.log(
      `[emotion] accuracy ${(accuracy * 100).toFixed(1)}% on ${labelledSentences.length} sentences; wrong: ${JSON.stringify(wrong)}`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('returns a probability per label', async () => {
    const r = await server.infer('I am so happy for you!');
    expect(r.label).toBe('joy');
    const total = Object.values(r.scores).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 5);
  });
});
