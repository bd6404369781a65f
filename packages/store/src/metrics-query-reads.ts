import type { MetricCell, MetricsQuery, MetricsRange } from '@stitch/query';

/** A metrics query's window: its steps, and (for a scoped reader) the accounts whose spans count. */
export interface MetricsQueryRange extends MetricsRange {
  accounts?: readonly string[];
}

/** Metrics over spans (TraceQL's rate(), quantile_over_time()…): each store adds up the cells, seriesOf makes the series. */
export interface MetricsQueryReads {
  /** The cells of the spans that started in the range and meet the query (query's seriesOf turns them into series). */
  metricCells(query: MetricsQuery, range: MetricsQueryRange): Promise<MetricCell[]>;
}
