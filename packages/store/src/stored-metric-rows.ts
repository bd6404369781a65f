import type { MetricRecord } from '@stitch/metrics';
import { sketchOfRow } from './stored-graph-rows.ts';

// Span-metric buckets as both SQL stores keep them: one row per (minute, account, service,
// operation) per write (DuckDB upserts them into one, ClickHouse's SummingMergeTree merges them
// in the background), the latency sketch as two parallel arrays, as the service map's rows keep
// it (stored-graph-rows.ts). A window's read
// sums each key's rows and names the sums total_* (ClickHouse substitutes an alias wherever its
// name appears, so they differ from the columns they are made of), the label newest_account_label,
// the bucket (or the step it is rolled up into) step_start_ms.

/** A read row as a record. Numbers as the driver hands them back (bigint, number or decimal string). */
export function metricRecordOf(row: Record<string, unknown>): MetricRecord {
  return {
    bucketStartMs: Number(row.step_start_ms),
    account: row.account as string,
    accountLabel: row.newest_account_label as string,
    service: row.service as string,
    operation: row.operation as string,
    measurements: {
      count: Number(row.total_requests),
      errors: Number(row.total_errors),
      faults: Number(row.total_faults),
      throttles: Number(row.total_throttles),
      latencySumNanos: BigInt(row.total_latency_sum_ns as bigint | string),
      latency: sketchOfRow(row),
    },
  };
}

/**
 * The sums a window's read selects, after the key columns (each store adds the summed sketch).
 * Counts as doubles (exact far past any count, and what the drivers hand back fastest): a 7-day
 * read converts thousands of rows; the latency sum stays an integer (it passes 2^53 ns).
 */
export const METRIC_SUMS_SQL = [
  ...['requests', 'errors', 'faults', 'throttles'].map((column) => `CAST(sum(${column}) AS DOUBLE) AS total_${column}`),
  'sum(latency_sum_ns) AS total_latency_sum_ns',
].join(', ');
