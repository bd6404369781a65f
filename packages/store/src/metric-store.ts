import type { MetricRecord, MetricSelector } from '@stitch/metrics';

/**
 * Span metrics (RED per account, service, operation and bucket), kept next to the spans for at
 * least 35 days, so a 30-day SLO window always has its figures.
 */
export interface MetricStore {
  /** Counts written again for a key and bucket already stored ADD UP (feeds flush partial buckets). */
  writeMetricRecords(records: readonly MetricRecord[]): Promise<void>;
  /**
   * Records of the buckets starting in [startMs, endMs) that match `selector`: one per
   * (account, service, operation, bucket), everything written for it added up. With `stepMs`
   * (whole minutes) the buckets are rolled up into steps counted from `startMs`, each record
   * labelled with its step's start: a long window's read hands back a few rows, not every minute.
   */
  readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]>;
}
