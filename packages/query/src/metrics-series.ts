import { spanDuration, type Span } from '@stitch/model';
import type { MetricsQuery, SpanKey } from './ast.ts';
import { HISTOGRAM_BOUNDS } from './duration-histogram.ts';
import { SpanFamily, spanKeyOf, spanMeets, spanNumberOf, valueOfKey } from './evaluate.ts';
import { fieldText } from './filter-text.ts';

// A metrics query's answer (ast.ts's MetricsQuery): series of points, one point per step. The
// stores add up "cells" (a group, a step, and for histograms a bucket) in SQL; the reference
// adds them up here from spans; both become series the same way.

/** The steps [start + i × step, start + (i + 1) × step) of a window; the last may end past `endNanos`. */
export interface MetricsRange {
  startNanos: bigint;
  endNanos: bigint;
  stepNanos: bigint;
}

export const stepCount = (range: MetricsRange) => Number((range.endNanos - range.startNanos + range.stepNanos - 1n) / range.stepNanos);

/** What the spans of one group in one step (and, for histogram_over_time, one bucket) add up to. */
export interface MetricCell {
  /** The group's typed keys (`s:`, `n:`, `b:` and the value; null where the span has none), one per `by` field. */
  keys: Array<string | null>;
  step: number;
  /** histogram_over_time: the bucket (the number of HISTOGRAM_BOUNDS at or under the duration); else null. */
  bucket: number | null;
  spans: number;
  /** How many of the spans have the value aggregated, and its sum, least and greatest (null when none). */
  values: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** quantile_over_time: the quantiles of the values, in the query's order. */
  quantiles: number[] | null;
}

export type LabelValue = string | number | boolean | null;

export interface MetricSeries {
  /** The by fields with the group's values (null: the spans without one); `p` for a quantile, `le` (ms, null: no bound) for a bucket. */
  labels: Array<{ key: string; value: LabelValue }>;
  /** One per step; 0 where a count has no spans, null where a value has none. */
  points: Array<number | null>;
  /** The spans counted into it, over all steps. */
  spans: number;
}

/** The reference: the cells of the spans that started in the window and meet the query. */
export function cellsOfSpans(query: MetricsQuery, spans: readonly Span[], range: MetricsRange): MetricCell[] {
  const grouped = new Map<string, { keys: Array<string | null>; step: number; bucket: number | null; spans: number; values: number[] }>();
  // Children are counted among the spans from the window's start on, as the stores read them.
  const family = new SpanFamily(spans.filter((span) => span.startTimeUnixNano >= range.startNanos));
  for (const span of spans) {
    const start = span.startTimeUnixNano as bigint;
    if (start < range.startNanos || start >= range.endNanos) continue;
    if (query.spans !== null && !spanMeets(query.spans, span, family)) continue;
    const keys = query.by.map((key) => typedKey(span, key));
    const step = Number((start - range.startNanos) / range.stepNanos);
    const bucket = query.fn === 'histogram_over_time' ? HISTOGRAM_BOUNDS.filter((bound) => bound <= spanDuration(span)).length : null;
    const id = JSON.stringify([keys, step, bucket]);
    const cell = grouped.get(id) ?? { keys, step, bucket, spans: 0, values: [] };
    cell.spans += 1;
    const value = query.of === null ? undefined : spanNumberOf(span, query.of);
    if (value !== undefined) cell.values.push(value);
    grouped.set(id, cell);
  }
  return [...grouped.values()].map(({ values, ...cell }) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      ...cell,
      values: values.length,
      sum: values.length === 0 ? null : values.reduce((a, b) => a + b, 0),
      min: values.length === 0 ? null : sorted[0]!,
      max: values.length === 0 ? null : sorted.at(-1)!,
      quantiles: query.fn === 'quantile_over_time' && values.length > 0 ? query.quantiles.map((q) => sorted[nearestRank(q, values.length) - 1]!) : null,
    };
  });
}

/** The 1-based position of quantile q among n values in order: ceil(q × n), at least 1 (in doubles, as SQL computes it). */
export const nearestRank = (q: number, n: number) => Math.max(1, Math.ceil(q * n));

function typedKey(span: Span, key: SpanKey): string | null {
  const typed = spanKeyOf(span, key);
  return typed === 'nil' ? null : typed;
}

/** The series the cells make, ordered by their labels. */
export function seriesOf(query: MetricsQuery, range: MetricsRange, cells: readonly MetricCell[]): MetricSeries[] {
  const steps = stepCount(range);
  const stepSeconds = Number(range.stepNanos) / 1e9;
  const counts = query.fn === 'rate' || query.fn === 'count_over_time' || query.fn === 'histogram_over_time';
  const series = new Map<string, MetricSeries>();
  const seriesFor = (labels: MetricSeries['labels']) => {
    const id = JSON.stringify(labels.map((label) => [label.key, canonical(label.value)]));
    let found = series.get(id);
    if (!found) series.set(id, (found = { labels, points: Array.from({ length: steps }, () => (counts ? 0 : null)), spans: 0 }));
    return found;
  };
  for (const cell of cells) {
    if (cell.step < 0 || cell.step >= steps) continue;
    const labels = query.by.map((key, i) => ({ key: fieldText(key), value: valueOfKey(cell.keys[i] ?? null) }));
    if (query.fn === 'quantile_over_time') {
      query.quantiles.forEach((q, i) => {
        const found = seriesFor([...labels, { key: 'p', value: q }]);
        found.points[cell.step] = cell.quantiles?.[i] ?? null;
        found.spans += cell.spans;
      });
      continue;
    }
    const bound = query.fn === 'histogram_over_time' ? HISTOGRAM_BOUNDS[cell.bucket!] : undefined;
    const found = query.fn === 'histogram_over_time' ? seriesFor([...labels, { key: 'le', value: bound === undefined ? null : Number(bound) / 1e6 }]) : seriesFor(labels);
    found.points[cell.step] = query.fn === 'histogram_over_time' ? cell.spans : pointOf(query, cell, stepSeconds);
    found.spans += cell.spans;
  }
  const ordered = [...series.values()].sort(byLabels);
  return query.rank === null ? ordered : ranked(ordered, query.rank, steps);
}

/** topk / bottomk, point by point as PromQL does: a series keeps the steps where it ranks among the n; one left with none is dropped. */
function ranked(series: MetricSeries[], rank: NonNullable<MetricsQuery['rank']>, steps: number): MetricSeries[] {
  const kept = series.map((found) => ({ ...found, points: found.points.map(() => null as number | null) }));
  for (let step = 0; step < steps; step++) {
    const order = series
      .map((found, i) => ({ i, value: found.points[step] }))
      .filter((entry): entry is { i: number; value: number } => entry.value !== null && entry.value !== undefined)
      .sort((a, b) => (rank.fn === 'topk' ? b.value - a.value : a.value - b.value) || a.i - b.i);
    for (const { i, value } of order.slice(0, rank.n)) kept[i]!.points[step] = value;
  }
  return kept.filter((found) => found.points.some((point) => point !== null));
}

function pointOf(query: MetricsQuery, cell: MetricCell, stepSeconds: number): number | null {
  switch (query.fn) {
    case 'count_over_time':
      return cell.spans;
    case 'rate':
      return cell.spans / stepSeconds;
    case 'sum_over_time':
      return cell.sum;
    case 'avg_over_time':
      return cell.values === 0 || cell.sum === null ? null : cell.sum / cell.values;
    case 'min_over_time':
      return cell.min;
    case 'max_over_time':
      return cell.max;
    default:
      return null;
  }
}

/** A label's value as text that tells types apart. */
const canonical = (value: LabelValue) => (value === null ? '' : `${typeof value}:${String(value)}`);

/** Series in the order of their labels' values: none first, then numbers by value (buckets shortest first, a bucket without a bound last), then text. */
function byLabels(a: MetricSeries, b: MetricSeries): number {
  for (let i = 0; i < Math.min(a.labels.length, b.labels.length); i++) {
    const order = compareLabel(a.labels[i]!.value, b.labels[i]!.value, a.labels[i]!.key === 'le');
    if (order !== 0) return order;
  }
  return a.labels.length - b.labels.length;
}

function compareLabel(a: LabelValue, b: LabelValue, nullLast: boolean): number {
  if (a === b) return 0;
  if (a === null || b === null) return (a === null ? -1 : 1) * (nullLast ? -1 : 1);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = canonical(a);
  const right = canonical(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

