import type { TraceJson, TraceOutlineJson, TraceSummaryJson } from '@stitch/model';
import type { MaybePartial } from './partial-answer.ts';

/** The durations of every match in the window: bucket bounds in milliseconds, the last one open. */
export interface HistogramJson {
  total: number;
  buckets: Array<{ fromMs: number; toMs: number | null; count: number }>;
}

/** The query an answer was made for, its window resolved (unix ms as strings). */
export interface SearchQueryJson {
  q: string;
  start: string;
  end: string;
  limit: number;
}

/** GET /api/traces: summaries, newest first; the histogram only with `histogram=true`. */
export interface TraceSearchJson extends MaybePartial {
  traces: TraceSummaryJson[];
  histogram?: HistogramJson;
  query: SearchQueryJson;
}

/** GET /api/traces/{id}: the trace, and what of it may be missing. */
export type TraceAnswerJson = TraceJson & MaybePartial;

/** GET /api/traces/{id}/outline: the trace without its spans' detail, and what of it may be missing. */
export type TraceOutlineAnswerJson = TraceOutlineJson & MaybePartial;

export interface ServiceSummaryJson {
  serviceName: string;
  /** Account ids the service has reported from, sorted. */
  accounts: string[];
  spanCount: number;
}

/** GET /api/services?account= */
export interface ServicesJson extends MaybePartial {
  services: ServiceSummaryJson[];
}
