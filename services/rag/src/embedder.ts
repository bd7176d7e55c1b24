/** What the service needs from an embedding model. */
export interface Embedder {
  /** The model's name, reported in /v1/embeddings responses. */
  readonly model: string;
  readonly dimension: number;
  /** Unit-length vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
