import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import { METRIC_SUMS_SQL, OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';
import { int64, text } from './sql-literals.ts';
import { wellFormed } from './span-rows.ts';
import { sketchFieldsOf, SKETCH_SUM_SQL } from './sketch-sql.ts';

// Span metrics (stored-metric-rows.ts in @stitch/store). Central's feed writes the open minute
// every few seconds, each write an insert of its own: a SummingMergeTree adds the rows of a
// (minute, account, service, operation) together as it merges parts in the background, and a
// read sums whatever is not merged yet, so the answer is the same before and after. Partitioned
// by UTC day; retention keeps them at least METRIC_RETENTION_DAYS whatever the spans' retention
// (retention.ts). In a cluster, rows go to any shard: reads add them all up.

/** SLO windows reach 30 days back; a few more so the oldest day of a window is still whole. */
export const METRIC_RETENTION_DAYS = 35;

const KEY = 'bucket_start_ms, account, service, operation';
const dayOfMs = (msColumn: string) => `toDate(toDateTime(intDiv(${msColumn}, 1000), 'UTC'))`;

/** The table as its schema step made it: latency in 62 histogram columns (a later step adds the sketch: sketch-sql.ts). */
export function metricTableStatements(layout: TableLayout): string[] {
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'metric_buckets')} (
       bucket_start_ms Int64,
       account String,
       account_label String,
       service String,
       operation String,
       requests Int64, errors Int64, faults Int64, throttles Int64, latency_sum_ns Int64,
       ${OLD_HISTOGRAM_COLUMNS.map((column) => `${column} Int64`).join(', ')}
     ) ENGINE = SummingMergeTree() PARTITION BY ${dayOfMs('bucket_start_ms')} ORDER BY (${KEY})`,
  ];
  if (layout.cluster) {
    const db = layout.database;
    statements.push(`CREATE TABLE IF NOT EXISTS ${db}.metric_buckets AS ${db}.metric_buckets_local ENGINE = Distributed(${layout.cluster}, ${db}, metric_buckets_local, rand())`);
  }
  return statements;
}

/** A record as a JSONEachRow row (Int64 as decimal strings; text well-formed, as the spans'). */
export function metricRowOf(record: MetricRecord): Record<string, unknown> {
  const m = record.measurements;
  const row: Record<string, unknown> = {
    bucket_start_ms: String(Math.trunc(record.bucketStartMs)),
    account: wellFormed(record.account),
    account_label: wellFormed(record.accountLabel),
    service: wellFormed(record.service),
    operation: wellFormed(record.operation),
    requests: String(m.count),
    errors: String(m.errors),
    faults: String(m.faults),
    throttles: String(m.throttles),
    latency_sum_ns: m.latencySumNanos.toString(),
    ...sketchFieldsOf(m.latency),
  };
  return row;
}

/** A window's records, each key's rows summed; values as literals that cannot end a string (sql-literals.ts). */
export function readMetricsSql(layout: TableLayout, startMs: number, endMs: number, selector: MetricSelector = {}, stepMs?: number): string {
  const start = int64(BigInt(Math.trunc(startMs)));
  const where = [`bucket_start_ms >= ${start}`, `bucket_start_ms < ${int64(BigInt(Math.trunc(endMs)))}`];
  for (const field of ['account', 'service', 'operation'] as const) {
    const value = selector[field];
    if (value !== undefined) where.push(`${field} = ${text(value)}`);
  }
  const step = stepMs === undefined ? null : int64(BigInt(stepMs));
  const bucket = step === null ? 'bucket_start_ms' : `${start} + intDiv(bucket_start_ms - ${start}, ${step}) * ${step}`;
  return `SELECT ${bucket} AS step_start_ms, account, service, operation, anyLast(account_label) AS newest_account_label, ${METRIC_SUMS_SQL}, ${SKETCH_SUM_SQL}
    FROM ${sharedTable(layout, 'metric_buckets')} WHERE ${where.join(' AND ')}
    GROUP BY step_start_ms, account, service, operation ORDER BY step_start_ms, account, service, operation`;
}
