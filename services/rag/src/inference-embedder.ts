import { startEmbeddings, type EmbeddingServer } from '@nemo/inference';
import type { Embedder } from './embedder.js';

/** The real embedding model, through @nemo/inference (verified files, warm-up, micro-batching). */
export class InferenceEmbedder implements Embedder {
  private constructor(
    readonly model: string,
    private readonly server: EmbeddingServer,
    readonly dimension: number,
  ) {}

  static async start(model: string, modelsDir?: string): Promise<InferenceEmbedder> {
    const server = await startEmbeddings(model, modelsDir ? { dir: modelsDir } : {});
    // The index is sized from what the model really returns, not from a setting that could disagree.
    const probe = await server.infer('Dimension probe.');
    return new InferenceEmbedder(model, server, probe.length);
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.all(texts.map((t) => this.server.infer(t)));
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
