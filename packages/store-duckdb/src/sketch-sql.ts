import { OLD_HISTOGRAM_BUCKETS } from '@stitch/graph';
import { OLD_HISTOGRAM_COLUMNS } from '@stitch/store';

// Latency sketches in DuckDB: two parallel INTEGER[] columns per row, latency_buckets (ascending)
// and latency_counts (stored-graph-rows.ts in @stitch/store). DuckDB has no sum of maps, so a
// group's sketches are added up by unnesting them, summing per (group, bucket) and listing the
// sums again, then joined to the group's other aggregates (keys may be NULL: the join says so).

export const SKETCH_COLUMNS_SQL = 'latency_buckets INTEGER[] NOT NULL, latency_counts INTEGER[] NOT NULL';

/** `SELECT <keys>, <aggregates>, sketch_buckets, sketch_counts` of `source` (a query) grouped by `keys`; no sketch reads as []. */
export function groupedWithSketchSql(source: string, keys: readonly string[], aggregates: string): string {
  const k = keys.join(', ');
  const on = keys.map((key) => `totals.${key} IS NOT DISTINCT FROM sketches.${key}`).join(' AND ');
  return `WITH source AS (${source}),
    totals AS (SELECT ${k}, ${aggregates} FROM source GROUP BY ${k}),
    bucket_sums AS (
      SELECT ${k}, bucket, sum(n)::BIGINT AS n
      FROM (SELECT ${k}, unnest(latency_buckets) AS bucket, unnest(latency_counts) AS n FROM source)
      GROUP BY ${k}, bucket),
    sketches AS (SELECT ${k}, list(bucket ORDER BY bucket) AS sketch_buckets, list(n ORDER BY bucket) AS sketch_counts FROM bucket_sums GROUP BY ${k})
    SELECT totals.*, coalesce(sketches.sketch_buckets, []) AS sketch_buckets, coalesce(sketches.sketch_counts, []::BIGINT[]) AS sketch_counts
    FROM totals LEFT JOIN sketches ON ${on}`;
}

/** SET clauses adding the conflicting row's sketch (`excluded`) into the stored one (`table`), bucket by bucket. */
export function sketchUpsertSql(table: string): string {
  const buckets = `list_sort(list_distinct(list_concat(${table}.latency_buckets, excluded.latency_buckets)))`;
  const countIn = (row: string) => `coalesce(${row}.latency_counts[list_position(${row}.latency_buckets, b)], 0)`;
  return `latency_buckets = ${buckets}, latency_counts = list_transform(${buckets}, b -> ${countIn(table)} + ${countIn('excluded')})`;
}

/**
 * A migration step: `table`, made before the sketch, rebuilt as `create` (its columns then the
 * sketch's), each of its 62 histogram buckets becoming the sketch bucket of its midpoint.
 */
export function sketchMigrationSql(table: string, create: (name: string) => string): string {
  const buckets = OLD_HISTOGRAM_COLUMNS.map((column, i) => `CASE WHEN ${column} > 0 THEN ${OLD_HISTOGRAM_BUCKETS[i]} END`);
  return `${create(`${table}_sketch`)};
    INSERT INTO ${table}_sketch SELECT * EXCLUDE (${OLD_HISTOGRAM_COLUMNS.join(', ')}),
      list_filter([${buckets.join(', ')}], b -> b IS NOT NULL),
      list_filter([${OLD_HISTOGRAM_COLUMNS.join(', ')}], n -> n > 0)
    FROM ${table};
    DROP TABLE ${table};
    ALTER TABLE ${table}_sketch RENAME TO ${table};`;
}
