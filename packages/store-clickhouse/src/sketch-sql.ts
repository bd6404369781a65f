import { OLD_HISTOGRAM_BUCKETS, type LatencySketch } from '@stitch/graph';
import { OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { identifier } from './sql-literals.ts';
import type { TableLayout } from './table-layout.ts';

// Latency sketches in ClickHouse: a Nested `latencyMap` (bucket Int16, count Int64), i.e. two
// parallel arrays. A SummingMergeTree adds such a "…Map" column up key by key as it merges
// parts (ClickHouse 18.16 does), and a read adds a window's with sumMap. Tables made before the
// sketch keep their 62 histogram columns (h0 … h61): the sketch columns' DEFAULT converts them,
// each bucket's count into the sketch bucket of its midpoint, for rows written before; rows
// written since carry the sketch and zeros there.

const BUCKETS = '`latencyMap.bucket`';
const COUNTS = '`latencyMap.count`';

/** The summed sketch of a group, as stored-graph-rows.ts reads it (sketch_buckets, sketch_counts). */
export const SKETCH_SUM_SQL = `(sumMap(${BUCKETS}, ${COUNTS}) AS sketch_sum).1 AS sketch_buckets, sketch_sum.2 AS sketch_counts`;

/** A measurement's sketch as JSONEachRow fields. */
export const sketchFieldsOf = (latency: LatencySketch) => ({ 'latencyMap.bucket': latency.buckets, 'latencyMap.count': latency.counts });

/** A migration step: the sketch columns on the service map's and the span metrics' tables (and their Distributed tables). */
export function sketchMigration(layout: TableLayout): string[] {
  const buckets = `arrayFilter((b, n) -> n > 0, [${OLD_HISTOGRAM_BUCKETS.join(', ')}], [${OLD_HISTOGRAM_COLUMNS.join(', ')}])`;
  const counts = `arrayFilter(n -> n > 0, [${OLD_HISTOGRAM_COLUMNS.join(', ')}])`;
  const db = identifier(layout.database);
  const tables = ['graph_buckets', 'metric_buckets'].flatMap((table) => [`${db}.${table}_local`, ...(layout.cluster ? [`${db}.${table}`] : [])]);
  return tables.flatMap((table) => [
    `ALTER TABLE ${table} ADD COLUMN ${BUCKETS} Array(Int16) DEFAULT ${buckets}`,
    `ALTER TABLE ${table} ADD COLUMN ${COUNTS} Array(Int64) DEFAULT ${counts}`,
  ]);
}
