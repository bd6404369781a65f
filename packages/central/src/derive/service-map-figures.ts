import { ServiceGraphAggregator, type AggregatorOptions } from '@stitch/graph';
import { batchToSpans, type Span, type SpanBatch } from '@stitch/model';
import type { WaitingSpanRef } from '@stitch/store';
import type { DerivedPart, StoredBatchProcessor } from './stored-batch-processor.ts';

/** The service map's calls, paired client to server; spans still waiting for a partner go in the checkpoint. */
export class ServiceMapFigures implements StoredBatchProcessor {
  readonly name = 'service-map';
  private graph: ServiceGraphAggregator;

  constructor(private readonly options: AggregatorOptions) {
    this.graph = new ServiceGraphAggregator(options);
  }

  /** How long a call waits for its partner before it is settled alone. */
  get pairWaitMs(): number {
    return this.graph.pairWaitMs;
  }

  stored(batch: SpanBatch, nowMs: number): void {
    this.graph.add(batchToSpans(batch), nowMs);
  }

  /** Spans that wait for a partner: from a checkpoint, or handed over by a federated agent. */
  addUnpaired(spans: readonly Span[], nowMs: number): void {
    this.graph.addUnpaired(spans, nowMs);
  }

  /** Settles what waited long enough (everything when `settleAll`), then drains the counted buckets. */
  flush(nowMs: number, settleAll: boolean): DerivedPart {
    this.graph.expire(settleAll ? Number.MAX_SAFE_INTEGER : nowMs);
    return { graphRecords: this.graph.drain() };
  }

  /** The spans waiting for a partner, for the checkpoint. */
  waiting(): WaitingSpanRef[] {
    return this.graph.waitingSpans().map((span) => ({ traceId: span.traceId, spanId: span.spanId }));
  }

  failed(): void {
    // Counted again from the store.
  }

  restart(): void {
    this.graph = new ServiceGraphAggregator(this.options);
  }
}
