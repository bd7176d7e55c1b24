import type { BatcherOptions } from './batcher.js';
import { emotionPrototypes, type EmotionLabel } from './emotion-prototypes.js';
import { DEFAULT_EMBEDDING_MODEL, versionOf, type ServeOptions } from './embeddings.js';
import { ModelServer, type BatchModel, type Loader } from './model-server.js';
import { SentenceEncoder, cosine, type EncoderOptions } from './sentence-encoder.js';

export interface EmotionResult {
  readonly label: EmotionLabel;
  /** Softmax over label similarities. */
  readonly scores: Readonly<Record<EmotionLabel, number>>;
}

/** Sharpens cosine similarities into probabilities. */
const TEMPERATURE = 0.05;

function centroid(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) v.forEach((x, i) => (out[i] = (out[i] as number) + x));
  const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
  return out.map((x) => x / norm);
}

/** Nearest-centroid emotion classifier over sentence embeddings. */
export class EmotionClassifier implements BatchModel<string, EmotionResult> {
  private constructor(
    readonly encoder: SentenceEncoder,
    private readonly centroids: readonly (readonly [EmotionLabel, Float32Array])[],
  ) {}

  static async load(base = DEFAULT_EMBEDDING_MODEL, options: EncoderOptions = {}): Promise<EmotionClassifier> {
    const encoder = await SentenceEncoder.load(base, options);
    const centroids: [EmotionLabel, Float32Array][] = [];
    for (const [label, texts] of Object.entries(emotionPrototypes) as [EmotionLabel, readonly string[]][]) {
      centroids.push([label, centroid(await encoder.run([...texts]))]);
    }
    return new EmotionClassifier(encoder, centroids);
  }

  async run(texts: string[]): Promise<EmotionResult[]> {
    const vectors = await this.encoder.run(texts);
    return vectors.map((v) => this.classify(v));
  }

  private classify(vec: Float32Array): EmotionResult {
    const sims = this.centroids.map(([label, c]) => [label, cosine(vec, c)] as const);
    const max = Math.max(...sims.map(([, s]) => s));
    const exps = sims.map(([label, s]) => [label, Math.exp((s - max) / TEMPERATURE)] as const);
    const total = exps.reduce((sum, [, e]) => sum + e, 0);
    const scores = Object.fromEntries(exps.map(([label, e]) => [label, e / total])) as Record<EmotionLabel, number>;
    const best = sims.reduce((a, b) => (b[1] > a[1] ? b : a));
    return { label: best[0], scores };
  }

  dispose(): Promise<void> {
    return this.encoder.dispose();
  }
}

export function emotionLoader(
  base = DEFAULT_EMBEDDING_MODEL,
  options: ServeOptions = {},
): Loader<string, EmotionResult> {
  return async () => {
    const model = await EmotionClassifier.load(base, options);
    return { model, version: `emotion-minilm-prototypes/${versionOf(model.encoder)}` };
  };
}

export function startEmotion(
  options: ServeOptions & { batch?: Partial<BatcherOptions> } = {},
): Promise<ModelServer<string, EmotionResult>> {
  return ModelServer.start(emotionLoader(DEFAULT_EMBEDDING_MODEL, options), {
    batch: { name: 'emotion', maxBatchSize: 32, maxQueue: 512, ...options.batch },
    warmup: ['Warm-up text for the emotion classifier.'],
  });
}
