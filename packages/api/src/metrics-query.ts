import type { MaybePartial } from './partial-answer.ts';

/** A label of a series: a `by` field and the group's value (null: the spans without one); `p` a quantile, `le` a bucket's bound in ms (null: none). */
export interface SeriesLabelJson {
  key: string;
  value: string | number | boolean | null;
}

/**
 * GET /api/metrics/query_range?q=&start=&end=&step=&limit= : a metrics query over spans
 * (`{ status = error } | rate() by (resource.service.name)`), a point per step (its start, unix
 * ms): 0 where a count has no spans, null where a value has none. At most `limit` series, those
 * with the most spans first; `partial.stoppedAt` says when more were left out.
 */
export interface MetricsQueryJson extends MaybePartial {
  /** `spans`: the spans counted into the series over the window. */
  series: Array<{ labels: SeriesLabelJson[]; points: Array<{ tMs: number; value: number | null }>; spans: number }>;
  query: { q: string; start: string; end: string; stepMs: number };
}
