/** The one label set the platform reports, whatever model runs underneath. */
export const EMOTION_LABELS = ['joy', 'sadness', 'anger', 'fear', 'surprise', 'disgust', 'neutral'] as const;
export type Emotion = (typeof EMOTION_LABELS)[number];

/**
 * How each model's labels map onto the platform's set. A model label that
 * is missing here is an error at start-up, never a silent drop.
 *
 * - emotion-minilm-prototypes (the model used here, @nemo/inference): six of
 *   the seven labels; it has no disgust prototypes, so disgust scores 0.
 * - go-emotions (27 labels + neutral, the usual fine-tuned production
 *   classifiers): the Ekman grouping published with the dataset
 *   (Demszky et al., 2020, table 2).
 */
export const LABEL_MAPS: Readonly<Record<string, Readonly<Record<string, Emotion>>>> = {
  'emotion-minilm-prototypes': {
    joy: 'joy',
    sadness: 'sadness',
    anger: 'anger',
    fear: 'fear',
    surprise: 'surprise',
    neutral: 'neutral',
  },
  'go-emotions': {
    admiration: 'joy',
    amusement: 'joy',
    approval: 'joy',
    caring: 'joy',
    desire: 'joy',
    excitement: 'joy',
    gratitude: 'joy',
    joy: 'joy',
    love: 'joy',
    optimism: 'joy',
    pride: 'joy',
    relief: 'joy',
    sadness: 'sadness',
    disappointment: 'sadness',
    embarrassment: 'sadness',
    grief: 'sadness',
    remorse: 'sadness',
    anger: 'anger',
    annoyance: 'anger',
    disapproval: 'anger',
    fear: 'fear',
    nervousness: 'fear',
    surprise: 'surprise',
    realization: 'surprise',
    confusion: 'surprise',
    curiosity: 'surprise',
    disgust: 'disgust',
    neutral: 'neutral',
  },
};

export interface EmotionScores {
  label: Emotion;
  score: number;
  /** Every platform label, summing to 1. */
  scores: Record<Emotion, number>;
}

/** Folds a model's label probabilities into the platform's labels. */
export function toPlatformScores(
  mapping: Readonly<Record<string, Emotion>>,
  modelScores: Readonly<Record<string, number>>,
): EmotionScores {
  const scores = Object.fromEntries(EMOTION_LABELS.map((l) => [l, 0])) as Record<Emotion, number>;
  for (const [modelLabel, p] of Object.entries(modelScores)) {
    const label = mapping[modelLabel];
    if (!label) throw new Error(`Model label ${modelLabel} has no platform mapping`);
    scores[label] += p;
  }
  const [label, score] = (Object.entries(scores) as [Emotion, number][]).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { label, score, scores };
}
