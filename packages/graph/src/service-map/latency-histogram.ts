// Latency as a fixed-bucket histogram: buckets of one map add up into any window's, so
// percentiles of a window come from merged counts, never from averaged percentiles.

/** Upper bounds: 0.1 ms × 1.25^i up to ~65 s (each bucket 25 % wide), then one overflow bucket. */
export const LATENCY_BOUNDS_NANOS: readonly bigint[] = Array.from({ length: 61 }, (_, i) => BigInt(Math.round(100_000 * 1.25 ** i)));
export const LATENCY_BUCKETS = LATENCY_BOUNDS_NANOS.length + 1;

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKETS).fill(0);
}

/** The bucket holding a duration: the first whose upper bound is at least the duration. */
export function bucketOf(durationNanos: bigint): number {
  let low = 0;
  let high = LATENCY_BOUNDS_NANOS.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (LATENCY_BOUNDS_NANOS[middle]! >= durationNanos) high = middle;
    else low = middle + 1;
  }
  return low;
}

export function addInto(target: number[], source: readonly number[]): void {
  for (let i = 0; i < target.length; i++) target[i]! += source[i] ?? 0;
}

/**
 * The q-quantile (0..1) as the upper bound of the bucket holding the nearest-rank value, so the
 * true value lies in (the bucket's lower bound, the answer]; null when empty. The overflow
 * bucket answers with its lower bound.
 */
export function quantileOf(histogram: readonly number[], q: number): bigint | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return LATENCY_BOUNDS_NANOS[Math.min(i, LATENCY_BOUNDS_NANOS.length - 1)]!;
  }
  return LATENCY_BOUNDS_NANOS[LATENCY_BOUNDS_NANOS.length - 1]!;
}
