/** HNSW's accuracy/speed knobs; see hack/faiss-node/0002-hnsw-parameters.patch. */
export interface HnswParameters {
  /** Candidates kept while inserting: a better graph for a slower build. faiss's default is 40. */
  efConstruction: number;
  /** Candidates explored per query (at least k): recall for speed. */
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParameters = { efConstruction: 40, efSearch: 128 };
