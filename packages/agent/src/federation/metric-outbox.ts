import { randomUUID } from 'node:crypto';
import { METRIC_RECORDS_PER_HEARTBEAT, metricRecordJson, metricRecordToJson, type MetricBatchJson } from '@stitch/federation';
import { SpanMetricsAggregator, type MetricRecord } from '@stitch/metrics';
import type { SpanBatch } from '@stitch/model';

/**
 * Span metrics of the spans this account keeps, counted as central counts piped spans (the same
 * aggregator), waiting to go to central with a heartbeat: central never sees these spans, so
 * without them /api/metrics, SLOs and alarms would miss the account.
 *
 * A batch stays the next heartbeat's until central confirms its id: a heartbeat that fails sends
 * it again, and central, which remembers the ids it stored, adds it once. What is counted
 * meanwhile waits for the next batch. Bounded: past `maxRecords` held (central unreachable for
 * long), the oldest buckets are dropped and counted in `droppedRecords`.
 */
export class MetricOutbox {
  private readonly counting = new SpanMetricsAggregator();
  private sending: MetricBatchJson | null = null;
  droppedRecords = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly log: (message: string) => void,
  ) {}

  addBatch(batch: SpanBatch): void {
    this.counting.addBatch(batch);
    this.bound();
  }

  /** What the next heartbeat carries: the unconfirmed batch again, else a new one; null when nothing waits. */
  next(): MetricBatchJson | null {
    if (this.sending) return this.sending;
    if (this.counting.pending === 0) return null;
    const records = this.counting.drain();
    if (records.length > METRIC_RECORDS_PER_HEARTBEAT) this.counting.restore(records.splice(METRIC_RECORDS_PER_HEARTBEAT));
    const sendable = records.map(metricRecordToJson).filter((json) => metricRecordJson.safeParse(json).success);
    // Central would refuse the whole heartbeat for one such record (a span dated past 2200, a latency sum past 2^53 ns).
    if (sendable.length < records.length) {
      this.droppedRecords += records.length - sendable.length;
      this.log(`agent: ${records.length - sendable.length} span-metric records central would refuse were dropped`);
    }
    if (sendable.length === 0) return null;
    this.sending = { batchId: randomUUID(), records: sendable };
    return this.sending;
  }

  /** Central stored the batch `batchId`. */
  confirm(batchId: string): void {
    if (this.sending?.batchId === batchId) this.sending = null;
  }

  /** Records waiting, the unconfirmed batch's included. */
  get size(): number {
    return this.counting.pending + (this.sending?.records.length ?? 0);
  }

  private bound(): void {
    if (this.size <= this.maxRecords) return;
    // Down to 90 %, so a long outage does not sort everything again at every batch.
    const keep = Math.max(0, Math.floor(this.maxRecords * 0.9) - (this.sending?.records.length ?? 0));
    const newestFirst = this.counting.drain().sort((a: MetricRecord, b: MetricRecord) => b.bucketStartMs - a.bucketStartMs);
    this.counting.restore(newestFirst.slice(0, keep));
    this.droppedRecords += Math.max(0, newestFirst.length - keep);
    this.log(`agent: central has not taken span metrics for a while; ${newestFirst.length - keep} of the oldest records dropped`);
  }
}
