import { HISTOGRAM_BOUNDS, type MetricCell, type MetricsQuery } from '@stitch/query';
import { spanConditionSql, type MetricsQueryRange } from '@stitch/store';
import { exactFloat64, int64 } from './sql-literals.ts';
import { fromWindowStart, inWindow, type SpanTables } from './discovery-sql.ts';
import { groupKeySql, numberSql, spanAtoms } from './filter-sql.ts';

// A metrics query's cells (the query package's MetricCell) as ClickHouse SQL: the spans of the
// range grouped by step, by the query's fields and, for a histogram, by bucket. The aggregates
// read plain columns of the select inside (18.16 resolves those most surely).

export function metricCellsSql(tables: SpanTables, query: MetricsQuery, range: MetricsQueryRange): string {
  const start = int64(range.startNanos);
  const where = [inWindow(range)];
  if (query.spans !== null) where.push(spanConditionSql(query.spans, spanAtoms(tables.local, fromWindowStart(range))));
  const keys = query.by.map((key, i) => `${groupKeySql(key)} AS k${i}`);
  // The bucket: how many bounds are at or under the duration (a sum, as 18.16's lambdas cannot read the row).
  const bucket = query.fn === 'histogram_over_time' ? HISTOGRAM_BOUNDS.map((bound) => `(end_ns - start_ns >= ${int64(bound)})`).join(' + ') : 'toUInt8(0)';
  const value = query.of === null ? 'CAST(NULL AS Nullable(Float64))' : `toNullable(toFloat64(${numberSql(query.of)}))`;
  const groups = ['step', ...query.by.map((_, i) => `k${i}`), 'bucket'];
  const quantiles = query.quantiles.map((q) => `sorted[toUInt64(greatest(1, ceil(${exactFloat64(q)} * n_values)))]`);
  return `SELECT ${groups.join(', ')}, toString(n_spans) AS span_count, toString(n_values) AS value_count, total, least, greatest${quantiles.length > 0 ? `, [${quantiles.join(', ')}] AS quantiles` : ''}
    FROM (
      SELECT ${groups.join(', ')}, count() AS n_spans, count(v) AS n_values, sum(v) AS total, min(v) AS least, max(v) AS greatest${query.fn === 'quantile_over_time' ? ', arraySort(groupArray(v)) AS sorted' : ''}
      FROM (
        SELECT intDiv(start_ns - ${start}, ${int64(range.stepNanos)}) AS step, ${[...keys, ''].join(', ')}${bucket} AS bucket, ${value} AS v
        FROM ${tables.shared} WHERE ${where.join(' AND ')}
      )
      GROUP BY ${groups.join(', ')}
    )`;
}

export function cellOfRow(query: MetricsQuery, row: Record<string, unknown>): MetricCell {
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  // Counts come as text (UInt64), under names of their own: ClickHouse puts an alias wherever its name appears.
  const values = Number(row.value_count);
  return {
    keys: query.by.map((_, i) => (row[`k${i}`] === '' ? null : (row[`k${i}`] as string))),
    step: Number(row.step),
    bucket: query.fn === 'histogram_over_time' ? Number(row.bucket) : null,
    spans: Number(row.span_count),
    values,
    // With no value, 18.16 sums to 0: none is null, as in the reference.
    sum: values === 0 ? null : number(row.total),
    min: values === 0 ? null : number(row.least),
    max: values === 0 ? null : number(row.greatest),
    quantiles: query.fn === 'quantile_over_time' && values > 0 ? (row.quantiles as unknown[]).map((value) => Number(value)) : null,
  };
}
