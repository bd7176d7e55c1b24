import { badRequest } from '@nemo/common';
import { startEmotion, type EmotionResult, type ModelServer } from '@nemo/inference';
import { type EmotionScores, LABEL_MAPS, toPlatformScores, type Emotion } from './labels.js';
import { prepareInput } from './truncate.js';

export interface Classification extends EmotionScores {
  truncated: boolean;
  analyzedChars: number;
}

/** What the service needs from a model: label probabilities per text, in the model's own labels. */
export interface EmotionModel {
  readonly name: string;
  scores(texts: readonly string[]): Promise<Readonly<Record<string, number>>[]>;
  close(): Promise<void>;
}

/** The emotion model of @nemo/inference (micro-batched, warmed up, verified files). */
export class InferenceEmotionModel implements EmotionModel {
  readonly name = 'emotion-minilm-prototypes';
  private constructor(private readonly server: ModelServer<string, EmotionResult>) {}

  static async start(modelsDir?: string): Promise<InferenceEmotionModel> {
    return new InferenceEmotionModel(await startEmotion(modelsDir ? { dir: modelsDir } : {}));
  }

  scores(texts: readonly string[]): Promise<Record<string, number>[]> {
    return Promise.all(texts.map(async (t) => ({ ...(await this.server.infer(t)).scores })));
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** Classifies texts into the platform's labels; empty text is the caller's error. */
export class EmotionClassifier {
  private readonly mapping: Readonly<Record<string, Emotion>>;

  constructor(readonly model: EmotionModel) {
    const mapping = LABEL_MAPS[model.name];
    if (!mapping) throw new Error(`No label mapping for emotion model ${model.name}`);
    this.mapping = mapping;
  }

  async classify(texts: readonly string[]): Promise<Classification[]> {
    const prepared = texts.map(prepareInput);
    const empty = prepared.findIndex((p) => p.text === '');
    if (empty >= 0) throw badRequest(`Text ${empty} is empty; send at least one non-blank character per text.`);
    const scores = await this.model.scores(prepared.map((p) => p.text));
    return scores.map((s, i) => ({
      ...toPlatformScores(this.mapping, s),
      truncated: prepared[i]!.truncated,
      analyzedChars: prepared[i]!.text.length,
    }));
  }
}
