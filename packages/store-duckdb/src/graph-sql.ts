import { LATENCY_BUCKETS, type GraphRecord, type MapNodeRef } from '@stitch/graph';

// Service-map buckets: one row per (minute, kind, from, to, connection) per flush; a window's
// reads add them up in SQL, the latency histogram one column per bucket (h0 … h61), so summing
// a week of minutes stays a plain GROUP BY.

const HISTOGRAM_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `h${i}`);

export const GRAPH_TABLE = `CREATE TABLE graph_buckets (
  bucket_start_ms BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  connection VARCHAR NOT NULL,
  from_account VARCHAR, from_account_label VARCHAR, from_service VARCHAR, from_inferred VARCHAR, from_label VARCHAR,
  to_account VARCHAR NOT NULL, to_account_label VARCHAR NOT NULL, to_service VARCHAR NOT NULL, to_inferred VARCHAR, to_label VARCHAR NOT NULL,
  requests BIGINT NOT NULL, errors BIGINT NOT NULL, faults BIGINT NOT NULL, throttles BIGINT NOT NULL,
  latency_sum_ns BIGINT NOT NULL, roots BIGINT NOT NULL,
  examples VARCHAR[] NOT NULL,
  ${HISTOGRAM_COLUMNS.map((column) => `${column} INTEGER NOT NULL`).join(', ')}
);`;

const KEY_COLUMNS = 'kind, connection, from_account, from_service, from_inferred, to_account, to_service, to_inferred';

/** A window's records, one per key (labels: the newest bucket's). Parameters: $1 start ms, $2 end ms. */
export const READ_GRAPH_SQL = `SELECT ${KEY_COLUMNS},
    arg_max(from_account_label, bucket_start_ms) AS from_account_label, arg_max(from_label, bucket_start_ms) AS from_label,
    arg_max(to_account_label, bucket_start_ms) AS to_account_label, arg_max(to_label, bucket_start_ms) AS to_label,
    min(bucket_start_ms) AS bucket_start_ms,
    sum(requests) AS requests, sum(errors) AS errors, sum(faults) AS faults, sum(throttles) AS throttles,
    sum(latency_sum_ns) AS latency_sum_ns, sum(roots) AS roots,
    flatten(list(examples))[1:5] AS examples,
    ${HISTOGRAM_COLUMNS.map((column) => `sum(${column}) AS ${column}`).join(', ')}
  FROM graph_buckets WHERE bucket_start_ms >= $1 AND bucket_start_ms < $2
  GROUP BY ${KEY_COLUMNS}`;

/** Values in the table's column order, for the appender. */
export function graphRowValues(record: GraphRecord): Array<string | bigint | number | null | string[]> {
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
    ...m.histogram,
  ];
}

export function graphRecordOf(row: Record<string, unknown>): GraphRecord {
  const side = (prefix: 'from' | 'to'): MapNodeRef | null =>
    row[`${prefix}_service`] === null
      ? null
      : {
          account: row[`${prefix}_account`] as string,
          accountLabel: row[`${prefix}_account_label`] as string,
          service: row[`${prefix}_service`] as string,
          inferred: row[`${prefix}_inferred`] as MapNodeRef['inferred'],
          label: row[`${prefix}_label`] as string,
        };
  return {
    bucketStartMs: Number(row.bucket_start_ms),
    kind: row.kind as GraphRecord['kind'],
    connection: row.connection as GraphRecord['connection'],
    from: side('from'),
    to: side('to')!,
    measurements: {
      count: Number(row.requests),
      errors: Number(row.errors),
      faults: Number(row.faults),
      throttles: Number(row.throttles),
      latencySumNanos: BigInt(row.latency_sum_ns as bigint),
      histogram: HISTOGRAM_COLUMNS.map((column) => Number(row[column])),
    },
    roots: Number(row.roots),
    examples: row.examples as string[],
  };
}
