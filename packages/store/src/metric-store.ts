import type { MetricRecord, MetricSelector } from '@stitch/metrics';

/** Storing span metrics: those federated agents send with their heartbeats (central's own are committed with the checkpoint, `commitDerived`). */
export interface MetricWrites {
  /** Counts written again for a key and bucket already stored ADD UP (feeds flush partial buckets). */
  writeMetricRecords(records: readonly MetricRecord[]): Promise<void>;
}

/** Reading span metrics: the metrics and SLO routes, alarms. */
export interface MetricReads {
  /**
   * Records of the buckets starting in [startMs, endMs) that match `selector`: one per
   * (account, service, operation, bucket), everything written for it added up. With `stepMs`
   * (whole minutes) the buckets are rolled up into steps counted from `startMs`, each record
   * labelled with its step's start: a long window's read hands back a few rows, not every minute.
   */
  readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]>;
}

/**
 * Span metrics (RED per account, service, operation and bucket), kept next to the spans for at
 * least 35 days, so a 30-day SLO window always has its figures.
 */
export type MetricStore = MetricReads & MetricWrites;
