import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogRecord } from '@stitch/model';
import type { LogQuery } from '@stitch/store';
import { SqlParams, type SqlParam } from './sql-params.ts';

// Log records: one row each, in arrival order. "Logs of this trace" is the common read: an index
// on trace_id finds them without scanning; a window search scans time_ns (row groups skipped by
// their min/max, since records arrive roughly in time order).
export const LOG_TABLE = `CREATE TABLE logs (
  time_ns BIGINT NOT NULL,
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text VARCHAR NOT NULL,
  body VARCHAR NOT NULL,
  service_name VARCHAR NOT NULL,
  account_id VARCHAR NOT NULL,
  account_label VARCHAR NOT NULL,
  attributes_json VARCHAR NOT NULL
);
CREATE INDEX logs_by_trace ON logs (trace_id);`;

// Read by logFromRow in @stitch/store.
const LOG_COLUMNS = 'time_ns AS time_unix_nano, trace_id, span_id, severity_number, severity_text, body, service_name, account_id, account_label, attributes_json';

/** The search as SQL with every value a parameter. */
export function buildLogSearchSql(query: LogQuery): { sql: string; params: SqlParam[] } {
  const params = new SqlParams();
  const where = [`time_ns >= ${params.add(query.startNanos, 'BIGINT')}`, `time_ns < ${params.add(query.endNanos, 'BIGINT')}`];
  if (query.traceIds) {
    // One trace: an equality the index answers; several: a list.
    if (query.traceIds.length === 0) where.push('FALSE');
    else if (query.traceIds.length === 1) where.push(`trace_id = ${params.add(query.traceIds[0]!, 'VARCHAR')}`);
    else where.push(`trace_id IN (SELECT unnest(${params.add([...query.traceIds], 'VARCHAR[]')}))`);
  }
  if (query.severityAtLeast !== undefined) where.push(`severity_number >= ${params.add(query.severityAtLeast, 'INTEGER')}`);
  if (query.serviceName !== undefined) where.push(`service_name = ${params.add(query.serviceName, 'VARCHAR')}`);
  if (query.account !== undefined) {
    const account = params.add(query.account, 'VARCHAR');
    where.push(`(account_id = ${account} OR account_label = ${account})`);
  }
  // strpos, not LIKE: the user's text has no wildcards.
  if (query.text !== undefined) where.push(`strpos(lower(body), lower(${params.add(query.text, 'VARCHAR')})) > 0`);
  const sql = `SELECT ${LOG_COLUMNS} FROM logs WHERE ${where.join(' AND ')} ORDER BY time_ns ${query.oldestFirst ? 'ASC' : 'DESC'} LIMIT ${params.add(query.limit, 'BIGINT')}`;
  return { sql, params: params.values };
}

/** Appends the records in the connection's open transaction. */
export async function appendLogs(connection: DuckDBConnection, records: readonly LogRecord[]): Promise<void> {
  const appender = await connection.createAppender('logs');
  try {
    for (const record of records) {
      appender.appendBigInt(record.timeUnixNano);
      appender.appendVarchar(record.traceId);
      appender.appendVarchar(record.spanId);
      appender.appendInteger(record.severityNumber);
      appender.appendVarchar(record.severityText);
      appender.appendVarchar(record.body);
      appender.appendVarchar(record.serviceName);
      appender.appendVarchar(record.account.id);
      appender.appendVarchar(record.account.label);
      appender.appendVarchar(JSON.stringify(record.attributes));
      appender.endRow();
    }
    appender.flushSync();
  } catch (error) {
    appender.clear();
    throw error;
  } finally {
    appender.closeSync();
  }
}
