/** Where one sequence's tokens lie in a batch's output: a row, and a run of columns in it. */
export interface Span {
  readonly row: number;
  readonly start: number;
  readonly length: number;
}

/**
 * Sentence vectors from a batch's token vectors [rows, cols, dims]: the mean
 * over each span, L2-normalised (the sentence-transformers pooling).
 */
export function meanPoolSpans(
  hidden: Float32Array,
  spans: readonly Span[],
  cols: number,
  dims: number,
): Float32Array[] {
  return spans.map(({ row, start, length }) => {
    const vec = new Float32Array(dims);
    for (let t = 0; t < length; t++) {
      const base = (row * cols + start + t) * dims;
      for (let d = 0; d < dims; d++) vec[d] = (vec[d] as number) + (hidden[base + d] as number);
    }
    return normalizeMean(vec, length);
  });
}

function normalizeMean(sum: Float32Array, count: number): Float32Array {
  let norm = 0;
  for (let d = 0; d < sum.length; d += 1) {
    const v = (sum[d] as number) / Math.max(count, 1);
    sum[d] = v;
    norm += v * v;
  }
  const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
  for (let d = 0; d < sum.length; d += 1) sum[d] = (sum[d] as number) * scale;
  return sum;
}
