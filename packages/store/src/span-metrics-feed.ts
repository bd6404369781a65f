import { SpanMetricsAggregator } from '@stitch/metrics';
import type { SpanBatch } from '@stitch/model';
import type { MetricStore } from './metric-store.ts';

export interface SpanMetricsFeedOptions {
  /** How often counted buckets are written to the store (default 5 s). */
  flushEveryMs?: number;
  log: (message: string) => void;
}

/** Records held at most between flushes; past it a flush starts early, so a flood cannot grow memory without bound. */
const MAX_PENDING_RECORDS = 50_000;

/**
 * Keeps span metrics up to date at ingest: every stored batch is counted once (a retried
 * delivery is not stored twice, so not counted twice) and every few seconds the counted buckets
 * are written; the store adds them to what it holds. Records a write failed are kept for the
 * next flush rather than lost.
 */
export class SpanMetricsFeed {
  private readonly aggregator = new SpanMetricsAggregator();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: MetricStore,
    private readonly options: SpanMetricsFeedOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushEveryMs ?? 5_000);
    this.timer.unref();
  }

  /** Never throws: the spans are stored and acknowledged whatever the metrics make of them. */
  stored(batch: SpanBatch): void {
    try {
      this.aggregator.addBatch(batch);
      if (this.aggregator.pending > MAX_PENDING_RECORDS) void this.flush();
    } catch (error) {
      this.options.log(`span metrics: a batch of ${batch.length} spans was not counted (${(error as Error).stack ?? String(error)})`);
    }
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const records = this.aggregator.drain();
      try {
        await this.store.writeMetricRecords(records);
      } catch (error) {
        // Kept for the next flush, unless the store has been failing long enough to pile up too many.
        const keep = this.aggregator.pending + records.length <= MAX_PENDING_RECORDS;
        if (keep) this.aggregator.restore(records);
        this.options.log(`span metrics: ${records.length} buckets not written, ${keep ? 'kept for the next flush' : 'dropped'} (${(error as Error).message})`);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
