import { SpanMetricsAggregator } from '@stitch/metrics';
import type { SpanBatch } from '@stitch/model';
import type { DerivedPart, StoredBatchProcessor } from './stored-batch-processor.ts';

/** RED figures (requests, errors, latency sketches) per service and operation, by minute. */
export class SpanMetricsFigures implements StoredBatchProcessor {
  readonly name = 'span-metrics';
  private metrics = new SpanMetricsAggregator();

  stored(batch: SpanBatch): void {
    this.metrics.addBatch(batch);
  }

  flush(): DerivedPart {
    return { metricRecords: this.metrics.drain() };
  }

  failed(): void {
    // Counted again from the store.
  }

  restart(): void {
    this.metrics = new SpanMetricsAggregator();
  }
}
