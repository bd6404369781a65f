// Latency as a sparse log-bucket sketch (DDSketch-like): bucket k ≥ 1 holds the durations in
// [γ^(k−1), γ^k) nanoseconds with γ = 1.02, bucket 0 holds durations of 0. Sketches add up bucket
// by bucket, so any window's percentiles come from the summed counts of its minutes (in memory,
// or summed in SQL), never from averaged percentiles.
//
// Error bound: a percentile is answered with the lower bound of the bucket holding the
// nearest-rank duration, so it is never above the true value (nor above the slowest call) and
// less than 2 % below it (1 − 1/γ = 1.96 %). Every duration from 1 ns to 2^63 ns is covered:
// no overflow bucket (2,207 buckets in all, a factor of 10 spans 117 of them).
// Memory per series: two parallel arrays with one entry per non-empty bucket: at most ~120
// per factor of 10 of its durations (a series from 1 ms to 10 s: ≤ 466), never more than its
// requests; 16 bytes an entry in memory. Stored, before compression, 8 bytes an entry in DuckDB
// (INTEGER bucket and count) and 10 in ClickHouse (Int16 bucket, Int64 count).

export const LATENCY_GAMMA = 1.02;
/** The largest relative error of a percentile (answers are low by less than this). */
export const LATENCY_RELATIVE_ERROR = 1 - 1 / LATENCY_GAMMA;
const LOG_GAMMA = Math.log(LATENCY_GAMMA);

/** Non-empty buckets, ascending, and their counts (parallel arrays). */
export interface LatencySketch {
  buckets: number[];
  counts: number[];
}

export function emptySketch(): LatencySketch {
  return { buckets: [], counts: [] };
}

/** Bucket k's lowest duration (ns), k = 0 … 2,207 (one past the last bucket). */
const LOWER_NANOS = Float64Array.from({ length: 2_208 }, (_, k) => (k === 0 ? 0 : Math.ceil(LATENCY_GAMMA ** (k - 1))));

/** The lowest duration (ns) of bucket `k`; 0 for bucket 0. */
export function bucketLowerNanos(k: number): number {
  return k <= 0 ? 0 : (LOWER_NANOS[k] ?? Math.ceil(LATENCY_GAMMA ** (k - 1)));
}

/** The bucket holding a duration in nanoseconds (negative durations count as 0). */
export function sketchBucketOf(durationNanos: bigint | number): number {
  const nanos = Number(durationNanos);
  if (!(nanos >= 1)) return 0;
  let k = 1 + Math.floor(Math.log(nanos) / LOG_GAMMA);
  // Floating-point logs can land one off at a bucket's edge: the integer bounds decide.
  if (bucketLowerNanos(k) > nanos) k -= 1;
  else if (bucketLowerNanos(k + 1) <= nanos) k += 1;
  return k;
}

/** The bucket of the longest duration a span can have (2^63 − 1 ns): buckets are 0 … this. */
export const LATENCY_MAX_BUCKET = sketchBucketOf(2n ** 63n - 1n);

/** Adds `count` durations to bucket `k`, keeping the buckets sorted. */
export function addToSketch(sketch: LatencySketch, k: number, count = 1): void {
  const { buckets, counts } = sketch;
  let low = 0;
  let high = buckets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (buckets[middle]! < k) low = middle + 1;
    else high = middle;
  }
  if (buckets[low] === k) counts[low]! += count;
  else {
    buckets.splice(low, 0, k);
    counts.splice(low, 0, count);
  }
}

export function recordLatency(sketch: LatencySketch, durationNanos: bigint | number): void {
  addToSketch(sketch, sketchBucketOf(durationNanos));
}

/** `into` plus `from`, bucket by bucket (a merge of two sorted lists). */
export function mergeSketchInto(into: LatencySketch, from: LatencySketch): void {
  if (from.buckets.length === 0) return;
  if (into.buckets.length === 0) {
    into.buckets.push(...from.buckets);
    into.counts.push(...from.counts);
    return;
  }
  const buckets: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < into.buckets.length || j < from.buckets.length) {
    const a = into.buckets[i] ?? Infinity;
    const b = from.buckets[j] ?? Infinity;
    if (a === b) {
      buckets.push(a);
      counts.push(into.counts[i++]! + from.counts[j++]!);
    } else if (a < b) {
      buckets.push(a);
      counts.push(into.counts[i++]!);
    } else {
      buckets.push(b);
      counts.push(from.counts[j++]!);
    }
  }
  into.buckets = buckets;
  into.counts = counts;
}

/** A sketch from (bucket, count) pairs in any order, repeats added up (as a store reads them back). */
export function sketchOf(buckets: readonly number[], counts: readonly number[]): LatencySketch {
  const order = Array.from(buckets.keys()).sort((a, b) => buckets[a]! - buckets[b]!);
  const sketch = emptySketch();
  for (const i of order) {
    if (!(counts[i]! > 0)) continue;
    if (sketch.buckets.at(-1) === buckets[i]) sketch.counts[sketch.counts.length - 1]! += counts[i]!;
    else {
      sketch.buckets.push(buckets[i]!);
      sketch.counts.push(counts[i]!);
    }
  }
  return sketch;
}

export function sketchTotal(sketch: LatencySketch): number {
  let total = 0;
  for (const count of sketch.counts) total += count;
  return total;
}

/**
 * The q-quantile (0..1) in nanoseconds: the lower bound of the bucket holding the nearest-rank
 * duration, so 0 ≤ true − answer < 1.96 % of the true value; null when empty.
 */
export function quantileOf(sketch: LatencySketch, q: number): bigint | null {
  const total = sketchTotal(sketch);
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
  let seen = 0;
  for (let i = 0; i < sketch.buckets.length; i++) {
    seen += sketch.counts[i]!;
    if (seen >= rank) return BigInt(bucketLowerNanos(sketch.buckets[i]!));
  }
  return BigInt(bucketLowerNanos(sketch.buckets.at(-1)!));
}

/**
 * Durations at or under `thresholdNanos`: the buckets wholly under it, plus the bucket straddling
 * it pro rata (as if its durations were spread evenly). The answer lies between the exact counts
 * at thresholds 2 % lower and 2 % higher (the straddling bucket is 2 % wide), and is exact when
 * no duration falls within it.
 */
export function countAtOrUnder(sketch: LatencySketch, thresholdNanos: number): number {
  let good = 0;
  for (let i = 0; i < sketch.buckets.length; i++) {
    const k = sketch.buckets[i]!;
    const count = sketch.counts[i]!;
    if (k === 0) {
      if (thresholdNanos >= 0) good += count;
      continue;
    }
    const lower = bucketLowerNanos(k);
    const upper = bucketLowerNanos(k + 1);
    if (upper - 1 <= thresholdNanos) good += count;
    else {
      // Integer durations lower … upper − 1: the share of them at or under the threshold.
      if (thresholdNanos >= lower) good += (count * (Math.floor(thresholdNanos) - lower + 1)) / (upper - lower);
      break;
    }
  }
  return good;
}

/**
 * The bucket of this sketch holding the midpoint of a bucket of the 25 %-wide histogram of
 * earlier versions (upper bounds 0.1 ms × 1.25^i, i < 61, then one overflow bucket past ~65 s,
 * counted at its lower bound): how stores convert what those versions wrote.
 */
export function bucketOfOldHistogramBucket(i: number): number {
  const upper = (j: number) => Math.round(100_000 * 1.25 ** j);
  if (i >= 61) return sketchBucketOf(upper(60));
  const lower = i === 0 ? 0 : upper(i - 1);
  return sketchBucketOf(Math.round((lower + upper(i)) / 2));
}

/** The old histogram's 62 buckets in order: every bucket's new index (ascending, distinct). */
export const OLD_HISTOGRAM_BUCKETS: readonly number[] = Array.from({ length: 62 }, (_, i) => bucketOfOldHistogramBucket(i));
