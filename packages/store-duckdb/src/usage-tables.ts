import type { DuckDBConnection } from '@duckdb/node-api';
import type { UsageRow } from '@stitch/model';
import type { UsageSelector } from '@stitch/store';
import { SqlParams, type SqlParam } from './sql-params.ts';

// Usage for the cost profile: rows appended as central's meter flushes them (a few per account
// and service every few seconds); a read adds the rows of each (day, account, service) up.
export const USAGE_TABLE = `CREATE TABLE usage (
  day VARCHAR NOT NULL,
  account_id VARCHAR NOT NULL,
  service_name VARCHAR NOT NULL,
  traces_recorded BIGINT NOT NULL,
  spans BIGINT NOT NULL,
  bytes_ingested BIGINT NOT NULL,
  bytes_stored BIGINT NOT NULL,
  traces_scanned BIGINT NOT NULL,
  traces_retrieved BIGINT NOT NULL,
  first_seen_ms BIGINT,
  last_seen_ms BIGINT
);`;

/** Each trace once a day (UsageCounts.tracesFirstRecorded): older rows read 0. */
export const USAGE_FIRST_RECORDED_COLUMN = 'ALTER TABLE usage ADD COLUMN traces_first_recorded BIGINT DEFAULT 0;';

/** Appends the rows on the caller's connection (its transaction, if one is open). */
export async function appendUsage(connection: DuckDBConnection, rows: readonly UsageRow[]): Promise<void> {
  const appender = await connection.createAppender('usage');
  try {
    for (const row of rows) {
      appender.appendVarchar(row.day);
      appender.appendVarchar(row.accountId);
      appender.appendVarchar(row.serviceName);
      for (const count of [row.tracesRecorded, row.spans, row.bytesIngested, row.bytesStored, row.tracesScanned, row.tracesRetrieved]) appender.appendBigInt(BigInt(count));
      for (const ms of [row.firstSeenMs, row.lastSeenMs]) {
        if (ms === null) appender.appendNull();
        else appender.appendBigInt(BigInt(ms));
      }
      appender.appendBigInt(BigInt(row.tracesFirstRecorded));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** The days' rows added up per key (read by usageFromRow in @stitch/store), with every value a parameter. */
export function buildUsageReadSql(startDay: string, endDay: string, selector: UsageSelector = {}): { sql: string; params: SqlParam[] } {
  const params = new SqlParams();
  const where = [`day >= ${params.add(startDay, 'VARCHAR')}`, `day <= ${params.add(endDay, 'VARCHAR')}`];
  if (selector.accountId !== undefined) where.push(`account_id = ${params.add(selector.accountId, 'VARCHAR')}`);
  if (selector.serviceName !== undefined) where.push(`service_name = ${params.add(selector.serviceName, 'VARCHAR')}`);
  const sql = `SELECT day, account_id, service_name,
      sum(traces_recorded) AS traces_recorded, sum(traces_first_recorded) AS traces_first_recorded, sum(spans) AS spans, sum(bytes_ingested) AS bytes_ingested, sum(bytes_stored) AS bytes_stored,
      sum(traces_scanned) AS traces_scanned, sum(traces_retrieved) AS traces_retrieved, min(first_seen_ms) AS first_seen, max(last_seen_ms) AS last_seen
    FROM usage WHERE ${where.join(' AND ')}
    GROUP BY day, account_id, service_name ORDER BY day, account_id, service_name`;
  return { sql, params: params.values };
}
