import type { UsageRow } from '@stitch/model';
import type { UsageSelector } from '@stitch/store';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';
import { text } from './sql-literals.ts';
import { wellFormed } from './span-rows.ts';

// Usage for the cost profile: rows inserted as central's meter flushes them, added up per
// (day, account, service) when read. Partitioned by month and kept whatever the retention of
// spans (a bill outlives the traces). In a cluster, rows go to any shard: reads add them all up.

export function usageTableStatements(layout: TableLayout): string[] {
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'usage')} (
       day String,
       account_id String,
       service_name String,
       traces_recorded Int64,
       spans Int64,
       bytes_ingested Int64,
       bytes_stored Int64,
       traces_scanned Int64,
       traces_retrieved Int64,
       first_seen_ms Nullable(Int64),
       last_seen_ms Nullable(Int64)
     ) ENGINE = MergeTree() PARTITION BY substring(day, 1, 7) ORDER BY (day, account_id, service_name)`,
  ];
  if (layout.cluster) {
    const db = layout.database;
    statements.push(`CREATE TABLE IF NOT EXISTS ${db}.usage AS ${db}.usage_local ENGINE = Distributed(${layout.cluster}, ${db}, usage_local, rand())`);
  }
  return statements;
}

/** Each trace once a day (UsageCounts.tracesFirstRecorded), on the shards' tables and the cluster's: older rows read 0. */
export function usageFirstRecordedStatements(layout: TableLayout): string[] {
  const add = (table: string) => `ALTER TABLE ${table} ADD COLUMN traces_first_recorded Int64 DEFAULT 0`;
  return [add(localTable(layout, 'usage')), ...(layout.cluster ? [add(sharedTable(layout, 'usage'))] : [])];
}

/** A row as JSONEachRow carries it (Int64 as decimal strings; text well-formed, as the spans'). */
export function usageRowOf(row: UsageRow): Record<string, unknown> {
  const ms = (value: number | null) => (value === null ? null : String(Math.trunc(value)));
  return {
    day: row.day,
    account_id: wellFormed(row.accountId),
    service_name: wellFormed(row.serviceName),
    traces_recorded: String(row.tracesRecorded),
    traces_first_recorded: String(row.tracesFirstRecorded),
    spans: String(row.spans),
    bytes_ingested: String(row.bytesIngested),
    bytes_stored: String(row.bytesStored),
    traces_scanned: String(row.tracesScanned),
    traces_retrieved: String(row.tracesRetrieved),
    first_seen_ms: ms(row.firstSeenMs),
    last_seen_ms: ms(row.lastSeenMs),
  };
}

/** The days' rows added up per key (read by usageFromRow in @stitch/store); values as literals that cannot end a string (sql-literals.ts). */
export function readUsageSql(layout: TableLayout, startDay: string, endDay: string, selector: UsageSelector = {}): string {
  const where = [`day >= ${text(startDay)}`, `day <= ${text(endDay)}`];
  if (selector.accountId !== undefined) where.push(`account_id = ${text(selector.accountId)}`);
  if (selector.serviceName !== undefined) where.push(`service_name = ${text(selector.serviceName)}`);
  return `SELECT day, account_id, service_name,
      toString(sum(traces_recorded)) AS traces_recorded, toString(sum(traces_first_recorded)) AS traces_first_recorded, toString(sum(spans)) AS spans,
      toString(sum(bytes_ingested)) AS bytes_ingested, toString(sum(bytes_stored)) AS bytes_stored,
      toString(sum(traces_scanned)) AS traces_scanned, toString(sum(traces_retrieved)) AS traces_retrieved,
      toString(min(first_seen_ms)) AS first_seen, toString(max(last_seen_ms)) AS last_seen
    FROM ${sharedTable(layout, 'usage')} WHERE ${where.join(' AND ')}
    GROUP BY day, account_id, service_name ORDER BY day, account_id, service_name`;
}
