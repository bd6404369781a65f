import type { GraphRecord, MapNodeRef } from '@stitch/graph';
import { sharedTable, type TableLayout } from './table-layout.ts';
import { allWellFormed, wellFormed } from './span-rows.ts';
import { int64 } from './sql-literals.ts';
import { sketchFieldsOf, SKETCH_SUM_SQL } from './sketch-sql.ts';

const KEY_COLUMNS = 'kind, connection, from_account, from_service, from_inferred, to_account, to_service, to_inferred';

/** A window's records, one per key (labels: the newest bucket's), read by the store's graphRecordOf. */
export function readGraphSql(layout: TableLayout, startMs: number, endMs: number): string {
  return `SELECT ${KEY_COLUMNS},
      argMax(from_account_label, bucket_start_ms) AS newest_from_account_label, argMax(from_label, bucket_start_ms) AS newest_from_label,
      argMax(to_account_label, bucket_start_ms) AS newest_to_account_label, argMax(to_label, bucket_start_ms) AS newest_to_label,
      min(bucket_start_ms) AS first_bucket_start_ms,
      sum(requests) AS total_requests, sum(errors) AS total_errors, sum(faults) AS total_faults, sum(throttles) AS total_throttles,
      sum(latency_sum_ns) AS total_latency_sum_ns, sum(roots) AS total_roots,
      arraySlice(groupArrayArray(examples), 1, 5) AS some_examples,
      ${SKETCH_SUM_SQL}
    FROM ${sharedTable(layout, 'graph_buckets')}
    WHERE bucket_start_ms >= ${int64(BigInt(Math.trunc(startMs)))} AND bucket_start_ms < ${int64(BigInt(Math.trunc(endMs)))}
    GROUP BY ${KEY_COLUMNS}`;
}

/** A record as a JSONEachRow row (Int64 as decimal strings). */
export function graphRowOf(record: GraphRecord): Record<string, unknown> {
  const side = (prefix: 'from' | 'to', ref: MapNodeRef | null) => ({
    [`${prefix}_account`]: wellFormed(ref?.account ?? null),
    [`${prefix}_account_label`]: wellFormed(ref?.accountLabel ?? null),
    [`${prefix}_service`]: wellFormed(ref?.service ?? null),
    [`${prefix}_inferred`]: ref?.inferred ?? null,
    [`${prefix}_label`]: wellFormed(ref?.label ?? null),
  });
  const m = record.measurements;
  const row: Record<string, unknown> = {
    bucket_start_ms: String(Math.trunc(record.bucketStartMs)),
    kind: record.kind,
    connection: record.connection,
    ...side('from', record.from),
    ...side('to', record.to),
    requests: String(m.count),
    errors: String(m.errors),
    faults: String(m.faults),
    throttles: String(m.throttles),
    latency_sum_ns: m.latencySumNanos.toString(),
    roots: String(record.roots),
    examples: allWellFormed(record.examples),
    ...sketchFieldsOf(m.latency),
  };
  return row;
}
