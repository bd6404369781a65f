import type { LogRecord } from '@stitch/model';
import type { LogQuery } from '@stitch/store';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';
import { int64, text } from './sql-literals.ts';
import { wellFormed } from './span-rows.ts';

// Log records, partitioned by UTC day (retention drops whole days) and ordered by trace id, so
// "logs of this trace" reads a few granules of each day; a window search skips the days outside
// it and scans the rest. In a cluster, sharded by trace id like the spans.

const dayOf = (nanosColumn: string) => `toDate(toDateTime(intDiv(${nanosColumn}, 1000000000), 'UTC'))`;

export function logTableStatements(layout: TableLayout): string[] {
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'logs')} (
       time_ns Int64,
       trace_id String,
       span_id String,
       severity_number Int32,
       severity_text String,
       body String,
       service_name String,
       account_id String,
       account_label String,
       attributes_json String
     ) ENGINE = MergeTree() PARTITION BY ${dayOf('time_ns')} ORDER BY (trace_id, time_ns) SETTINGS index_granularity = 2048`,
  ];
  if (layout.cluster) {
    const db = layout.database;
    statements.push(`CREATE TABLE IF NOT EXISTS ${db}.logs AS ${db}.logs_local ENGINE = Distributed(${layout.cluster}, ${db}, logs_local, cityHash64(trace_id))`);
  }
  return statements;
}

/** A row as JSONEachRow carries it (Int64 as a decimal string; text well-formed, as the spans'). */
export function logRowOf(record: LogRecord): Record<string, unknown> {
  return {
    time_ns: record.timeUnixNano.toString(),
    trace_id: record.traceId,
    span_id: record.spanId,
    severity_number: record.severityNumber,
    severity_text: wellFormed(record.severityText),
    body: wellFormed(record.body),
    service_name: wellFormed(record.serviceName),
    account_id: wellFormed(record.account.id),
    account_label: wellFormed(record.account.label),
    attributes_json: wellFormed(JSON.stringify(record.attributes)),
  };
}

/** The search as SQL (read by logFromRow in @stitch/store); every value is a literal made from its bytes or its number (sql-literals.ts), never the user's text. */
export function buildLogSearchSql(layout: TableLayout, query: LogQuery): string {
  const where = [`time_ns >= ${int64(query.startNanos)}`, `time_ns < ${int64(query.endNanos)}`];
  if (query.traceIds) where.push(query.traceIds.length === 0 ? '0' : `trace_id IN (${query.traceIds.map(text).join(', ')})`);
  if (query.severityAtLeast !== undefined) where.push(`severity_number >= ${int64(BigInt(query.severityAtLeast))}`);
  if (query.serviceName !== undefined) where.push(`service_name = ${text(query.serviceName)}`);
  if (query.account !== undefined) where.push(`(account_id = ${text(query.account)} OR account_label = ${text(query.account)})`);
  if (query.text !== undefined) where.push(`positionCaseInsensitiveUTF8(body, ${text(query.text)}) > 0`);
  return `SELECT toString(time_ns) AS time_unix_nano, trace_id, span_id, severity_number, severity_text, body, service_name, account_id, account_label, attributes_json
    FROM ${sharedTable(layout, 'logs')} WHERE ${where.join(' AND ')}
    ORDER BY time_ns ${query.oldestFirst ? 'ASC' : 'DESC'} LIMIT ${Math.trunc(query.limit)}`;
}
