import { LATENCY_BUCKETS, type GraphRecord, type MapNodeRef, type Measurements } from '@stitch/graph';

// The service map's buckets as both stores keep them: one row per (minute, kind, from, to,
// connection) per flush, the latency histogram one column per bucket (h0 … h61), so summing a
// window of minutes stays a plain GROUP BY. A window's read names its aggregates as below
// (newest_* labels, total_* sums, first_bucket_start_ms, some_examples): ClickHouse substitutes
// an alias wherever its name appears, so they differ from the columns they are made of.

export const HISTOGRAM_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `h${i}`);

/** The total_* sums of a window's row (the service map's and the span metrics' alike). */
export function measurementsOf(row: Record<string, unknown>): Measurements {
  return {
    count: Number(row.total_requests),
    errors: Number(row.total_errors),
    faults: Number(row.total_faults),
    throttles: Number(row.total_throttles),
    latencySumNanos: BigInt(row.total_latency_sum_ns as bigint | string),
    histogram: HISTOGRAM_COLUMNS.map((column) => Number(row[`total_${column}`])),
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
