import type { MetricRecord } from '@stitch/metrics';
import { HISTOGRAM_COLUMNS, measurementsOf } from './stored-graph-rows.ts';

// Span-metric buckets as both SQL stores keep them: one row per (minute, account, service,
// operation) per write (DuckDB upserts them into one, ClickHouse's SummingMergeTree merges them
// in the background), the latency histogram one column per bucket (h0 … h61). A window's read
// sums each key's rows and names the sums total_* (ClickHouse substitutes an alias wherever its
// name appears, so they differ from the columns they are made of), the label newest_account_label.

/** A read row as a record. Numbers as the driver hands them back (bigint, number or decimal string). */
export function metricRecordOf(row: Record<string, unknown>): MetricRecord {
  return {
    bucketStartMs: Number(row.bucket_start_ms),
    account: row.account as string,
    accountLabel: row.newest_account_label as string,
    service: row.service as string,
    operation: row.operation as string,
    measurements: measurementsOf(row),
  };
}

/** The sums a window's read selects, after the key columns. */
export const METRIC_SUMS_SQL = [
  'sum(requests) AS total_requests',
  'sum(errors) AS total_errors',
  'sum(faults) AS total_faults',
  'sum(throttles) AS total_throttles',
  'sum(latency_sum_ns) AS total_latency_sum_ns',
  ...HISTOGRAM_COLUMNS.map((column) => `sum(${column}) AS total_${column}`),
].join(', ');
