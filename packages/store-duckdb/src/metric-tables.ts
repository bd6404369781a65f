import type { DuckDBConnection } from '@duckdb/node-api';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import { METRIC_SUMS_SQL, OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { fromStagingSql, groupedWithSketchSql, SKETCH_COLUMNS_SQL, SKETCH_TEXT_COLUMNS_SQL, sketchTexts, sketchUpsertSql } from './sketch-sql.ts';
import { SqlParams, type SqlParam } from './sql-params.ts';
import { inTransaction } from './transaction.ts';

// Span metrics (stored-metric-rows.ts in @stitch/store): one row per (minute, account, service,
// operation). Central's feed writes the open minute every few seconds, so a write adds into the
// key's row (an upsert) rather than appending: a read sums one row per key and minute.

const KEY = ['bucket_start_ms', 'account', 'service', 'operation'];
const COUNTS = ['requests', 'errors', 'faults', 'throttles', 'latency_sum_ns'];

const metricTable = (name: string, latency: string) => `CREATE TABLE ${name} (
  bucket_start_ms BIGINT NOT NULL,
  account VARCHAR NOT NULL,
  account_label VARCHAR NOT NULL,
  service VARCHAR NOT NULL,
  operation VARCHAR NOT NULL,
  ${COUNTS.map((column) => `${column} BIGINT NOT NULL`).join(', ')},
  ${latency},
  PRIMARY KEY (${KEY.join(', ')})
)`;

/** The table as schema version 8 made it: latency in 62 histogram columns (sketch-sql.ts converts them). */
export const METRIC_TABLE_BEFORE_SKETCH = `${metricTable('metric_buckets', OLD_HISTOGRAM_COLUMNS.map((column) => `${column} BIGINT NOT NULL`).join(', '))};`;

/** The table since the sketch. */
export const metricTableSql = (name: string) => metricTable(name, SKETCH_COLUMNS_SQL);

/**
 * Adds the records into their rows: appended to a staging table of the connection (an appender is 3–4
 * times faster than list parameters unnested), then summed per key (an upsert may touch a row
 * only once per statement) into metric_buckets, sketches added bucket by bucket, in one transaction.
 */
export async function upsertMetrics(connection: DuckDBConnection, records: readonly MetricRecord[]): Promise<void> {
  await prepareMetricStaging(connection);
  await inTransaction(connection, () => addMetrics(connection, records));
}

/** The connection's staging table, made once, outside any transaction. */
export const prepareMetricStaging = (connection: DuckDBConnection) =>
  connection.run(`CREATE TEMP TABLE IF NOT EXISTS metric_staging (bucket_start_ms BIGINT, account VARCHAR, account_label VARCHAR, service VARCHAR, operation VARCHAR,
    ${COUNTS.map((column) => `${column} BIGINT`).join(', ')}, ${SKETCH_TEXT_COLUMNS_SQL})`);

/** upsertMetrics' work inside the caller's transaction (after prepareMetricStaging). */
export async function addMetrics(connection: DuckDBConnection, records: readonly MetricRecord[]): Promise<void> {
  const appender = await connection.createAppender('metric_staging', 'main', 'temp');
  try {
    for (const { bucketStartMs, account, accountLabel, service, operation, measurements: m } of records) {
      appender.appendBigInt(BigInt(Math.trunc(bucketStartMs)));
      for (const text of [account, accountLabel, service, operation]) appender.appendVarchar(text);
      for (const count of [m.count, m.errors, m.faults, m.throttles]) appender.appendBigInt(BigInt(count));
      appender.appendBigInt(m.latencySumNanos);
      for (const text of sketchTexts(m.latency)) appender.appendVarchar(text);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const summed = groupedWithSketchSql(fromStagingSql('metric_staging'), KEY, `max(account_label) AS account_label, ${COUNTS.map((column) => `sum(${column})::BIGINT AS ${column}`).join(', ')}`);
  await connection.run(`INSERT INTO metric_buckets (${KEY.join(', ')}, account_label, ${COUNTS.join(', ')}, latency_buckets, latency_counts)
    SELECT ${KEY.join(', ')}, account_label, ${COUNTS.join(', ')}, sketch_buckets, sketch_counts FROM (${summed})
    ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET account_label = excluded.account_label,
      ${COUNTS.map((column) => `${column} = metric_buckets.${column} + excluded.${column}`).join(', ')}, ${sketchUpsertSql('metric_buckets')}`);
  await connection.run('DELETE FROM metric_staging');
}

/** The records of a window and selector, each key's rows (in a step: each key's steps) summed; every value a parameter. */
export function buildMetricReadSql(startMs: number, endMs: number, selector: MetricSelector = {}, stepMs?: number): { sql: string; params: SqlParam[] } {
  const params = new SqlParams();
  const start = params.add(BigInt(Math.trunc(startMs)), 'BIGINT');
  const where = [`bucket_start_ms >= ${start}`, `bucket_start_ms < ${params.add(BigInt(Math.trunc(endMs)), 'BIGINT')}`];
  for (const field of ['account', 'service', 'operation'] as const) {
    const value = selector[field];
    if (value !== undefined) where.push(`${field} = ${params.add(value, 'VARCHAR')}`);
  }
  const step = stepMs === undefined ? null : params.add(BigInt(stepMs), 'BIGINT');
  const bucket = step === null ? 'bucket_start_ms' : `${start} + (bucket_start_ms - ${start}) // ${step} * ${step}`;
  const source = `SELECT ${bucket} AS step_start_ms, * FROM metric_buckets WHERE ${where.join(' AND ')}`;
  const grouped = groupedWithSketchSql(source, ['step_start_ms', 'account', 'service', 'operation'], `max(account_label) AS newest_account_label, ${METRIC_SUMS_SQL}`, true);
  const sql = `${grouped} ORDER BY step_start_ms, account, service, operation`;
  return { sql, params: params.values };
}
