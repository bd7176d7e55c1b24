import type { Span } from './pooling.js';

/**
 * Lays token sequences out for the packed graph (packed-graph.ts): several
 * sequences share a row, each seeing only itself through the attention bias
 * and counting positions from 0. Rows are filled first-fit by decreasing
 * length up to `capacity` tokens, then padded to the fullest row.
 *
 * Why a capacity: attention costs grow with the square of a row's length,
 * so packing everything into one long row would trade padding for attention
 * work. At 128 tokens the attention a token does over its row's other
 * sequences is about 5% of its share of the dense layers.
 */

/** What a query adds to its score for a key it must not see; the export's own value. */
export const MASKED = -3.4028234663852886e38;

export interface PackedBatch {
  readonly ids: BigInt64Array;
  readonly types: BigInt64Array;
  readonly positions: BigInt64Array;
  /** [rows, 1, cols, cols] */
  readonly bias: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** Where each input sequence lies, in input order. */
  readonly spans: readonly Span[];
}

/** Rows of sequence indices, first-fit by decreasing length. */
export function assignRows(lengths: readonly number[], capacity: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[b] as number) - (lengths[a] as number));
  const rows: number[][] = [];
  const fill: number[] = [];
  for (const i of order) {
    const length = lengths[i] as number;
    const row = fill.findIndex((used) => used + length <= capacity);
    if (row >= 0) {
      (rows[row] as number[]).push(i);
      fill[row] = (fill[row] as number) + length;
    } else {
      rows.push([i]);
      fill.push(length);
    }
  }
  return rows;
}

export function packSequences(seqs: readonly (readonly number[])[], capacity: number): PackedBatch {
  const rowsOf = assignRows(
    seqs.map((s) => s.length),
    capacity,
  );
  const cols = Math.max(1, ...rowsOf.map((row) => row.reduce((n, i) => n + (seqs[i] as number[]).length, 0)));
  const size = rowsOf.length * cols;
  const batch = {
    ids: new BigInt64Array(size),
    types: new BigInt64Array(size),
    positions: new BigInt64Array(size),
    bias: new Float32Array(size * cols).fill(MASKED),
    rows: rowsOf.length,
    cols,
  };
  const spans = new Array<Span>(seqs.length);
  rowsOf.forEach((members, row) => {
    let start = 0;
    for (const i of members) {
      const seq = seqs[i] as readonly number[];
      place(batch, row, start, seq);
      spans[i] = { row, start, length: seq.length };
      start += seq.length;
    }
    // Padding is a segment of its own, so no real token attends to it and
    // no padding query is left with nothing to attend to.
    unmask(batch, row, start, cols - start);
  });
  return { ...batch, spans };
}

type Layout = Omit<PackedBatch, 'spans'>;

function place(batch: Layout, row: number, start: number, seq: readonly number[]): void {
  const base = row * batch.cols + start;
  seq.forEach((id, p) => {
    batch.ids[base + p] = BigInt(id);
    batch.positions[base + p] = BigInt(p);
  });
  unmask(batch, row, start, seq.length);
}

/** Lets the queries of one segment see its keys (and only those). */
function unmask(batch: Layout, row: number, start: number, length: number): void {
  const { cols } = batch;
  for (let q = start; q < start + length; q++) {
    const at = (row * cols + q) * cols + start;
    batch.bias.fill(0, at, at + length);
  }
}
