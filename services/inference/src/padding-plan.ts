/**
 * How long one runtime call takes for a padded batch, as measured on the
 * loaded model: a fixed cost per call plus a cost per padded token position.
 * Both are in milliseconds.
 */
export interface RunCost {
  readonly perCall: number;
  readonly perPosition: number;
}

/**
 * Splits a batch of token sequences into runtime calls so that the predicted
 * time is least. One call pads every row to the longest; sequences of mixed
 * lengths waste work on padding, while each extra call pays the fixed cost
 * again. With the rows sorted by length the best split is a set of
 * contiguous runs, found exactly by dynamic programming (n is at most the
 * batch size, so n² steps are nothing).
 *
 * Returns groups of indices into `lengths`, each group one call.
 */
export function planCalls(lengths: readonly number[], cost: RunCost): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
  const sorted = order.map((i) => lengths[i] as number);
  const n = sorted.length;
  // best[j]: least time for the j shortest rows; cut[j]: where its last call starts.
  const best = new Float64Array(n + 1);
  const cut = new Int32Array(n + 1);
  for (let j = 1; j <= n; j++) {
    best[j] = Infinity;
    const longest = sorted[j - 1] as number;
    for (let i = 0; i < j; i++) {
      const time = (best[i] as number) + cost.perCall + (j - i) * longest * cost.perPosition;
      if (time < (best[j] as number)) {
        best[j] = time;
        cut[j] = i;
      }
    }
  }
  const groups: number[][] = [];
  for (let j = n; j > 0; j = cut[j] as number) groups.unshift(order.slice(cut[j], j));
  return groups;
}

/** The two-term cost from timings of two batch shapes (positions = rows × padded length). */
export function fitRunCost(
  small: { positions: number; ms: number },
  large: { positions: number; ms: number },
): RunCost {
  const perPosition = Math.max((large.ms - small.ms) / Math.max(large.positions - small.positions, 1), 1e-6);
  return { perCall: Math.max(small.ms - small.positions * perPosition, 0), perPosition };
}
