import type { GraphRecord, MapNodeRef } from '@stitch/graph';
import { OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { LIST, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { fromStagingSql, groupedWithSketchSql, SKETCH_COLUMNS_SQL, SKETCH_TEXT_COLUMNS_SQL, sketchTexts } from './sketch-sql.ts';
import { inTransaction } from './transaction.ts';

// Service-map buckets, as stored-graph-rows.ts in @stitch/store describes them.

const GRAPH_COLUMNS = `bucket_start_ms BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  connection VARCHAR NOT NULL,
  from_account VARCHAR, from_account_label VARCHAR, from_service VARCHAR, from_inferred VARCHAR, from_label VARCHAR,
  to_account VARCHAR NOT NULL, to_account_label VARCHAR NOT NULL, to_service VARCHAR NOT NULL, to_inferred VARCHAR, to_label VARCHAR NOT NULL,
  requests BIGINT NOT NULL, errors BIGINT NOT NULL, faults BIGINT NOT NULL, throttles BIGINT NOT NULL,
  latency_sum_ns BIGINT NOT NULL, roots BIGINT NOT NULL,
  examples VARCHAR[] NOT NULL`;

/** The table as schema version 5 made it: latency in 62 histogram columns (sketch-sql.ts converts them). */
export const GRAPH_TABLE_BEFORE_SKETCH = `CREATE TABLE graph_buckets (
  ${GRAPH_COLUMNS},
  ${OLD_HISTOGRAM_COLUMNS.map((column) => `${column} INTEGER NOT NULL`).join(', ')}
);`;

/** The table since the sketch. */
export const graphTableSql = (name: string) => `CREATE TABLE ${name} (${GRAPH_COLUMNS}, ${SKETCH_COLUMNS_SQL})`;

const KEY_COLUMNS = ['kind', 'connection', 'from_account', 'from_service', 'from_inferred', 'to_account', 'to_service', 'to_inferred'];

/** A window's records, one per key (labels: the newest bucket's), read by graphRecordOf. Parameters: $1 start ms, $2 end ms. */
export const READ_GRAPH_SQL = groupedWithSketchSql(
  'SELECT * FROM graph_buckets WHERE bucket_start_ms >= $1 AND bucket_start_ms < $2',
  KEY_COLUMNS,
  `arg_max(from_account_label, bucket_start_ms) AS newest_from_account_label, arg_max(from_label, bucket_start_ms) AS newest_from_label,
    arg_max(to_account_label, bucket_start_ms) AS newest_to_account_label, arg_max(to_label, bucket_start_ms) AS newest_to_label,
    min(bucket_start_ms) AS first_bucket_start_ms,
    sum(requests) AS total_requests, sum(errors) AS total_errors, sum(faults) AS total_faults, sum(throttles) AS total_throttles,
    sum(latency_sum_ns) AS total_latency_sum_ns, sum(roots) AS total_roots,
    flatten(list(examples))[1:5] AS some_examples`,
  true,
);

/** Values in the staging table's column order, for the appender: the sketch as its two texts. */
function graphRowValues(record: GraphRecord): Array<string | bigint | null | string[]> {
  const side = (ref: MapNodeRef | null) => (ref ? [ref.account, ref.accountLabel, ref.service, ref.inferred, ref.label] : [null, null, null, null, null]);
  const m = record.measurements;
  return [
    BigInt(record.bucketStartMs),
    record.kind,
    record.connection,
    ...side(record.from),
    ...side(record.to),
    BigInt(m.count),
    BigInt(m.errors),
    BigInt(m.faults),
    BigInt(m.throttles),
    m.latencySumNanos,
    BigInt(record.roots),
    record.examples,
    ...sketchTexts(m.latency),
  ];
}

/** Appends the records to a staging table of the connection, then moves them into graph_buckets (sketch texts cast to lists), in one transaction. */
export async function appendGraphRecords(connection: DuckDBConnection, records: readonly GraphRecord[]): Promise<void> {
  await prepareGraphStaging(connection);
  await inTransaction(connection, () => addGraphRecords(connection, records));
}

/** The connection's staging table, made once, outside any transaction. */
export const prepareGraphStaging = (connection: DuckDBConnection) => connection.run(`CREATE TEMP TABLE IF NOT EXISTS graph_staging (${GRAPH_COLUMNS}, ${SKETCH_TEXT_COLUMNS_SQL})`);

/** appendGraphRecords' work inside the caller's transaction (after prepareGraphStaging). */
export async function addGraphRecords(connection: DuckDBConnection, records: readonly GraphRecord[]): Promise<void> {
  const appender = await connection.createAppender('graph_staging', 'main', 'temp');
  try {
    for (const record of records) {
      for (const value of graphRowValues(record)) {
        if (value === null) appender.appendNull();
        else if (typeof value === 'bigint') appender.appendBigInt(value);
        else if (Array.isArray(value)) appender.appendList(value, LIST(VARCHAR));
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await connection.run(`INSERT INTO graph_buckets ${fromStagingSql('graph_staging')}`);
  await connection.run('DELETE FROM graph_staging');
}
