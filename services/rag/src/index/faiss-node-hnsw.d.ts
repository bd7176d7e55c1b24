// hack/faiss-node/0002-hnsw-parameters.patch adds this method to the addon;
// the published typings don't know it.
import 'faiss-node';

declare module 'faiss-node' {
  interface Index {
    /** HNSW only: `efConstruction` (before adding) or `efSearch`. Throws for other indexes. */
    setHnswParameter(name: 'efConstruction' | 'efSearch', value: number): void;
  }
}
