import type { BatcherOptions } from './batcher.js';
import type { ResolveOptions } from './catalog.js';
import { ModelServer, type Loader } from './model-server.js';
import type { RuntimeOptions } from './ort-session.js';
import { SentenceEncoder } from './sentence-encoder.js';

export const DEFAULT_EMBEDDING_MODEL = 'all-minilm-l6-v2';

export interface ServeOptions extends ResolveOptions, RuntimeOptions {
  readonly batch?: Partial<BatcherOptions>;
}

export type EmbeddingServer = ModelServer<string, Float32Array>;

/** The version string of a loaded model: name and the head of its first file's checksum. */
export function versionOf(encoder: SentenceEncoder): string {
  const head = encoder.resolved.model.files[0]?.sha256.slice(0, 12) ?? 'none';
  return `${encoder.resolved.model.name}@${head}:${encoder.resolved.dir}`;
}

export function embeddingsLoader(name: string, options: ServeOptions = {}): Loader<string, Float32Array> {
  return async () => {
    const encoder = await SentenceEncoder.load(name, options);
    return { model: encoder, version: versionOf(encoder) };
  };
}

/** Starts the embeddings server: verified files, warm-up, micro-batching, bounded queue. */
export function startEmbeddings(name = DEFAULT_EMBEDDING_MODEL, options: ServeOptions = {}): Promise<EmbeddingServer> {
  return ModelServer.start(embeddingsLoader(name, options), {
    batch: { name: 'embeddings', maxBatchSize: 32, maxQueue: 512, ...options.batch },
    warmup: ['Warm-up sentence for the embedding model.'],
  });
}
