/**
 * Upper bounds (ms) of the GPU-wait histogram: a 1-2-5 series up to an hour.
 * Percentiles read from it are exact to the bucket, which is what a
 * dashboard needs, and the histogram adds up across rollup rows.
 */
export const WAIT_BOUNDS_MS: readonly number[] = [1, 2, 5]
  .flatMap((m) => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000].map((scale) => m * scale))
  .filter((b) => b <= 3_600_000)
  .sort((a, b) => a - b);

/** The bucket a wait falls into: the smallest bound at or above it. */
export function waitBucketOf(waitMs: number): number {
  return WAIT_BOUNDS_MS.find((bound) => waitMs <= bound) ?? Number.POSITIVE_INFINITY;
}

export interface HistogramBin {
  upperMs: number;
  count: number;
}

/** The bound below which a fraction q of the waits fall; undefined with no waits. */
export function quantileOf(bins: readonly HistogramBin[], q: number): number | undefined {
  const sorted = [...bins].sort((a, b) => a.upperMs - b.upperMs);
  const total = sorted.reduce((n, b) => n + b.count, 0);
  if (total === 0) return undefined;
  let seen = 0;
  for (const bin of sorted) {
    seen += bin.count;
    if (seen >= q * total) return bin.upperMs;
  }
  return sorted.at(-1)?.upperMs;
}
