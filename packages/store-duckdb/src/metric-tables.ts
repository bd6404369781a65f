import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import { HISTOGRAM_COLUMNS, METRIC_SUMS_SQL } from '@stitch/store';
import { SqlParams, type SqlParam } from './sql-params.ts';

// Span metrics (stored-metric-rows.ts in @stitch/store): one row per (minute, account, service,
// operation). Central's feed writes the open minute every few seconds, so a write adds into the
// key's row (an upsert) rather than appending: a 30-day SLO reads one row per key and minute.

const KEY = ['bucket_start_ms', 'account', 'service', 'operation'];
const COUNTS = ['requests', 'errors', 'faults', 'throttles', 'latency_sum_ns', ...HISTOGRAM_COLUMNS];

export const METRIC_TABLE = `CREATE TABLE metric_buckets (
  bucket_start_ms BIGINT NOT NULL,
  account VARCHAR NOT NULL,
  account_label VARCHAR NOT NULL,
  service VARCHAR NOT NULL,
  operation VARCHAR NOT NULL,
  ${COUNTS.map((column) => `${column} BIGINT NOT NULL`).join(', ')},
  PRIMARY KEY (${KEY.join(', ')})
);`;

/**
 * Adds the records into their rows, in one statement: every column travels as one list parameter
 * and is unnested back into rows; records repeating a key are summed first (an upsert may touch
 * a row only once per statement).
 */
export function buildMetricUpsert(records: readonly MetricRecord[]): { sql: string; params: SqlParam[] } {
  const params = new SqlParams();
  const m = (record: MetricRecord) => record.measurements;
  const lists: Array<[string, string]> = [
    ['bucket_start_ms', params.add(records.map((r) => BigInt(Math.trunc(r.bucketStartMs))), 'BIGINT[]')],
    ['account', params.add(records.map((r) => r.account), 'VARCHAR[]')],
    ['account_label', params.add(records.map((r) => r.accountLabel), 'VARCHAR[]')],
    ['service', params.add(records.map((r) => r.service), 'VARCHAR[]')],
    ['operation', params.add(records.map((r) => r.operation), 'VARCHAR[]')],
    ['requests', params.add(records.map((r) => BigInt(m(r).count)), 'BIGINT[]')],
    ['errors', params.add(records.map((r) => BigInt(m(r).errors)), 'BIGINT[]')],
    ['faults', params.add(records.map((r) => BigInt(m(r).faults)), 'BIGINT[]')],
    ['throttles', params.add(records.map((r) => BigInt(m(r).throttles)), 'BIGINT[]')],
    ['latency_sum_ns', params.add(records.map((r) => m(r).latencySumNanos), 'BIGINT[]')],
    ...HISTOGRAM_COLUMNS.map((column, i): [string, string] => [column, params.add(records.map((r) => BigInt(m(r).histogram[i] ?? 0)), 'BIGINT[]')]),
  ];
  const unnested = lists.map(([column, param]) => `unnest(${param}) AS ${column}`).join(', ');
  const sql = `INSERT INTO metric_buckets (${KEY.join(', ')}, account_label, ${COUNTS.join(', ')})
    SELECT ${KEY.join(', ')}, max(account_label), ${COUNTS.map((column) => `sum(${column})::BIGINT`).join(', ')}
    FROM (SELECT ${unnested}) GROUP BY ${KEY.join(', ')}
    ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET account_label = excluded.account_label,
      ${COUNTS.map((column) => `${column} = metric_buckets.${column} + excluded.${column}`).join(', ')}`;
  return { sql, params: params.values };
}

export async function upsertMetrics(connection: DuckDBConnection, records: readonly MetricRecord[]): Promise<void> {
  const { sql, params } = buildMetricUpsert(records);
  await connection.run(sql, params.map((param) => (Array.isArray(param) ? listValue(param) : param)));
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
  const sql = `SELECT ${bucket} AS step_start_ms, account, service, operation, max(account_label) AS newest_account_label, ${METRIC_SUMS_SQL}
    FROM metric_buckets WHERE ${where.join(' AND ')}
    GROUP BY step_start_ms, account, service, operation ORDER BY step_start_ms, account, service, operation`;
  return { sql, params: params.values };
}
