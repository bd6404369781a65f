import { nanos, type Nanos } from '@stitch/model';

/** Bucket bounds on a 1-2-5 scale from 100 µs to 500 s: readable labels, a bar per step of about 2×. */
export const HISTOGRAM_BOUNDS: readonly Nanos[] = [1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 2e9, 5e9, 1e10, 2e10, 5e10, 1e11, 2e11, 5e11].map((n) =>
  nanos(BigInt(n)),
);

/** counts[i] holds durations from bound i-1 (inclusive) to bound i (exclusive); the last bucket is open-ended. */
export interface DurationHistogram {
  boundsNanos: readonly Nanos[];
  counts: number[];
  total: number;
}

export function bucketOf(durationNanos: bigint): number {
  let bucket = 0;
  while (bucket < HISTOGRAM_BOUNDS.length && durationNanos >= HISTOGRAM_BOUNDS[bucket]!) bucket++;
  return bucket;
}

export function histogramOf(durations: Iterable<bigint>): DurationHistogram {
  const counts = new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0);
  let total = 0;
  for (const duration of durations) {
    counts[bucketOf(duration)]! += 1;
    total += 1;
  }
  return { boundsNanos: HISTOGRAM_BOUNDS, counts, total };
}

/** From counts per bucket index (what a store's GROUP BY returns). */
export function histogramFromCounts(rows: Iterable<{ bucket: number; count: number }>): DurationHistogram {
  const counts = new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0);
  let total = 0;
  for (const { bucket, count } of rows) {
    counts[bucket]! += count;
    total += count;
  }
  return { boundsNanos: HISTOGRAM_BOUNDS, counts, total };
}
