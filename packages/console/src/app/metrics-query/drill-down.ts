import type { SeriesLabelJson } from '@stitch/api';
import { fieldText, filterText, HISTOGRAM_BOUNDS, parseFilter, type FilterExpr, type MetricsQuery, type SpanKey } from '@stitch/query';

/**
 * The filter that lists a series' traces: the query's span set AND the series' value of each by()
 * field, in one span set, so one span must be in the group (`{ status = error } | rate() by
 * (resource.service.name)`, series checkout: `{ status = "error" AND resource.service.name =
 * "checkout" }`). A quantile (`p`) is no fact of a span and adds nothing; a histogram's bucket
 * (`le`) adds its duration range. Written by the language's own writer, and read back by its
 * parser, so quoting is always right.
 */
export function drillDownFilter(query: MetricsQuery, labels: readonly SeriesLabelJson[]): string {
  const conditions: FilterExpr[] = query.spans === null ? [] : [query.spans];
  query.by.forEach((key, i) => {
    // The series' labels are the by() fields in order, then p or le (metrics-series.ts).
    const label = labels[i];
    if (label === undefined || label.key !== fieldText(key)) throw new Error(`series labels ${JSON.stringify(labels)} do not follow by (${query.by.map(fieldText).join(', ')})`);
    conditions.push(groupCondition(key, label.value));
  });
  if (query.fn === 'histogram_over_time') conditions.push(...bucketConditions(labels.find((label) => label.key === 'le')?.value));
  const body = conditions.length === 0 ? null : conditions.reduce((left, right): FilterExpr => ({ type: 'and', column: 0, left, right }));
  const text = filterText({ type: 'spanSet', column: 0, body });
  parseFilter(text);
  return text;
}

/** A span in the group of `value` (null: the spans without the field). */
function groupCondition(key: SpanKey, value: SeriesLabelJson['value']): FilterExpr {
  if (key.kind === 'attribute') return { type: 'compare', column: 0, field: 'attribute', scope: key.scope, key: key.key, op: '=', value };
  // The language has no nil for a span's own fields (http.route, http.method…): absent is "matches no pattern at all".
  if (value === null) return { type: 'not', column: 0, expr: { type: 'compare', column: 0, field: key.field, op: '=~', value: '.*' } };
  return { type: 'compare', column: 0, field: key.field, op: '=', value: String(value) };
}

/** The durations of the bucket under `le` (ms; null: the last, open-ended): from the bound below it, inclusive, to its own, exclusive (bucketOf). */
function bucketConditions(le: SeriesLabelJson['value'] | undefined): FilterExpr[] {
  if (le === undefined || typeof le === 'string' || typeof le === 'boolean') return [];
  const index = le === null ? HISTOGRAM_BOUNDS.length : HISTOGRAM_BOUNDS.findIndex((bound) => Number(bound) === Math.round(le * 1e6));
  if (index < 0) return [];
  const below = HISTOGRAM_BOUNDS[index - 1];
  const upper = HISTOGRAM_BOUNDS[index];
  const range: FilterExpr[] = [];
  if (below !== undefined) range.push({ type: 'compare', column: 0, field: 'duration', op: '>=', value: below });
  if (upper !== undefined) range.push({ type: 'compare', column: 0, field: 'duration', op: '<', value: upper });
  return range;
}
