import { OLD_HISTOGRAM_BUCKETS, sketchOf, type GraphRecord, type LatencySketch, type MapNodeRef, type Measurements } from '@stitch/graph';

// The service map's buckets as both stores keep them: one row per (minute, kind, from, to,
// connection) per flush, the latency sketch as two parallel arrays (its non-empty buckets and
// their counts), summed bucket by bucket in SQL (ClickHouse's sumMap; DuckDB unnests and groups).
// A window's read names its aggregates as below (newest_* labels, total_* sums,
// first_bucket_start_ms, some_examples, sketch_buckets and sketch_counts): ClickHouse substitutes
// an alias wherever its name appears, so they differ from the columns they are made of.

/**
 * The 62 columns (h0 … h61) of the 25 %-wide latency histogram that stores made before the
 * sketch: only migrations name them, converting each bucket into the sketch bucket of its midpoint.
 */
export const OLD_HISTOGRAM_COLUMNS = OLD_HISTOGRAM_BUCKETS.map((_, i) => `h${i}`);

/** A bucket and its count packed in one integer (bucket × 2^40 + count, exact in a double): how DuckDB hands a sketch back. */
export const SKETCH_PAIR_SHIFT = 2 ** 40;

/**
 * The summed sketch of a read row: sketch_buckets and sketch_counts (arrays), or sketch_pairs
 * (text: packed pairs, comma-separated); in any order, repeats added up.
 */
export function sketchOfRow(row: Record<string, unknown>): LatencySketch {
  if (typeof row.sketch_pairs === 'string') {
    const pairs = row.sketch_pairs === '' ? [] : row.sketch_pairs.split(',').map(Number);
    return sketchOf(
      pairs.map((pair) => Math.floor(pair / SKETCH_PAIR_SHIFT)),
      pairs.map((pair) => pair % SKETCH_PAIR_SHIFT),
    );
  }
  const numbers = (value: unknown) => ((value ?? []) as unknown[]).map(Number);
  return sketchOf(numbers(row.sketch_buckets), numbers(row.sketch_counts));
}

/** The total_* sums of a window's row (the service map's and the span metrics' alike). */
export function measurementsOf(row: Record<string, unknown>): Measurements {
  return {
    count: Number(row.total_requests),
    errors: Number(row.total_errors),
    faults: Number(row.total_faults),
    throttles: Number(row.total_throttles),
    latencySumNanos: BigInt(row.total_latency_sum_ns as bigint | string),
    latency: sketchOfRow(row),
  };
}

/** A window's row, added up per node and edge, as a record. Numbers as the driver hands them back (bigint, number or decimal string). */
export function graphRecordOf(row: Record<string, unknown>): GraphRecord {
  const side = (prefix: 'from' | 'to'): MapNodeRef | null =>
    row[`${prefix}_service`] === null
      ? null
      : {
          account: row[`${prefix}_account`] as string,
          accountLabel: row[`newest_${prefix}_account_label`] as string,
          service: row[`${prefix}_service`] as string,
          inferred: row[`${prefix}_inferred`] as MapNodeRef['inferred'],
          label: row[`newest_${prefix}_label`] as string,
        };
  return {
    bucketStartMs: Number(row.first_bucket_start_ms),
    kind: row.kind as GraphRecord['kind'],
    connection: row.connection as GraphRecord['connection'],
    from: side('from'),
    to: side('to')!,
    measurements: measurementsOf(row),
    roots: Number(row.total_roots),
    examples: row.some_examples as string[],
  };
}
