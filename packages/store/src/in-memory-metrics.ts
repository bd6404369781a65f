import { mergeMeasurements, emptyMeasurements } from '@stitch/graph';
import { selects, stepStartOf, type MetricRecord, type MetricSelector } from '@stitch/metrics';
import type { MetricStore } from './metric-store.ts';

/** Span metrics in plain memory: the in-memory store's, and the reference of the metric contract. */
export class InMemoryMetrics implements MetricStore {
  /** One record per key and bucket, written counts added into it. */
  private readonly records = new Map<string, MetricRecord>();

  async writeMetricRecords(records: readonly MetricRecord[]): Promise<void> {
    for (const record of records) {
      const key = JSON.stringify([record.bucketStartMs, record.account, record.service, record.operation]);
      let into = this.records.get(key);
      if (!into) this.records.set(key, (into = { ...record, measurements: emptyMeasurements() }));
      mergeMeasurements(into.measurements, record.measurements);
    }
  }

  async readMetricRecords(startMs: number, endMs: number, selector?: MetricSelector, stepMs?: number): Promise<MetricRecord[]> {
    const read = [...this.records.values()].filter((record) => record.bucketStartMs >= startMs && record.bucketStartMs < endMs && selects(selector, record));
    if (stepMs === undefined) return read.map((record) => structuredClone(record));
    const rolled = new InMemoryMetrics();
    await rolled.writeMetricRecords(read.map((record) => ({ ...record, bucketStartMs: stepStartOf(record.bucketStartMs, startMs, stepMs) })));
    return rolled.readMetricRecords(startMs, endMs);
  }
}
