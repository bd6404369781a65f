import { OLD_HISTOGRAM_BUCKETS } from '@stitch/graph';
import { OLD_HISTOGRAM_COLUMNS, SKETCH_PAIR_SHIFT } from '@stitch/store';

// Latency sketches in DuckDB: two parallel INTEGER[] columns per row, latency_buckets (ascending)
// and latency_counts (stored-graph-rows.ts in @stitch/store). DuckDB has no sum of maps, so a
// group's sketches are added up by unnesting them, summing per (group, bucket) and listing the
// sums again, then joined to the group's other aggregates (keys may be NULL: the join says so).
// Lists cross the Node API slowly (each element a value object, both ways: a 7-day read took
// 8 times longer than with the 62 columns), so they travel as comma-separated text: written into
// staging tables as text and cast there, read back as text and split.

export const SKETCH_COLUMNS_SQL = 'latency_buckets INTEGER[] NOT NULL, latency_counts INTEGER[] NOT NULL';
/** A staging table's sketch: the lists as text ("812,830", "3,1"; "" when empty). */
export const SKETCH_TEXT_COLUMNS_SQL = 'latency_buckets VARCHAR NOT NULL, latency_counts VARCHAR NOT NULL';

/** A measurement's sketch as the two texts of a staging row. */
export const sketchTexts = (latency: { buckets: readonly number[]; counts: readonly number[] }): [string, string] => [latency.buckets.join(','), latency.counts.join(',')];

/** The rows of a staging table, its sketch texts cast to the stored lists. */
export function fromStagingSql(table: string): string {
  const list = (column: string) => `CASE WHEN ${column} = '' THEN []::INTEGER[] ELSE string_split(${column}, ',')::INTEGER[] END AS ${column}`;
  return `SELECT * EXCLUDE (latency_buckets, latency_counts), ${list('latency_buckets')}, ${list('latency_counts')} FROM ${table}`;
}

/**
 * `SELECT <keys>, <aggregates>, <sketch>` of `source` (a query) grouped by `keys`. The sketch as
 * sorted lists sketch_buckets and sketch_counts (to store), or for a read as text, sketch_pairs:
 * "bucket × 2^40 + count" in any order, comma-separated ("" when empty; stored-graph-rows.ts
 * decodes it). One unordered list is what makes a 7-day read fast: ordering two lists per group
 * cost more than the sums.
 */
export function groupedWithSketchSql(source: string, keys: readonly string[], aggregates: string, forRead = false): string {
  const k = keys.join(', ');
  const on = keys.map((key) => `totals.${key} IS NOT DISTINCT FROM sketches.${key}`).join(' AND ');
  const lists = forRead
    ? `array_to_string(list(bucket::BIGINT * ${SKETCH_PAIR_SHIFT} + n), ',') AS sketch_pairs`
    : 'list(bucket ORDER BY bucket) AS sketch_buckets, list(n ORDER BY bucket) AS sketch_counts';
  const sketch = forRead ? `coalesce(sketches.sketch_pairs, '') AS sketch_pairs` : `coalesce(sketches.sketch_buckets, []::INTEGER[]) AS sketch_buckets, coalesce(sketches.sketch_counts, []::BIGINT[]) AS sketch_counts`;
  return `WITH source AS (${source}),
    totals AS (SELECT ${k}, ${aggregates} FROM source GROUP BY ${k}),
    bucket_sums AS (
      SELECT ${k}, bucket, sum(n)::BIGINT AS n
      FROM (SELECT ${k}, unnest(latency_buckets) AS bucket, unnest(latency_counts) AS n FROM source)
      GROUP BY ${k}, bucket),
    sketches AS (SELECT ${k}, ${lists} FROM bucket_sums GROUP BY ${k})
    SELECT totals.*, ${sketch}
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
